"""Budget tables: absorption of the approved APBDes, stages, ceilings against budgets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from smartkampung.budgets.models import BudgetStatus
from smartkampung.core.templatetags.sk import rupiah

from ..selectors import DashboardData, VillageFigures
from .base import (
    ZERO,
    Cell,
    Column,
    Table,
    count,
    dashboard_url,
    filter_villages,
    money,
    percent_cell,
    share,
    table_url,
    text,
    url,
    village_url,
)


def _budget_sums(villages: Iterable[VillageFigures]) -> tuple[Decimal, Decimal, int, int]:
    budget = realised = ZERO
    desa = not_submitted = 0
    for v in villages:
        if v.budget is None:
            continue
        desa += 1
        budget += Decimal(v.budget["budget"])
        realised += Decimal(v.budget["realised"])
        not_submitted += 0 if v.budget["submitted"] else 1
    return budget, realised, desa, not_submitted


def budget_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    by_district: dict[str, list[VillageFigures]] = {}
    for v in data.villages:
        by_district.setdefault(v.district_code, []).append(v)
    rows = []
    for code, villages in by_district.items():
        budget, realised, desa, not_submitted = _budget_sums(villages)
        consolidation = url("budgets:consolidation", year=data.year, region=code)
        rows.append(
            [
                text(villages[0].district_name, dashboard_url(data, code)),
                money(budget, consolidation),
                money(realised, consolidation),
                percent_cell(share(realised, budget)),
                count(desa, table_url(data, "budget-villages", region=code)),
                count(
                    not_submitted,
                    table_url(data, "budget-villages", region=code, submitted="no"),
                ),
            ]
        )
    budget, realised, desa, not_submitted = _budget_sums(data.villages)
    consolidation = url("budgets:consolidation", year=data.year, region=data.region.code)
    return Table(
        key="budget-districts",
        title=_("Absorption of the approved APBDes, by kecamatan"),
        columns=[
            Column(_("Kecamatan")),
            Column(_("Budgeted expenditure"), numeric=True),
            Column(_("Realised"), numeric=True),
            Column(_("Absorption"), numeric=True),
            Column(_("Desa"), numeric=True),
            Column(_("Not submitted"), numeric=True),
        ],
        rows=rows,
        totals=[
            text(_("Total")),
            money(budget, consolidation),
            money(realised, consolidation),
            percent_cell(share(realised, budget)),
            count(desa, table_url(data, "budget-villages")),
            count(not_submitted, table_url(data, "budget-villages", submitted="no")),
        ],
        note=_("Only approved budgets count; kelurahan have no APBDes."),
    )


def budget_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    desa = [v for v in data.villages if v.budget is not None]
    desa = filter_villages(
        desa, params, {"submitted": lambda v: v.budget and v.budget["submitted"]}
    )
    statuses = dict(BudgetStatus.choices)
    rows = []
    for v in desa:
        assert v.budget is not None
        budget, realised = Decimal(v.budget["budget"]), Decimal(v.budget["realised"])
        approved = v.budget["status"] == BudgetStatus.APPROVED
        lra = url("budgets:lra", v.code, data.year) if approved else ""
        rows.append(
            [
                text(v.name, village_url(v.code)),
                text(v.district_name),
                text(str(statuses.get(v.budget["status"], _("no budget yet")))),
                money(budget, lra),
                money(realised, lra),
                percent_cell(share(realised, budget), lra),
            ]
        )
    return Table(
        key="budget-villages",
        title=_("APBDes of each desa"),
        columns=[
            Column(_("Desa")),
            Column(_("Kecamatan")),
            Column(_("Stage")),
            Column(_("Budgeted expenditure"), numeric=True),
            Column(_("Realised"), numeric=True),
            Column(_("Absorption"), numeric=True),
        ],
        rows=rows,
        filters={k: params[k] for k in ("submitted",) if params.get(k) in {"yes", "no"}},
    )


def ceilings(data: DashboardData, params: Mapping[str, str]) -> Table:
    names = {v.code: v for v in data.villages}
    wanted = params.get("over", "")
    rows = []
    for c in data.ceilings:
        if wanted in {"yes", "no"} and c["over"] != (wanted == "yes"):
            continue
        village = names.get(c["village"])
        if village is None:
            continue
        ceiling = None if c["ceiling"] is None else Decimal(c["ceiling"])
        budgeted = Decimal(c["budgeted"])
        ceilings_url = (
            url("budgets:ceilings", year=data.year, district=village.district_code)
            if data.is_regency and data.ceilings_editable
            else ""
        )
        rows.append(
            [
                text(village.name, village_url(village.code)),
                text(village.district_name),
                text(c["fund_source"]),
                Cell(value=ceiling, text=rupiah(ceiling), url=ceilings_url, numeric=True),
                money(budgeted),
                percent_cell(None if ceiling is None else share(budgeted, ceiling)),
                text(_("yes") if c["over"] else _("no")),
            ]
        )
    return Table(
        key="ceilings",
        title=_("Ceilings (pagu) against the revenue budgeted"),
        columns=[
            Column(_("Desa")),
            Column(_("Kecamatan")),
            Column(_("Fund source")),
            Column(_("Ceiling"), numeric=True),
            Column(_("Budgeted revenue"), numeric=True),
            Column(_("Share of the ceiling"), numeric=True),
            Column(_("Over the ceiling")),
        ],
        rows=rows,
        note=_("The current version of each budget: the one in progress, else the approved one."),
        filters={k: params[k] for k in ("over",) if params.get(k) in {"yes", "no"}},
    )

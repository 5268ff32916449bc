"""The dashboard's tables: one definition used by the page, the full list and the CSV export.

Each builder turns ``DashboardData`` into a ``Table`` of ``Cell``s: the raw value (for CSV), the
text shown, and the link to the list behind the figure (another app's list filtered to it,
or a fuller dashboard table). Builders accept a few filters from the query string (``active``,
``submitted``, ``over``, ``flagged``) so that a headline figure can link to exactly its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from smartkampung.budgets.models import BudgetStatus
from smartkampung.core.templatetags.sk import percent, rupiah
from smartkampung.projects.models import RuleCode

from .selectors import DashboardData, VillageFigures, rollout_trend

ZERO = Decimal("0")


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str
    url: str = ""
    numeric: bool = False
    bar: float | None = None  # 0–100: drawn as a bar next to the number


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    note: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    page_url: str = ""  # the full table page (set by ``build``)

    @property
    def csv_url(self) -> str:
        return self.page_url + "&format=csv"


def _url(name: str, *args: Any, **params: Any) -> str:
    base = reverse(name, args=args)
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


def table_url(data: DashboardData, key: str, **filters: str) -> str:
    return _url(
        "dashboards:table",
        key,
        region=filters.pop("region", data.region.code),
        year=data.year,
        **filters,
    )


def _text(value: str, url: str = "") -> Cell:
    return Cell(value=value, text=value, url=url)


def _count(n: int, url: str = "") -> Cell:
    return Cell(value=n, text=formats.number_format(n, force_grouping=True), url=url, numeric=True)


def _money(amount: Decimal, url: str = "") -> Cell:
    return Cell(value=amount, text=rupiah(amount), url=url, numeric=True)


def _percent(value: float | None, url: str = "") -> Cell:
    bar = None if value is None else round(max(0.0, min(100.0, value)), 1)
    return Cell(
        value=None if value is None else round(value, 2),
        text=percent(value),
        url=url,
        numeric=True,
        bar=bar,
    )


def _share(part: Decimal | int, whole: Decimal | int) -> float | None:
    return float(Decimal(part) / Decimal(whole) * 100) if whole else None


def _date(value: str | None) -> Cell:
    moment = parse_datetime(value) if value else None
    if moment is None:
        return Cell(value="", text=_("never"))
    return Cell(
        value=moment.date().isoformat(), text=formats.date_format(moment, "SHORT_DATE_FORMAT")
    )


def _village_url(code: str) -> str:
    return reverse("regions:village", args=[code])


def _dashboard_url(data: DashboardData, region: str) -> str:
    return _url("dashboards:index", region=region, year=data.year)


def _filter(
    rows: Iterable[VillageFigures], params: Mapping[str, str], tests: dict[str, Any]
) -> list[VillageFigures]:
    kept = list(rows)
    for name, test in tests.items():
        wanted = params.get(name, "")
        if wanted in {"yes", "no"}:
            kept = [v for v in kept if bool(test(v)) == (wanted == "yes")]
    return kept


# --- rollout ----------------------------------------------------------------------------------


def rollout_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    rows, total_active, total = [], 0, 0
    by_district: dict[str, list[VillageFigures]] = {}
    for v in data.villages:
        by_district.setdefault(v.district_code, []).append(v)
    for code, villages in by_district.items():
        active = sum(1 for v in villages if v.rollout.get("active"))
        total_active += active
        total += len(villages)
        rows.append(
            [
                _text(villages[0].district_name, _dashboard_url(data, code)),
                _count(active, table_url(data, "rollout-villages", region=code, active="yes")),
                _count(len(villages), table_url(data, "rollout-villages", region=code)),
                _percent(_share(active, len(villages))),
            ]
        )
    return Table(
        key="rollout-districts",
        title=_("Villages running Smart Kampung, by kecamatan"),
        columns=[
            Column(_("Kecamatan")),
            Column(_("Active villages"), numeric=True),
            Column(_("Villages"), numeric=True),
            Column(_("Share"), numeric=True),
        ],
        rows=rows,
        totals=[
            _text(_("Total")),
            _count(total_active, table_url(data, "rollout-villages", active="yes")),
            _count(total, table_url(data, "rollout-villages")),
            _percent(_share(total_active, total)),
        ],
    )


def rollout_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    villages = _filter(data.villages, params, {"active": lambda v: v.rollout.get("active")})
    rows = [
        [
            _text(v.name, _village_url(v.code)),
            _text(v.district_name),
            _text(_("active") if v.rollout.get("active") else _("not active")),
            _date(v.rollout.get("last_login")),
        ]
        for v in villages
    ]
    return Table(
        key="rollout-villages",
        title=_("Villages and their Smart Kampung activity"),
        columns=[
            Column(_("Village")),
            Column(_("Kecamatan")),
            Column(_("Status")),
            Column(_("Last operator login")),
        ],
        rows=rows,
        filters={k: params[k] for k in ("active",) if params.get(k) in {"yes", "no"}},
    )


def rollout_trend_table(data: DashboardData, params: Mapping[str, str]) -> Table:
    from django.conf import settings

    trend = rollout_trend(region=data.region, days=settings.SK_ROLLOUT_TREND_DAYS)
    return Table(
        key="rollout-trend",
        title=_("Active villages per day"),
        columns=[
            Column(_("Day")),
            Column(_("Active villages"), numeric=True),
            Column(_("Villages"), numeric=True),
        ],
        rows=[
            [
                Cell(
                    value=r["day"].isoformat(),
                    text=formats.date_format(r["day"], "SHORT_DATE_FORMAT"),
                ),
                _count(r["active"]),
                _count(r["villages"]),
            ]
            for r in trend
        ],
    )


# --- budget -----------------------------------------------------------------------------------


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
        consolidation = _url("budgets:consolidation", year=data.year, region=code)
        rows.append(
            [
                _text(villages[0].district_name, _dashboard_url(data, code)),
                _money(budget, consolidation),
                _money(realised, consolidation),
                _percent(_share(realised, budget)),
                _count(desa, table_url(data, "budget-villages", region=code)),
                _count(
                    not_submitted,
                    table_url(data, "budget-villages", region=code, submitted="no"),
                ),
            ]
        )
    budget, realised, desa, not_submitted = _budget_sums(data.villages)
    consolidation = _url("budgets:consolidation", year=data.year, region=data.region.code)
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
            _text(_("Total")),
            _money(budget, consolidation),
            _money(realised, consolidation),
            _percent(_share(realised, budget)),
            _count(desa, table_url(data, "budget-villages")),
            _count(not_submitted, table_url(data, "budget-villages", submitted="no")),
        ],
        note=_("Only approved budgets count; kelurahan have no APBDes."),
    )


def budget_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    desa = [v for v in data.villages if v.budget is not None]
    desa = _filter(desa, params, {"submitted": lambda v: v.budget and v.budget["submitted"]})
    statuses = dict(BudgetStatus.choices)
    rows = []
    for v in desa:
        assert v.budget is not None
        budget, realised = Decimal(v.budget["budget"]), Decimal(v.budget["realised"])
        approved = v.budget["status"] == BudgetStatus.APPROVED
        lra = _url("budgets:lra", v.code, data.year) if approved else ""
        rows.append(
            [
                _text(v.name, _village_url(v.code)),
                _text(v.district_name),
                _text(str(statuses.get(v.budget["status"], _("no budget yet")))),
                _money(budget, lra),
                _money(realised, lra),
                _percent(_share(realised, budget), lra),
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
            _url("budgets:ceilings", year=data.year, district=village.district_code)
            if data.is_regency
            else ""
        )
        rows.append(
            [
                _text(village.name, _village_url(village.code)),
                _text(village.district_name),
                _text(c["fund_source"]),
                Cell(value=ceiling, text=rupiah(ceiling), url=ceilings_url, numeric=True),
                _money(budgeted),
                _percent(None if ceiling is None else _share(budgeted, ceiling)),
                _text(_("yes") if c["over"] else _("no")),
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


# --- monitoring -------------------------------------------------------------------------------

PROJECT_STATUSES = ("planned", "ongoing", "completed", "late")


def _project_status_labels() -> dict[str, str]:
    return {
        "planned": _("Planned"),
        "ongoing": _("Ongoing"),
        "completed": _("Completed"),
        "late": _("Late"),
    }


def _projects_table(data: DashboardData, key: str, by_village: bool) -> Table:
    groups: dict[str, tuple[str, list[VillageFigures]]] = {}
    for v in data.villages:
        code, name = (v.code, v.name) if by_village else (v.district_code, v.district_name)
        groups.setdefault(code, (name, []))[1].append(v)
    labels = _project_status_labels()

    def link(code: str, status: str) -> str:
        where = {"village": code} if by_village else {"kecamatan": code}
        return _url("projects:map", year=data.year, status=status, **where)

    rows = []
    for code, (name, villages) in groups.items():
        counts = {s: sum(v.projects.get(s, 0) for v in villages) for s in PROJECT_STATUSES}
        if by_village and not any(counts.values()):
            continue
        rows.append(
            [_text(name, _village_url(code) if by_village else _dashboard_url(data, code))]
            + [_count(counts[s], link(code, s)) for s in PROJECT_STATUSES]
        )
    totals = {s: sum(v.projects.get(s, 0) for v in data.villages) for s in PROJECT_STATUSES}
    where = {} if data.is_regency else {"kecamatan": data.region.code}
    return Table(
        key=key,
        title=_("Projects of %(year)s by status") % {"year": data.year},
        columns=[Column(_("Village") if by_village else _("Kecamatan"))]
        + [Column(labels[s], numeric=True) for s in PROJECT_STATUSES],
        rows=rows,
        totals=[_text(_("Total"))]
        + [
            _count(totals[s], _url("projects:map", year=data.year, status=s, **where))
            for s in PROJECT_STATUSES
        ],
        note=_("“Late”: past the planned end and below 100 %, whatever the status."),
    )


def projects_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _projects_table(data, "projects-districts", by_village=False)


def projects_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _projects_table(data, "projects-villages", by_village=True)


def flags_rules(data: DashboardData, params: Mapping[str, str]) -> Table:
    counts: dict[str, int] = {}
    for v in data.villages:
        for rule, n in v.flags.items():
            counts[rule] = counts.get(rule, 0) + n
    where = {} if data.is_regency else {"kecamatan": data.region.code}
    rows = [
        [
            _text(str(label)),
            _count(counts[rule], _url("projects:flag_queue", rule=rule, status="open", **where)),
        ]
        for rule, label in RuleCode.choices
        if counts.get(rule)
    ]
    return Table(
        key="flags-rules",
        title=_("Open red flags by type"),
        columns=[Column(_("Type")), Column(_("Open flags"), numeric=True)],
        rows=rows,
        totals=[
            _text(_("Total")),
            _count(sum(counts.values()), _url("projects:flag_queue", status="open", **where)),
        ],
    )


def flags_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    rules = [(rule, label) for rule, label in RuleCode.choices]
    present = [r for r in rules if any(v.flags.get(r[0]) for v in data.villages)]
    flagged = sorted(
        (v for v in data.villages if v.flags),
        key=lambda v: (-sum(v.flags.values()), v.code),
    )
    rows = [
        [
            _text(v.name, _village_url(v.code)),
            _text(v.district_name),
            _count(sum(v.flags.values()), _url("projects:map", village=v.code, flag="any")),
        ]
        + [
            _count(v.flags.get(rule, 0), _url("projects:map", village=v.code, flag=rule))
            for rule, _label in present
        ]
        for v in flagged
    ]
    return Table(
        key="flags-villages",
        title=_("Open red flags by village"),
        columns=[
            Column(_("Village")),
            Column(_("Kecamatan")),
            Column(_("Open flags"), numeric=True),
        ]
        + [Column(str(label), numeric=True) for _rule, label in present],
        rows=rows,
        note=_("Villages without open flags are not listed."),
    )


BUILDERS: dict[str, Callable[[DashboardData, Mapping[str, str]], Table]] = {
    "rollout-districts": rollout_districts,
    "rollout-villages": rollout_villages,
    "rollout-trend": rollout_trend_table,
    "budget-districts": budget_districts,
    "budget-villages": budget_villages,
    "ceilings": ceilings,
    "projects-districts": projects_districts,
    "projects-villages": projects_villages,
    "flags-rules": flags_rules,
    "flags-villages": flags_villages,
}


def build(key: str, data: DashboardData, params: Mapping[str, str] | None = None) -> Table:
    table = BUILDERS[key](data, params or {})
    table.page_url = table_url(data, key, **table.filters)
    return table


def figures_as_of(data: DashboardData) -> datetime | None:
    return data.oldest_figures

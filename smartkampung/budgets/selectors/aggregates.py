"""Aggregate figures for the regency dashboard and the public portal.

These functions take no actor: they return sums per village, kecamatan, bidang and fund source
and no personal data (no names of payees, no document numbers). Absorption counts only the
approved (executing) version of each village-year; drafts are never included.
``region_code`` limits the figures to a kecamatan or a village (prefix match on the code).

Every ``absorption_*`` row has ``budget`` (planned expenditure), ``realised`` (approved
disbursements), ``committed`` (requested, not yet approved) and ``absorption`` (realised / budget
in percent, None when nothing is budgeted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from smartkampung.regions.models import Kind, Level, Region

from ..models import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetRevenue,
    BudgetStatus,
    Ceiling,
    FundSource,
    Sector,
    VillageBudget,
)
from ..models.budget import OPEN_STATUSES

ZERO = Decimal("0.00")
SUBMITTED_STATUSES = (
    BudgetStatus.SUBMITTED,
    BudgetStatus.EVALUATED,
    BudgetStatus.APPROVED,
    BudgetStatus.SUPERSEDED,
)


@dataclass
class Absorption:
    key: str
    label: str
    budget: Decimal = ZERO
    realised: Decimal = ZERO
    committed: Decimal = ZERO
    parent: str = ""

    @property
    def absorption(self) -> float | None:
        if not self.budget:
            return None
        return float(self.realised / self.budget * 100)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "parent": self.parent,
            "budget": self.budget,
            "realised": self.realised,
            "committed": self.committed,
            "absorption": None if self.absorption is None else round(self.absorption, 2),
        }


def _in_region(region_code: str | None, column: str = "village__pk") -> Q:
    if not region_code:
        return Q()
    return Q(**{column: region_code}) | Q(**{f"{column}__startswith": region_code + "."})


def villages_in(region_code: str | None = None) -> list[Region]:
    """Desa below ``region_code`` (kelurahan have no APBDes), without their boundaries."""
    qs = Region.objects.filter(level=Level.VILLAGE, kind=Kind.DESA).only(
        "code", "name", "parent_id", "kind", "level"
    )
    if region_code:
        qs = qs.filter(_in_region(region_code, "code"))
    return list(qs.order_by("code"))


def _district_names(region_code: str | None) -> dict[str, str]:
    qs = Region.objects.filter(level=Level.DISTRICT).only("code", "name")
    if region_code:
        # a kecamatan or village scope: its own kecamatan; a regency scope: all below it
        prefix = ".".join(region_code.split(".")[:3])
        qs = qs.filter(_in_region(prefix, "code") | Q(code=prefix))
    return {r.code: r.name for r in qs}


def absorption_cube(*, year: int, region_code: str | None = None) -> list[dict[str, Any]]:
    """Sums of the executing budgets per (village, bidang, fund source): one scan of the items.

    The other ``absorption_by_*`` functions roll this up, so a page that shows all of them
    reads the items once. The scan groups by the items' own integer keys (activity, fund
    source): a hash aggregate over them is several times faster at Bogor scale than sorting
    125,000 rows by village code and bidang text (issue 16); each activity's village and bidang
    come from the budgets' activities (a few thousand rows) and are rolled up here."""
    budgets = VillageBudget.objects.filter(
        _in_region(region_code, "village__pk"), year=year, status=BudgetStatus.APPROVED
    ).values("pk")
    sums = (
        BudgetItem.objects.filter(budget_id__in=budgets)
        .values("activity_id", "fund_source_id")
        .annotate(budget=Sum("amount"), realised=Sum("realised"), committed=Sum("committed"))
        .values_list("activity_id", "fund_source_id", "budget", "realised", "committed")
        .order_by()
    )
    where = {
        pk: (village, (activity or "")[:2])
        for pk, village, activity in BudgetActivity.objects.filter(budget_id__in=budgets)
        .values_list("pk", "budget__village_id", "activity_id")
        .order_by()
    }
    cube: dict[tuple[str, str, str], list[Decimal]] = {}
    for activity_id, fund_source, budget, realised, committed in sums:
        village, sector = where.get(activity_id) or ("", "")
        key = (village, sector, fund_source or "")
        cell = cube.get(key)
        if cell is None:
            cell = cube[key] = [ZERO, ZERO, ZERO]
        cell[0] += budget or ZERO
        cell[1] += realised or ZERO
        cell[2] += committed or ZERO
    return [
        {
            "village": village,
            "sector": sector,
            "fund_source": fund_source,
            "budget": budget,
            "realised": realised,
            "committed": committed,
        }
        for (village, sector, fund_source), (budget, realised, committed) in cube.items()
    ]


def _roll_up(
    cube: Iterable[dict[str, Any]], key: str, labels: dict[str, str], parents: dict[str, str]
) -> list[Absorption]:
    totals: dict[str, Absorption] = {}
    for code, label in labels.items():
        totals[code] = Absorption(key=code, label=label, parent=parents.get(code, ""))
    for cell in cube:
        code = cell[key]
        row = totals.get(code)
        if row is None:
            row = totals[code] = Absorption(key=code, label=code, parent=parents.get(code, ""))
        row.budget += cell["budget"]
        row.realised += cell["realised"]
        row.committed += cell["committed"]
    return sorted(totals.values(), key=lambda r: r.key)


def absorption_by_village(
    *, year: int, region_code: str | None = None, cube: list[dict[str, Any]] | None = None
) -> list[Absorption]:
    """Every desa in scope (also those without an approved budget: budget 0)."""
    villages = villages_in(region_code)
    cube = absorption_cube(year=year, region_code=region_code) if cube is None else cube
    return _roll_up(
        cube,
        "village",
        {v.code: v.name for v in villages},
        {v.code: v.parent_id or "" for v in villages},
    )


def absorption_by_district(
    *, year: int, region_code: str | None = None, cube: list[dict[str, Any]] | None = None
) -> list[Absorption]:
    cube = absorption_cube(year=year, region_code=region_code) if cube is None else cube
    by_district = [{**c, "district": c["village"].rsplit(".", 1)[0]} for c in cube]
    names = _district_names(region_code)
    return _roll_up(by_district, "district", names, {})


def absorption_by_sector(
    *, year: int, region_code: str | None = None, cube: list[dict[str, Any]] | None = None
) -> list[Absorption]:
    cube = absorption_cube(year=year, region_code=region_code) if cube is None else cube
    names = {s.code: s.name for s in Sector.objects.all()}
    return _roll_up(cube, "sector", names, {})


def absorption_by_fund_source(
    *, year: int, region_code: str | None = None, cube: list[dict[str, Any]] | None = None
) -> list[Absorption]:
    cube = absorption_cube(year=year, region_code=region_code) if cube is None else cube
    names = {s.code: f"{s.code} – {s.name}" for s in FundSource.objects.all()}
    rows = _roll_up(cube, "fund_source", names, {})
    return [r for r in rows if r.budget or r.realised or r.committed]


# Penyertaan modal desa (Permendagri 20/2018): the financing expenditure (6.2) that places the
# village's money as equity in its enterprise (BUMDes). 6.2.1 (reserve funds) and 6.2.9 do not.
EQUITY_PARTICIPATION_ACCOUNT = "6.2.2"


def equity_participation(
    *, village_codes: Iterable[str] | None = None, year: int | None = None
) -> dict[tuple[str, int], Decimal]:
    """(village code, year) → the equity participation (financing 6.2.2) of the approved
    (executing) APBDes. Village-years without an approved budget or without such a line are
    absent. No personal data; callers check that the actor may see the villages."""
    qs = BudgetFinancing.objects.filter(
        budget__status=BudgetStatus.APPROVED,
        account__pk__startswith=EQUITY_PARTICIPATION_ACCOUNT + ".",
    )
    if village_codes is not None:
        qs = qs.filter(budget__village_id__in=list(village_codes))
    if year is not None:
        qs = qs.filter(budget__year=year)
    rows = (
        qs.order_by()
        .values_list("budget__village_id", "budget__year")
        .annotate(total=Sum("amount"))
    )
    return {(village, int(y)): total or ZERO for village, y, total in rows}


# Bagi hasil BUM Desa: the village's own revenue (PAD) from its enterprise's profit.
ENTERPRISE_PROFIT_SHARE_ACCOUNT = "4.1.1.01"


def enterprise_profit_share(
    *, village_codes: Iterable[str], years: Iterable[int]
) -> dict[tuple[str, int], Decimal]:
    """(village code, year) → the revenue budgeted from the BUMDes's profit share (4.1.1.01)
    in the approved APBDes. No personal data; callers check the actor."""
    rows = (
        BudgetRevenue.objects.filter(
            budget__status=BudgetStatus.APPROVED,
            budget__village_id__in=list(village_codes),
            budget__year__in=list(years),
            account_id=ENTERPRISE_PROFIT_SHARE_ACCOUNT,
        )
        .order_by()
        .values_list("budget__village_id", "budget__year")
        .annotate(total=Sum("amount"))
    )
    return {(village, int(y)): total or ZERO for village, y, total in rows}


def budget_status_by_village(*, year: int, region_code: str | None = None) -> dict[str, str]:
    """The status of each village's furthest version: approved if one is executing, else the
    status of the version in progress. Villages without any version are absent."""

    result: dict[str, str] = {}
    rows = (
        VillageBudget.objects.filter(_in_region(region_code), year=year)
        .exclude(status=BudgetStatus.SUPERSEDED)
        .values_list("village_id", "status")
    )
    for village, status in rows:
        if result.get(village) != BudgetStatus.APPROVED:
            result[village] = status
    return result


def budget_status_counts(*, year: int, region_code: str | None = None) -> dict[str, int]:
    """How many desa are at each stage (``none`` for desa without any version)."""
    statuses = budget_status_by_village(year=year, region_code=region_code)
    counts: dict[str, int] = defaultdict(int)
    for village in villages_in(region_code):
        counts[statuses.get(village.code, "none")] += 1
    return dict(counts)


def villages_without_submitted_budget(
    *, year: int, region_code: str | None = None
) -> list[dict[str, str]]:
    """Desa whose budget for ``year`` has not reached the kecamatan (none, a draft, or returned
    and not yet resubmitted), with their kecamatan."""

    submitted = set(
        VillageBudget.objects.filter(
            _in_region(region_code), year=year, status__in=[s.value for s in SUBMITTED_STATUSES]
        ).values_list("village_id", flat=True)
    )
    statuses = budget_status_by_village(year=year, region_code=region_code)
    districts = _district_names(region_code)
    return [
        {
            "code": v.code,
            "name": v.name,
            "district_code": v.parent_id or "",
            "district": districts.get(v.parent_id or "", ""),
            "status": statuses.get(v.code, "none"),
        }
        for v in villages_in(region_code)
        if v.code not in submitted
    ]


def ceilings_vs_budgets(*, year: int, region_code: str | None = None) -> list[dict[str, Any]]:
    """Per desa and fund source: the regency's ceiling and the revenue budgeted against it in the
    village's current version (the one in progress, else the approved one)."""

    current: dict[str, int] = {}
    for village, pk, status in (
        VillageBudget.objects.filter(_in_region(region_code), year=year)
        .exclude(status=BudgetStatus.SUPERSEDED)
        .values_list("village_id", "pk", "status")
    ):
        if status in OPEN_STATUSES or village not in current:
            current[village] = pk
    budgeted: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for village, source, total in (
        BudgetRevenue.objects.filter(budget_id__in=current.values())
        .values("budget__village_id", "fund_source_id")
        .annotate(total=Sum("amount"))
        .values_list("budget__village_id", "fund_source_id", "total")
        .order_by()
    ):
        budgeted[(village, source or "")] += total or ZERO
    ceilings = {
        (c.village_id, c.fund_source_id): c.amount
        for c in Ceiling.objects.filter(_in_region(region_code), year=year).only(
            "village_id", "fund_source_id", "amount"
        )
    }
    names = {v.code: v.name for v in villages_in(region_code)}
    rows = []
    for village, source in sorted(set(ceilings) | set(budgeted)):
        if village not in names:
            continue
        ceiling = ceilings.get((village, source))
        revenue = budgeted.get((village, source), ZERO)
        rows.append(
            {
                "village": village,
                "village_name": names[village],
                "fund_source": source,
                "ceiling": ceiling,
                "budgeted": revenue,
                "difference": None if ceiling is None else ceiling - revenue,
                "over_ceiling": ceiling is not None and revenue > ceiling,
            }
        )
    return rows


def consolidation(*, year: int, region_code: str | None = None) -> dict[str, Any]:
    """Everything the consolidation page shows, from one scan of the items."""
    cube = absorption_cube(year=year, region_code=region_code)
    by_village = absorption_by_village(year=year, region_code=region_code, cube=cube)
    total = Absorption(key=region_code or "", label="")
    for row in by_village:
        total.budget += row.budget
        total.realised += row.realised
        total.committed += row.committed
    return {
        "total": total,
        "by_village": by_village,
        "by_district": absorption_by_district(year=year, region_code=region_code, cube=cube),
        "by_sector": absorption_by_sector(year=year, region_code=region_code, cube=cube),
        "by_fund_source": absorption_by_fund_source(year=year, region_code=region_code, cube=cube),
        "status_counts": budget_status_counts(year=year, region_code=region_code),
        "without_submitted": villages_without_submitted_budget(year=year, region_code=region_code),
    }

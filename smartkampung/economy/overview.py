"""The regency's (or a kecamatan's) view of village money put into enterprises and what came
back: per village, the capital placed from the APBDes, the equity participation the approved
budgets carried, the profit reported and the share paid back to the village (PAD), the return
on capital, the enterprises without a report for the last year, and a red flag where capital
was placed in a year although the enterprise, already operating, had not reported the year
before.

A handful of queries whatever the number of villages (enterprises, placements, reports, the
budgets' equity participation); the rest is summed in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.budgets.selectors.aggregates import equity_participation
from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level, Region

from .models import CapitalPlacement, EnterpriseReport, ReportStatus, VillageEnterprise
from .permissions import can_view_overview

ZERO = Decimal("0.00")
# A returned report is being corrected: its figures do not count until submitted again.
COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.CHECKED)


@dataclass
class VillageRow:
    code: str
    name: str
    district: str
    enterprises: int = 0
    budgeted: Decimal = ZERO  # equity participation (6.2.2) in the approved APBDes
    placed: Decimal = ZERO  # capital recorded as placed in the enterprises
    profit: Decimal = ZERO
    returned: Decimal = ZERO  # PAD share paid back to the village
    without_report: list[str] = field(default_factory=list)  # enterprises, for the last year
    flags: list[str] = field(default_factory=list)  # "enterprise: year"

    @property
    def return_percent(self) -> float | None:
        if not self.placed:
            return None
        return round(float(self.returned / self.placed * 100), 2)


def _region(code: str) -> Region:
    region = Region.objects.filter(pk=code).only("code", "name", "level").first()
    if region is None:
        raise NotFound(_("Not found."))
    return region


def economy_overview(
    *, actor: Any, region_code: str, last_year: int | None = None
) -> tuple[Region, int, list[VillageRow]]:
    """Rows per village of the region that has an enterprise or budgeted equity, ordered by
    code. ``last_year`` (default: the year before this one) is the year whose report is due."""
    if not can_view_overview(actor, region_code):
        raise NotFound(_("Not found."))
    region = _region(region_code)
    due = last_year if last_year is not None else timezone.localdate().year - 1
    prefix = region.code + "."
    in_region = (
        {"village__pk__startswith": prefix}
        if region.level != Level.VILLAGE
        else {"village__pk": region.code}
    )
    enterprises = list(
        VillageEnterprise.objects.filter(**in_region).values_list(
            "pk", "name", "village_id", "created_at"
        )
    )
    placements: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for enterprise_id, year, amount in CapitalPlacement.objects.filter(**in_region).values_list(
        "enterprise_id", "year", "amount"
    ):
        placements[enterprise_id][year] = amount
    reports: dict[int, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for enterprise_id, year, profit, pad in EnterpriseReport.objects.filter(
        status__in=COUNTED_STATUSES, **in_region
    ).values_list("enterprise_id", "year", "profit", "pad_share"):
        reports[enterprise_id][year] = (profit, pad)

    villages = Region.objects.filter(level=Level.VILLAGE)
    villages = (
        villages.filter(code__startswith=prefix)
        if region.level != Level.VILLAGE
        else villages.filter(code=region.code)
    )
    names = dict(villages.values_list("code", "name"))
    districts = dict(Region.objects.filter(level=Level.DISTRICT).values_list("code", "name"))
    budgeted: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (village, _year), amount in equity_participation(village_codes=list(names)).items():
        budgeted[village] += amount

    rows: dict[str, VillageRow] = {}

    def row(code: str) -> VillageRow:
        if code not in rows:
            rows[code] = VillageRow(
                code=code,
                name=names.get(code, code),
                district=districts.get(code.rsplit(".", 1)[0], ""),
                budgeted=budgeted.get(code, ZERO),
            )
        return rows[code]

    for code in budgeted:
        row(code)
    for pk, name, village, created_at in enterprises:
        r = row(village)
        r.enterprises += 1
        own_reports = reports.get(pk, {})
        own_placements = placements.get(pk, {})
        r.placed += sum(own_placements.values(), ZERO)
        r.profit += sum((p for p, _pad in own_reports.values()), ZERO)
        r.returned += sum((pad for _p, pad in own_reports.values()), ZERO)
        first_year = min([timezone.localtime(created_at).year, *own_placements, *own_reports])
        if first_year <= due and due not in own_reports:
            r.without_report.append(name)
        for year in sorted(own_placements):
            if first_year < year and (year - 1) not in own_reports:
                r.flags.append(f"{name}: {year}")
    return region, due, [rows[c] for c in sorted(rows)]


CSV_HEADER = (
    "village_code",
    "village",
    "kecamatan",
    "enterprises",
    "equity_budgeted",
    "capital_placed",
    "profit_reported",
    "returned_to_village",
    "return_on_capital_percent",
    "without_report_last_year",
    "capital_without_previous_report",
)


def overview_csv_rows(rows: list[VillageRow]) -> list[list[Any]]:
    return [
        [
            r.code,
            r.name,
            r.district,
            r.enterprises,
            r.budgeted,
            r.placed,
            r.profit,
            r.returned,
            "" if r.return_percent is None else r.return_percent,
            "; ".join(r.without_report),
            "; ".join(r.flags),
        ]
        for r in rows
    ]

"""Reads without an actor, for the regency dashboard and the public transparency portal.

Aggregates per village only: approved local businesses per KBLI sector, and per village the
BUMDes, the capital placed in them and the share of profit paid back (PAD). Nothing here names
a business, an owner or a manager, and no NIK or phone number leaves it. ``region_code``
limits everything to a kecamatan or a village (prefix match on the code); the callers decide
who sees the figures (the dashboard's scope) and hide small counts (the portal's suppression).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import (
    ApprovalStatus,
    CapitalPlacement,
    EnterpriseReport,
    LocalBusiness,
    VillageEnterprise,
)
from .overview import COUNTED_STATUSES

ZERO = Decimal("0.00")


def _in_region(region_code: str | None, column: str = "village__pk") -> Q:
    if not region_code:
        return Q()
    return Q(**{column: region_code}) | Q(**{f"{column}__startswith": region_code + "."})


def business_counts_by_village(*, region_code: str | None = None) -> dict[str, dict[str, int]]:
    """Per village code: approved local businesses per KBLI section letter (one query)."""
    rows = (
        LocalBusiness.objects.filter(_in_region(region_code), status=ApprovalStatus.APPROVED)
        .values("village_id", "sector")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["village_id"]][row["sector"]] = row["n"]
    return dict(result)


@dataclass
class BumdesFigures:
    enterprises: int = 0
    placed: Decimal = ZERO  # capital placed from the APBDes
    returned: Decimal = ZERO  # PAD share of the submitted or checked reports

    @property
    def return_percent(self) -> float | None:
        if not self.placed:
            return None
        return round(float(self.returned / self.placed * 100), 2)


def bumdes_figures_by_village(
    *, region_code: str | None = None, up_to_year: int | None = None
) -> dict[str, BumdesFigures]:
    """Per village code with a BUMDes: enterprises, capital placed and PAD returned, summed
    over the years up to ``up_to_year`` (every year when None) — the same sums as the
    regency view (``overview.economy_overview``); a returned report does not count. Three
    queries whatever the number of villages."""
    where = _in_region(region_code)
    years = Q(year__lte=up_to_year) if up_to_year is not None else Q()
    result: dict[str, BumdesFigures] = defaultdict(BumdesFigures)
    for row in (
        VillageEnterprise.objects.filter(where).values("village_id").annotate(n=Count("id"))
    ).order_by():
        result[row["village_id"]].enterprises = row["n"]
    for row in (
        CapitalPlacement.objects.filter(where, years)
        .values("village_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        result[row["village_id"]].placed = row["total"] or ZERO
    for row in (
        EnterpriseReport.objects.filter(where, years, status__in=COUNTED_STATUSES)
        .values("village_id")
        .annotate(total=Sum("pad_share"))
        .order_by()
    ):
        result[row["village_id"]].returned = row["total"] or ZERO
    return dict(result)

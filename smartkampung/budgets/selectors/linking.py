"""What other apps ask of a budget activity (no personal data, no actor: callers scope first).

The projects app links a project to a budget activity by its ``lineage`` (stable across
revisions, ADR 0025) and asks here how much of that activity's money has been released, and
which SSH composite price caps a kind of work.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from ..models import BudgetActivity, BudgetItem, BudgetStatus, UnitPriceStandard
from ..models.reference import regency_of

ZERO = Decimal("0")


@dataclass(frozen=True)
class ActivityMoney:
    """An activity's items in the executing (approved) version: budget, released, reserved."""

    total: Decimal
    realised: Decimal
    committed: Decimal


def activity_by_lineage(
    *, village_code: str, year: int, lineage: uuid.UUID | str
) -> BudgetActivity | None:
    """The activity row with this lineage in the village-year's executing version, or else in
    its newest version (a draft not yet approved)."""
    rows = (
        BudgetActivity.objects.filter(
            lineage=lineage, budget__village_id=village_code, budget__year=year
        )
        .select_related("budget", "activity")
        .order_by("-budget__version")
    )
    approved = next((r for r in rows if r.budget.status == BudgetStatus.APPROVED), None)
    return approved or rows.first()


def activity_money(
    *, village_code: str, year: int, lineage: uuid.UUID | str
) -> ActivityMoney | None:
    """Money of the activity in the executing version; None while no version is approved."""
    totals = BudgetItem.objects.filter(
        budget__village_id=village_code,
        budget__year=year,
        budget__status=BudgetStatus.APPROVED,
        activity__lineage=lineage,
    ).aggregate(total=Sum("amount"), realised=Sum("realised"), committed=Sum("committed"))
    if totals["total"] is None:
        return None
    return ActivityMoney(
        total=totals["total"],
        realised=totals["realised"] or ZERO,
        committed=totals["committed"] or ZERO,
    )


def activity_money_all(*, lineages: set[str] | None = None) -> dict[str, ActivityMoney]:
    """``activity_money`` for every activity of every executing version, keyed by lineage
    (one query: what a regency-wide red-flag run needs)."""
    qs = BudgetItem.objects.filter(budget__status=BudgetStatus.APPROVED)
    if lineages is not None:
        qs = qs.filter(activity__lineage__in=list(lineages))
    rows = qs.values("activity__lineage").annotate(
        total=Sum("amount"), realised=Sum("realised"), committed=Sum("committed")
    )
    return {
        str(r["activity__lineage"]): ActivityMoney(
            total=r["total"] or ZERO,
            realised=r["realised"] or ZERO,
            committed=r["committed"] or ZERO,
        )
        for r in rows
    }


def unit_price_standards_fingerprint() -> str:
    """A digest of every SSH price standard (one aggregate query): it changes whenever a
    standard is added, removed, repriced or (de)activated, so the red-flag run knows when the
    unit-cost ceilings must be read again."""
    agg = UnitPriceStandard.objects.aggregate(
        n_all=Count("pk"),
        n_active=Count("pk", filter=Q(active=True)),
        top=Max("pk"),
        prices=Sum("price"),
        active_prices=Sum("price", filter=Q(active=True)),
    )
    text = "|".join(str(agg[k]) for k in ("n_all", "n_active", "top", "prices", "active_prices"))
    return hashlib.sha256(text.encode()).hexdigest()


def _normalise_unit(unit: str) -> str:
    return unit.strip().lower().replace("²", "2").replace("³", "3").replace(" ", "")


def unit_price_ceilings(
    *, regency_code: str, year: int, work_type: str | None = None
) -> dict[tuple[str, str], Decimal]:
    """The SSH ceilings of one regency and year for kinds of physical work (of one
    ``work_type``, or all), in one query: ``(work type, normalised unit) -> ceiling``.

    Composite work items of the SSH (HSPK: e.g. "rabat beton jalan per m2") are marked with the
    work type as their category (``road``, ``drain``, …, or ``hspk:road``). Among the active ones
    in the same unit, the highest price is the ceiling (the most lenient reading: a flag then
    means the cost is above every applicable standard)."""
    ceilings: dict[tuple[str, str], Decimal] = {}
    standards = UnitPriceStandard.objects.filter(regency_id=regency_code, year=year, active=True)
    if work_type is not None:  # one project's check: not the whole SSH (thousands of items)
        standards = standards.filter(
            Q(category__iexact=work_type) | Q(category__iexact=f"hspk:{work_type}")
        )
    for category, unit, price in standards.values_list("category", "unit", "price"):
        key = (category.lower().removeprefix("hspk:"), _normalise_unit(unit))
        if key[0] and (key not in ceilings or price > ceilings[key]):
            ceilings[key] = price
    return ceilings


class UnitPriceCeiling:
    """The SSH ceiling for one unit of a kind of physical work: the default of
    ``SK_UNIT_PRICE_CEILING_LOOKUP`` (see ``unit_price_ceilings``). ``activity_code`` is
    accepted for lookups that also distinguish activities; unused here.

    Called per saved project it reads the standards afresh; ``for_run()`` gives a lookup for a
    regency-wide red-flag run that reads each regency-year once (one query per project took
    half of a 43,400-project run)."""

    def __call__(
        self, *, village_code: str, activity_code: str, work_type: str, unit: str, year: int
    ) -> Decimal | None:
        del activity_code
        ceilings = unit_price_ceilings(
            regency_code=regency_of(village_code), year=year, work_type=work_type
        )
        return ceilings.get((work_type.lower(), _normalise_unit(unit)))

    def for_run(self) -> Callable[..., Decimal | None]:
        read: dict[tuple[str, int], dict[tuple[str, str], Decimal]] = {}

        def lookup(
            *, village_code: str, activity_code: str, work_type: str, unit: str, year: int
        ) -> Decimal | None:
            del activity_code
            key = (regency_of(village_code), year)
            if key not in read:
                read[key] = unit_price_ceilings(regency_code=key[0], year=year)
            return read[key].get((work_type.lower(), _normalise_unit(unit)))

        return lookup


unit_price_ceiling = UnitPriceCeiling()

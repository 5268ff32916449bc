"""Published child-growth figures (stunting, wasting, underweight) per region, with the same
small-cell suppression as the population counts (``disclosure``): a count of 1 to
threshold − 1 children is hidden, and so is any count (or percentage) that would reveal it by
difference — between a village and its kecamatan and regency, and between the children
measured and those found stunted or not. Never a child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache

from smartkampung.health.public import latest_month, village_counts

from .disclosure import Cell, Equation, suppress_regions
from .population import region_tree

# table → (the count of children assessed, the count with the condition)
INDICATORS = {
    "stunting": ("measured", "stunted"),
    "wasting": ("weighed_for_height", "wasted"),
    "underweight": ("weighed", "underweight"),
}


@dataclass(frozen=True)
class PublishedIndicator:
    key: str
    assessed: int | None  # None: hidden
    affected: int | None
    percent: float | None


@dataclass(frozen=True)
class PublishedGrowth:
    month: date | None
    threshold: int
    indicators: tuple[PublishedIndicator, ...]

    @property
    def has_data(self) -> bool:
        return any(i.assessed for i in self.indicators)


def _margins(region: str, present: set[Cell]) -> list[Equation]:
    # assessed = affected + not affected, for each indicator
    return [
        ((region, table, "assessed"), [(region, table, "yes"), (region, table, "no")])
        for table in INDICATORS
        if (table, "yes") in present
    ]


def _compute(regency_code: str, threshold: int) -> dict[str, PublishedGrowth]:
    month = latest_month()
    if month is None:
        return {}
    per_village = village_counts(regency_code=regency_code, month=month)
    counts: dict[str, dict[Cell, int]] = {}
    for code, row in per_village.items():
        cells: dict[Cell, int] = {}
        for table, (assessed_key, affected_key) in INDICATORS.items():
            cells[(table, "yes")] = row[affected_key]
            cells[(table, "no")] = row[assessed_key] - row[affected_key]
            cells[(table, "assessed")] = row[assessed_key]
        counts[code] = cells
    result = suppress_regions(
        counts, region_tree(regency_code, sorted(per_village)), _margins, threshold=threshold
    )
    published = {}
    for code in result.cells:
        indicators = []
        for table in INDICATORS:
            assessed = result.shown(code, table, "assessed")
            affected = result.shown(code, table, "yes")
            percent = (
                round(100.0 * affected / assessed, 1) if assessed and affected is not None else None
            )
            indicators.append(PublishedIndicator(table, assessed, affected, percent))
        published[code] = PublishedGrowth(month, threshold, tuple(indicators))
    return published


def published_growth(*, region_code: str) -> PublishedGrowth | None:
    """The published figures of one region (None when nothing is computed yet)."""
    regency = ".".join(region_code.split(".")[:2])
    key = f"portal:health:{regency}"
    everything = cache.get(key)
    if everything is None:
        everything = _compute(regency, settings.SK_PORTAL_SUPPRESSION_THRESHOLD)
        cache.set(key, everything, settings.SK_PORTAL_CACHE_SECONDS)
    return everything.get(region_code)

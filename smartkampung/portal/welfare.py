"""Published aid-programme figures: recipients per programme in the latest month, per region,
with the same small-cell suppression as the population counts (``disclosure``): a count of 1
to threshold − 1 recipients is hidden, and so is any count that would reveal it by difference
between a village, its kecamatan and the regency. Never a name (issue 13, ADR 0086)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from smartkampung.welfare.public import latest_period, programme_names, village_counts

from .disclosure import Cell, Equation, suppress_regions
from .population import regency_code_of, region_tree


@dataclass(frozen=True)
class PublishedProgramme:
    code: str
    name: str
    recipients: int | None  # None: hidden


@dataclass(frozen=True)
class PublishedAid:
    period: str
    threshold: int
    programmes: tuple[PublishedProgramme, ...]

    @property
    def has_data(self) -> bool:
        return any(p.recipients != 0 for p in self.programmes)


def _margins(region: str, present: set[Cell]) -> list[Equation]:
    # A household may receive two programmes: there is no total to add up to.
    return []


def _compute(regency_code: str, threshold: int) -> dict[str, PublishedAid]:
    period = latest_period(regency_code=regency_code)
    if period is None:
        return {}
    per_village = village_counts(regency_code=regency_code, period=period)
    counts: dict[str, dict[Cell, int]] = {
        code: {("programme", p): n for p, n in row.items()} for code, row in per_village.items()
    }
    result = suppress_regions(
        counts, region_tree(regency_code, sorted(per_village)), _margins, threshold=threshold
    )
    names = programme_names(regency_code=regency_code)
    published = {}
    for code in result.cells:
        programmes = tuple(
            PublishedProgramme(p, name, result.shown(code, "programme", p)) for p, name in names
        )
        published[code] = PublishedAid(period, threshold, programmes)
    return published


def published_aid(*, region_code: str) -> PublishedAid | None:
    """The published figures of one region (None when there are no recipients)."""
    regency = regency_code_of(region_code)
    key = f"portal:welfare:{regency}"
    everything = cache.get(key)
    if everything is None:
        everything = _compute(regency, settings.SK_PORTAL_SUPPRESSION_THRESHOLD)
        cache.set(key, everything, settings.SK_PORTAL_CACHE_SECONDS)
    return everything.get(region_code)

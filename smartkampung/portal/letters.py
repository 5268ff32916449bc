"""Published letter-service figures: letters issued per type and in all, and the median time
to issue per type against its target (the SPM's promise: 30 minutes).

Counts go through the same small-cell suppression as the population (``disclosure``), over
the whole regency at once: "one SPM in this village this year" says something about a
household. A median is shown only when at least ``threshold`` letters of the type were
measured in the region (a median of one or two letters is one person's case). Everything is
computed from one read of the year's letters and cached, like the population figures.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from smartkampung.letters import statistics as letter_statistics
from smartkampung.letters.models import LetterType
from smartkampung.regions.models import Level, Region

from .disclosure import Cell, Equation, suppress_regions
from .population import regency_code_of, region_tree

CACHE_KEY = "portal:letters:{year}:{code}"


@dataclass
class PublishedLetters:
    code: str
    year: int
    total: int | None
    # Per letter type with letters: code, title, count (None: hidden), median_minutes (None:
    # too few measured), target_minutes, within_target — in the regency's catalogue order.
    types: list[dict[str, Any]] = field(default_factory=list)
    threshold: int = 5

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "types": self.types, "threshold": self.threshold}


def _margins(region: str, present: set[Cell]) -> list[Equation]:
    terms = [(region, t, c) for t, c in sorted(present) if t == "type"]
    return [((region, "total", ""), terms)]


def compute_published_letters(
    *, regency_code: str, year: int, threshold: int
) -> dict[str, PublishedLetters]:
    """Published figures of every region of the regency (villages, kecamatan, regency)."""
    times = letter_statistics.issue_times_by_village_and_type(region_code=regency_code, year=year)
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=regency_code + ".").values_list(
            "code", flat=True
        )
    )
    tree = region_tree(regency_code, villages)
    counts: dict[str, dict[Cell, int]] = {}
    for code in villages:
        per_type = times.get(code, {})
        cells: dict[Cell, int] = {("total", ""): sum(len(v) for v in per_type.values())}
        cells.update({("type", t): len(v) for t, v in per_type.items()})
        counts[code] = cells
    result = suppress_regions(counts, tree, _margins, threshold=threshold)

    # The measured times of every region: villages' own, then merged upwards.
    measured: dict[str, dict[str, list[int]]] = {
        code: {t: [s for s in v if s is not None] for t, v in per_type.items()}
        for code, per_type in times.items()
    }
    for parent, children in tree:
        merged: dict[str, list[int]] = {}
        for child in children:
            for t, values in measured.get(child, {}).items():
                merged.setdefault(t, []).extend(values)
        measured[parent] = merged
    catalogue = list(
        LetterType.objects.filter(regency_id=regency_code).values_list(
            "code", "title", "target_minutes"
        )
    )
    published = {}
    for code in result.cells:
        types = []
        for type_code, title, target in catalogue:
            if not result.values.get((code, "type", type_code)):
                continue
            values = measured.get(code, {}).get(type_code, [])
            median = statistics.median(values) / 60 if len(values) >= threshold else None
            types.append(
                {
                    "code": type_code,
                    "title": str(title),
                    "count": result.shown(code, "type", type_code),
                    "median_minutes": None if median is None else round(median, 1),
                    "target_minutes": target,
                    "within_target": None if median is None else median <= target,
                }
            )
        published[code] = PublishedLetters(
            code=code,
            year=year,
            total=result.shown(code, "total"),
            types=types,
            threshold=threshold,
        )
    return published


def published_letters_all(*, regency_code: str, year: int) -> dict[str, PublishedLetters]:
    """The published figures of every region of the regency, computed together on a cache
    miss and kept as one cache entry (per regency and year)."""
    key = CACHE_KEY.format(year=year, code=regency_code)
    everything: dict[str, PublishedLetters] | None = cache.get(key)
    if everything is None:
        everything = compute_published_letters(
            regency_code=regency_code,
            year=year,
            threshold=settings.SK_PORTAL_SUPPRESSION_THRESHOLD,
        )
        cache.set(key, everything, settings.SK_PORTAL_CACHE_SECONDS)
    return everything


def published_letters(*, region_code: str, year: int) -> PublishedLetters:
    found = published_letters_all(regency_code=regency_code_of(region_code), year=year).get(
        region_code
    )
    if found is None:
        threshold = settings.SK_PORTAL_SUPPRESSION_THRESHOLD
        return PublishedLetters(code=region_code, year=year, total=0, threshold=threshold)
    return found


def letter_figures(*, region_code: str, year: int) -> dict[str, Any]:
    """What a region page and the open data show: the total, and per letter type the
    published count and the median time to issue against the target."""
    return published_letters(region_code=region_code, year=year).as_dict()

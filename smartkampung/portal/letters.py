"""Published letter-service figures: letters issued per type and in all, and the median time
to issue per type against its target (the SPM's promise: 30 minutes).

Counts go through the same small-cell suppression as the population (``disclosure``), over
the whole regency at once: "one SPM in this village this year" says something about a
household. A median is shown only when at least ``threshold`` letters of the type were
measured in the region (a median of one or two letters is one person's case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from smartkampung.letters import selectors as letter_selectors
from smartkampung.letters import statistics as letter_statistics
from smartkampung.regions.models import Level, Region

from .disclosure import Cell, Equation, suppress_regions
from .population import regency_code_of, region_tree

CACHE_KEY = "portal:letters:{year}:{code}"


@dataclass
class PublishedLetters:
    code: str
    year: int
    total: int | None
    counts: dict[str, int | None] = field(default_factory=dict)  # type code → count or hidden
    threshold: int = 5


def _margins(region: str, present: set[Cell]) -> list[Equation]:
    terms = [(region, t, c) for t, c in sorted(present) if t == "type"]
    return [((region, "total", ""), terms)]


def compute_published_letters(
    *, regency_code: str, year: int, threshold: int
) -> dict[str, PublishedLetters]:
    """Published counts of every region of the regency (villages, kecamatan, regency)."""
    per_village = letter_statistics.letters_by_village_and_type(region_code=regency_code, year=year)
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=regency_code + ".").values_list(
            "code", flat=True
        )
    )
    counts: dict[str, dict[Cell, int]] = {}
    for code in villages:
        types = per_village.get(code, {})
        cells: dict[Cell, int] = {("total", ""): sum(types.values())}
        cells.update({("type", t): n for t, n in types.items()})
        counts[code] = cells
    result = suppress_regions(
        counts, region_tree(regency_code, villages), _margins, threshold=threshold
    )
    return {
        code: PublishedLetters(
            code=code,
            year=year,
            total=result.shown(code, "total"),
            counts={
                c: result.shown(code, "type", c)
                for t, c in sorted(present)
                if t == "type" and result.values[(code, t, c)]
            },
            threshold=threshold,
        )
        for code, present in result.cells.items()
    }


def published_letters(*, region_code: str, year: int) -> PublishedLetters:
    """The published counts of one region, computed for the whole regency on a cache miss."""
    key = CACHE_KEY.format(year=year, code=region_code)
    found = cache.get(key)
    if found is not None:
        return found
    threshold = settings.SK_PORTAL_SUPPRESSION_THRESHOLD
    everything = compute_published_letters(
        regency_code=regency_code_of(region_code), year=year, threshold=threshold
    )
    cache.set_many(
        {CACHE_KEY.format(year=year, code=c): p for c, p in everything.items()},
        settings.SK_PORTAL_CACHE_SECONDS,
    )
    return everything.get(
        region_code, PublishedLetters(code=region_code, year=year, total=0, threshold=threshold)
    )


def letter_figures(*, region_code: str, year: int) -> dict[str, Any]:
    """What a region page shows: the total and, per letter type the regency offers, the
    published count and the median time to issue (when enough letters were measured)."""
    published = published_letters(region_code=region_code, year=year)
    types = []
    for row in letter_selectors.aggregate_letters_by_type(region_code=region_code, year=year):
        if not row["count"]:
            continue
        enough = row["measured"] >= published.threshold
        types.append(
            {
                "code": row["code"],
                "title": str(row["title"]),
                "count": published.counts.get(row["code"]),
                "median_minutes": row["median_minutes"] if enough else None,
                "target_minutes": row["target_minutes"],
                "within_target": row["within_target"] if enough else None,
            }
        )
    return {"total": published.total, "types": types, "threshold": published.threshold}

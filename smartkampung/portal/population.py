"""Published population statistics: the population app's aggregates after small-cell
suppression (``disclosure``), for every region of the regency at once.

The suppression is computed over the whole regency (villages, kecamatan and the regency
itself), so the same cells are hidden on every page and in every open-data file. The result
holds numbers and category codes only (language-independent, cached); labels are looked up
when shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkampung.population.codes import Education, MaritalStatus, Occupation, Religion, Sex
from smartkampung.population.statistics import AGE_BANDS, population_statistics_by_village
from smartkampung.regions.models import Level, Region

from .disclosure import Cell, Equation, RegionCounts, suppress_regions

# Tables of counts by one category, checked against the population total: (key, attribute of
# PopulationStatistics, code list, title).
DIMENSIONS: tuple[tuple[str, str, type[models.IntegerChoices], Any], ...] = (
    ("sex", "by_sex", Sex, _("Sex")),
    ("religion", "by_religion", Religion, _("Religion")),
    ("education", "by_education", Education, _("Education")),
    ("occupation", "by_occupation", Occupation, _("Occupation")),
    ("marital_status", "by_marital_status", MaritalStatus, _("Marital status")),
)
PYRAMID = (("pyramid_m", str(Sex.MALE.value)), ("pyramid_f", str(Sex.FEMALE.value)))
CACHE_KEY = "portal:population:{day}:{code}"


@dataclass
class PublishedPopulation:
    """One region's published counts; ``None`` marks a hidden (suppressed) cell."""

    code: str
    total: int | None
    households: int | None
    # {"band": "0-4", "male": int | None, "female": int | None}, youngest first
    pyramid: list[dict[str, Any]] = field(default_factory=list)
    # table key → [(category code, count | None)], in code order, zero rows left out
    tables: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    hidden: int = 0
    threshold: int = 5
    computed_on: date | None = None

    @property
    def has_data(self) -> bool:
        return bool(self.total) or self.total is None

    def labelled(self) -> list[dict[str, Any]]:
        """The dimension tables with their translated titles and category labels."""
        result = []
        for key, _attr, choices, title in DIMENSIONS:
            labels = dict(choices.choices)
            rows = [
                {"code": code, "label": str(labels.get(code, code)), "value": value}
                for code, value in self.tables.get(key, [])
            ]
            result.append({"key": key, "title": str(title), "rows": rows})
        return result


def region_tree(regency_code: str, village_codes: list[str]) -> list[tuple[str, list[str]]]:
    """(parent, children) of the regency: each kecamatan with its villages, then the regency
    with its kecamatan — children before parents, as ``suppress_regions`` wants."""
    children: dict[str, list[str]] = defaultdict(list)
    for code in village_codes:
        children[code.rsplit(".", 1)[0]].append(code)
    districts = sorted(
        Region.objects.filter(
            level=Level.DISTRICT, code__startswith=regency_code + "."
        ).values_list("code", flat=True)
    )
    return [(d, sorted(children.get(d, []))) for d in districts] + [(regency_code, districts)]


def _margins(region: str, present: set[Cell]) -> list[Equation]:
    """Each table against the population of the region; the pyramid against the sexes."""
    equations: list[Equation] = []
    for table, _attr, _choices, _title in DIMENSIONS:
        terms = [(region, t, c) for t, c in sorted(present) if t == table]
        equations.append(((region, "total", ""), terms))
    for table, sex in PYRAMID:
        terms = [(region, t, c) for t, c in sorted(present) if t == table]
        equations.append(((region, "sex", sex), terms))
    return equations


def compute_published(
    *, regency_code: str, threshold: int, today: date | None = None
) -> dict[str, PublishedPopulation]:
    """Published counts of every region of the regency (villages, kecamatan, regency)."""
    per_village = population_statistics_by_village(region_code=regency_code, today=today)
    counts: dict[str, dict[Cell, int]] = {}
    for code, stats in per_village.items():
        cells: dict[Cell, int] = {("total", ""): stats.total, ("households", ""): stats.households}
        for row in stats.pyramid:
            cells[("pyramid_m", row["band"])] = int(row["male"])
            cells[("pyramid_f", row["band"])] = int(row["female"])
        for table, attr, _choices, _title in DIMENSIONS:
            for row in getattr(stats, attr):
                cells[(table, str(row["code"]))] = int(row["value"])
        counts[code] = cells
    result = suppress_regions(
        counts, region_tree(regency_code, sorted(per_village)), _margins, threshold=threshold
    )
    computed_on = next(iter(per_village.values())).computed_on if per_village else today
    return {code: _published(code, result, computed_on) for code in result.cells}


def _published(code: str, result: RegionCounts, computed_on: date | None) -> PublishedPopulation:
    present = result.cells[code]
    tables: dict[str, list[tuple[int, int | None]]] = {}
    for table, _attr, _choices, _title in DIMENSIONS:
        categories = sorted(
            int(c) for t, c in present if t == table and result.values[(code, t, c)]
        )
        tables[table] = [(c, result.shown(code, table, str(c))) for c in categories]
    return PublishedPopulation(
        code=code,
        total=result.shown(code, "total"),
        households=result.shown(code, "households"),
        pyramid=[
            {
                "band": band,
                "male": result.shown(code, "pyramid_m", band),
                "female": result.shown(code, "pyramid_f", band),
            }
            for band in AGE_BANDS
        ],
        tables=tables,
        hidden=result.hidden_in(code),
        threshold=result.suppression.threshold,
        computed_on=computed_on,
    )


def regency_code_of(code: str) -> str:
    return ".".join(code.split(".")[:2])


def published_populations(
    *, regency_code: str, today: date | None = None
) -> dict[str, PublishedPopulation]:
    """The published statistics of every region of the regency, computed together on a cache
    miss and kept as one cache entry (per regency and day) for ``SK_PORTAL_CACHE_SECONDS``.
    Callers that show many regions read this once."""
    today = today or date.today()
    key = CACHE_KEY.format(day=today.isoformat(), code=regency_code)
    everything: dict[str, PublishedPopulation] | None = cache.get(key)
    if everything is None:
        everything = compute_published(
            regency_code=regency_code,
            threshold=settings.SK_PORTAL_SUPPRESSION_THRESHOLD,
            today=today,
        )
        cache.set(key, everything, settings.SK_PORTAL_CACHE_SECONDS)
    return everything


def published_population(*, region_code: str, today: date | None = None) -> PublishedPopulation:
    """The published statistics of one region (see ``published_populations``)."""
    found = published_populations(regency_code=regency_code_of(region_code), today=today).get(
        region_code
    )
    if found is None:
        return PublishedPopulation(
            code=region_code,
            total=0,
            households=0,
            threshold=settings.SK_PORTAL_SUPPRESSION_THRESHOLD,
        )
    return found

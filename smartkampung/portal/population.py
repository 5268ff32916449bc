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

from .disclosure import Equation, Key, Suppression, suppress

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


def _region_tree(regency_code: str, village_codes: list[str]) -> dict[str, list[str]]:
    """Parent code → child codes: the regency → its kecamatan → their villages."""
    children: dict[str, list[str]] = defaultdict(list)
    for code in village_codes:
        district = code.rsplit(".", 1)[0]
        children[district].append(code)
    districts = Region.objects.filter(
        level=Level.DISTRICT, code__startswith=regency_code + "."
    ).values_list("code", flat=True)
    children[regency_code] = sorted(districts)
    return children


def compute_published(
    *, regency_code: str, threshold: int, today: date | None = None
) -> dict[str, PublishedPopulation]:
    """Published counts of every region of the regency (villages, kecamatan, regency)."""
    per_village = population_statistics_by_village(region_code=regency_code, today=today)
    values: dict[Key, int] = {}
    for code, stats in per_village.items():
        values[(code, "total", "")] = stats.total
        values[(code, "households", "")] = stats.households
        for row in stats.pyramid:
            values[(code, "pyramid_m", row["band"])] = int(row["male"])
            values[(code, "pyramid_f", row["band"])] = int(row["female"])
        for table, attr, _choices, _title in DIMENSIONS:
            for row in getattr(stats, attr):
                values[(code, table, str(row["code"]))] = int(row["value"])
    tree = _region_tree(regency_code, sorted(per_village))
    cells: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for code, table, category in values:
        cells[code].add((table, category))
    equations: list[Equation] = []
    # Kecamatan first (sums of villages), then the regency (sum of kecamatan).
    for parent in [*sorted(p for p in tree if p != regency_code), regency_code]:
        kids = tree[parent]
        for kid in kids:
            cells[parent] |= cells[kid]
        for table, category in sorted(cells[parent]):
            terms = [(kid, table, category) for kid in kids if (table, category) in cells[kid]]
            values[(parent, table, category)] = sum(values[t] for t in terms)
            equations.append(((parent, table, category), terms))
    for code, present in cells.items():
        for table, _attr, _choices, _title in DIMENSIONS:
            terms = [(code, t, c) for t, c in sorted(present) if t == table]
            equations.append(((code, "total", ""), terms))
        for table, sex in PYRAMID:
            terms = [(code, t, c) for t, c in sorted(present) if t == table]
            equations.append(((code, "sex", sex), terms))
    result = suppress(values, equations, threshold=threshold)
    computed_on = next(iter(per_village.values())).computed_on if per_village else today
    return {
        code: _published(code, present, values, result, computed_on)
        for code, present in cells.items()
    }


def _published(
    code: str,
    present: set[tuple[str, str]],
    values: dict[Key, int],
    result: Suppression,
    computed_on: date | None,
) -> PublishedPopulation:
    def shown(table: str, category: str) -> int | None:
        key = (code, table, category)
        return result.shown(key, values.get(key, 0))

    tables: dict[str, list[tuple[int, int | None]]] = {}
    for table, _attr, _choices, _title in DIMENSIONS:
        categories = sorted(int(c) for t, c in present if t == table and values[(code, t, c)])
        tables[table] = [(c, shown(table, str(c))) for c in categories]
    return PublishedPopulation(
        code=code,
        total=shown("total", ""),
        households=shown("households", ""),
        pyramid=[
            {"band": band, "male": shown("pyramid_m", band), "female": shown("pyramid_f", band)}
            for band in AGE_BANDS
        ],
        tables=tables,
        hidden=sum(1 for key in result.hidden if key[0] == code),
        threshold=result.threshold,
        computed_on=computed_on,
    )


def regency_code_of(code: str) -> str:
    return ".".join(code.split(".")[:2])


def published_population(*, region_code: str, today: date | None = None) -> PublishedPopulation:
    """The published statistics of one region, computed for the whole regency on a cache miss
    (kept ``SK_PORTAL_CACHE_SECONDS``)."""
    today = today or date.today()
    key = CACHE_KEY.format(day=today.isoformat(), code=region_code)
    found = cache.get(key)
    if found is not None:
        return found
    everything = compute_published(
        regency_code=regency_code_of(region_code),
        threshold=settings.SK_PORTAL_SUPPRESSION_THRESHOLD,
        today=today,
    )
    cache.set_many(
        {CACHE_KEY.format(day=today.isoformat(), code=c): p for c, p in everything.items()},
        settings.SK_PORTAL_CACHE_SECONDS,
    )
    empty = PublishedPopulation(
        code=region_code, total=0, households=0, threshold=settings.SK_PORTAL_SUPPRESSION_THRESHOLD
    )
    return everything.get(region_code, empty)

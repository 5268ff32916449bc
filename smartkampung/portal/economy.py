"""Published economy figures: approved local businesses in all and per KBLI sector, and the
BUMDes with the capital the villages placed in them and the PAD share paid back.

Business counts go through the same small-cell suppression as the population and the
letters (``disclosure``), over the whole regency at once: "one approved bakery in this
village" points at a household. Capital and returns are sums of village money that the
approved APBDes already publish, so they are shown as they are (ADR 0143). Nothing here
names a business, an owner or a manager, and no NIK or phone number is read. Computed from
the economy app's actor-less aggregates (``economy.public``) and cached per regency and year,
like the letter figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache

from smartkampung.economy import public as economy_public
from smartkampung.economy.kbli import SECTION_NAMES
from smartkampung.regions.models import Level, Region

from .disclosure import Cell, Equation, suppress_regions
from .population import regency_code_of, region_tree

CACHE_KEY = "portal:economy:{year}:{code}"
ZERO = Decimal("0.00")


@dataclass
class PublishedEconomy:
    code: str
    year: int
    businesses: int | None  # approved businesses in all; None: hidden
    sectors: list[tuple[str, int | None]] = field(default_factory=list)  # KBLI letter, count
    enterprises: int = 0
    placed: Decimal = ZERO  # BUMDes capital placed up to ``year``
    returned: Decimal = ZERO  # PAD share paid back up to ``year``
    threshold: int = 5

    @property
    def return_percent(self) -> float | None:
        return float(self.returned / self.placed * 100) if self.placed else None

    @property
    def has_data(self) -> bool:
        return self.businesses != 0 or bool(self.enterprises)

    def labelled_sectors(self) -> list[dict[str, Any]]:
        """The sectors with their translated names (looked up when shown, not cached)."""
        return [
            {"code": s, "label": str(SECTION_NAMES.get(s, s)), "count": n} for s, n in self.sectors
        ]


def _margins(region: str, present: set[Cell]) -> list[Equation]:
    terms = [(region, t, c) for t, c in sorted(present) if t == "sector"]
    return [((region, "total", ""), terms)]


def compute_published_economy(
    *, regency_code: str, year: int, threshold: int
) -> dict[str, PublishedEconomy]:
    """Published figures of every region of the regency (villages, kecamatan, regency)."""
    sectors = economy_public.business_counts_by_village(region_code=regency_code)
    bumdes = economy_public.bumdes_figures_by_village(region_code=regency_code, up_to_year=year)
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=regency_code + ".").values_list(
            "code", flat=True
        )
    )
    tree = region_tree(regency_code, villages)
    counts: dict[str, dict[Cell, int]] = {}
    for code in villages:
        per_sector = sectors.get(code, {})
        cells: dict[Cell, int] = {("total", ""): sum(per_sector.values())}
        cells.update({("sector", s): n for s, n in per_sector.items()})
        counts[code] = cells
    result = suppress_regions(counts, tree, _margins, threshold=threshold)

    money: dict[str, list[Any]] = {code: [0, ZERO, ZERO] for code in result.cells}
    for code, figures in bumdes.items():
        parts = code.split(".")
        # The village, its kecamatan and the regency.
        for region in {code, ".".join(parts[:3]), ".".join(parts[:2])}:
            if region in money:
                money[region][0] += figures.enterprises
                money[region][1] += figures.placed
                money[region][2] += figures.returned
    published = {}
    for code, present in result.cells.items():
        letters = sorted(c for t, c in present if t == "sector")
        published[code] = PublishedEconomy(
            code=code,
            year=year,
            businesses=result.shown(code, "total"),
            sectors=[
                (s, result.shown(code, "sector", s))
                for s in letters
                if result.values.get((code, "sector", s))
            ],
            enterprises=money[code][0],
            placed=money[code][1],
            returned=money[code][2],
            threshold=threshold,
        )
    return published


def published_economy(*, region_code: str, year: int) -> PublishedEconomy:
    """One region's published economy figures (all regions of the regency are computed
    together on a cache miss and kept as one cache entry)."""
    regency = regency_code_of(region_code)
    key = CACHE_KEY.format(year=year, code=regency)
    everything: dict[str, PublishedEconomy] | None = cache.get(key)
    threshold = settings.SK_PORTAL_SUPPRESSION_THRESHOLD
    if everything is None:
        everything = compute_published_economy(regency_code=regency, year=year, threshold=threshold)
        cache.set(key, everything, settings.SK_PORTAL_CACHE_SECONDS)
    found = everything.get(region_code)
    if found is None:
        return PublishedEconomy(code=region_code, year=year, businesses=0, threshold=threshold)
    return found

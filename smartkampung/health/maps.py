"""The prevalence map: village (or kecamatan) boundaries as SVG paths, coloured by stunting.

The projected paths are computed once per region import (cached with the regions app's
boundary version), so a page only joins them with the precomputed figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from smartkampung.regions.geo import parse_geojson_geometry
from smartkampung.regions.models import Region
from smartkampung.regions.selectors import boundary_version

MAP_WIDTH = 640
SIMPLIFY_DEGREES = 0.002  # ~200 m: enough for a village-sized shape at this scale
# Stunting % classes (WHO's public-health thresholds: < 20 low … ≥ 30 high, ≥ 40 very high
# in the 2018 revision: < 2.5 very low, 2.5–10 low, 10–20 medium, 20–30 high, ≥ 30 very high).
BUCKETS = ((2.5, "#ecfdf5"), (10, "#bbf7d0"), (20, "#fde68a"), (30, "#fb923c"), (101, "#dc2626"))
NO_DATA = "#e5e7eb"


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    d: str


def colour_for(percent: float | None) -> str:
    if percent is None:
        return NO_DATA
    return next(colour for limit, colour in BUCKETS if percent < limit)


def _rings(geom: BaseGeometry) -> list[list[tuple[float, float]]]:
    polys = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    rings = []
    for poly in polys:
        if isinstance(poly, Polygon):
            rings.append(list(poly.exterior.coords))
            rings.extend(list(r.coords) for r in poly.interiors)
    return rings


def _compute(parent_code: str, level: str) -> tuple[list[MapShape], int]:
    regions = list(
        Region.objects.filter(level=level, code__startswith=parent_code + ".")
        .exclude(boundary="")
        .order_by("code")
        .only("code", "name", "boundary")
    )
    geoms = [(r, parse_geojson_geometry(r.boundary).simplify(SIMPLIFY_DEGREES)) for r in regions]
    if not geoms:
        return [], 0
    min_x = min(g.bounds[0] for _r, g in geoms)
    min_y = min(g.bounds[1] for _r, g in geoms)
    max_x = max(g.bounds[2] for _r, g in geoms)
    max_y = max(g.bounds[3] for _r, g in geoms)
    # Equirectangular with the latitude's cosine: right enough for one regency.
    kx = math.cos(math.radians((min_y + max_y) / 2))
    scale = MAP_WIDTH / ((max_x - min_x) * kx or 1)
    height = int((max_y - min_y) * scale) + 1
    shapes = []
    for region, geom in geoms:
        parts = []
        for ring in _rings(geom):
            points = [
                f"{(p[0] - min_x) * kx * scale:.1f},{(max_y - p[1]) * scale:.1f}" for p in ring
            ]
            parts.append("M" + "L".join(points) + "Z")
        shapes.append(MapShape(code=region.code, name=region.name, d="".join(parts)))
    return shapes, height


def map_shapes(parent_code: str, level: str) -> tuple[list[MapShape], int]:
    """The shapes of every region of ``level`` below ``parent_code`` and the map's height."""
    key = f"health:map:{boundary_version()}:{parent_code}:{level}"
    found = cache.get(key)
    if found is None:
        found = _compute(parent_code, level)
        cache.set(key, found, None)
    return found


def choropleth_svg(
    parent_code: str, percents: dict[str, float | None], *, label: str
) -> SafeString | None:
    """The map as SVG markup: one linked path per village, filled by its stunting class, with
    the name and figure as its tooltip. Presentation attributes only (the CSP allows them)."""
    shapes, height = map_shapes(parent_code, "village")
    if not shapes:
        return None
    prefix = reverse("health:village", args=["X"]).rsplit("X", 1)[0]
    parts = [
        f'<svg viewBox="0 0 {MAP_WIDTH} {height}" width="{MAP_WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(label)}">'
    ]
    for shape in shapes:
        percent = percents.get(shape.code)
        shown = "—" if percent is None else f"{percent:g} %"
        parts.append(
            f'<a href="{prefix}{escape(shape.code)}/"><path d="{shape.d}" '
            f'fill="{colour_for(percent)}" stroke="#6b7280" stroke-width="0.4">'
            f"<title>{escape(shape.name)}: {shown}</title></path></a>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))

"""Reads of the region tree. Boundaries are public geography; scope checks happen in the
domain apps' selectors, which filter their own rows by village code."""

from __future__ import annotations

import json
import math

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound

from .geo import geometry_to_geojson, parse_geojson_geometry
from .models import Level, Region
from .services import BOUNDARY_CACHE_VERSION_KEY

MAP_SIMPLIFY_DEGREES = 0.00005  # ≈ 5 m: invisible on a regency map, a third of the bytes


def region_get(*, code: str) -> Region:
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise NotFound(_("Region not found."))
    return region


def village_get(*, code: str) -> Region:
    region = region_get(code=code)
    if region.level != Level.VILLAGE:
        raise NotFound(_("Village not found."))
    return region


def region_bbox(*, code: str) -> tuple[float, float, float, float] | None:
    """(min_lng, min_lat, max_lng, max_lat) of a region, without reading its boundary; None if
    the region has no boundary. NotFound if there is no such region."""
    region = Region.objects.only("code", "min_lng", "min_lat", "max_lng", "max_lat").filter(
        code=code
    )
    found = region.first()
    if found is None:
        raise NotFound(_("Region not found."))
    return found.bbox


def region_list(
    *, level: str | None = None, parent_code: str | None = None, search: str = ""
) -> QuerySet[Region]:
    qs = Region.objects.defer("boundary").order_by("code")
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(code__startswith=parent_code + ".")
    if search:
        qs = qs.filter(name__icontains=search)
    return qs


def region_children(*, code: str) -> QuerySet[Region]:
    return Region.objects.defer("boundary").filter(parent_id=code).order_by("code")


def boundary_version() -> int:
    return int(cache.get(BOUNDARY_CACHE_VERSION_KEY) or 0)


# Map zoom levels the boundaries are simplified for (web-mercator tiles of 256 px).
MIN_ZOOM, MAX_ZOOM = 6, 18


def zoom_tolerance(zoom: int) -> tuple[float, int]:
    """Simplification tolerance (degrees) and coordinate digits for a map at ``zoom``: half a
    screen pixel (360° / 256 px / 2^zoom), so the simplified line is drawn on the same pixels;
    digits keep rounding under a tenth of a pixel."""
    pixel = 360.0 / (256 * 2**zoom)
    digits = max(3, min(5, math.ceil(-math.log10(pixel / 10))))
    return pixel / 2, digits


def boundaries_geojson(
    *, parent_code: str, level: str = Level.VILLAGE, zoom: int | None = None
) -> str:
    """FeatureCollection of every region of ``level`` below ``parent_code``, simplified for maps
    (for a map at ``zoom`` when given: a regency overview is a seventh of the full detail).

    Cached until the next region import (the cache key carries the import version).
    """
    if zoom is not None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        tolerance, digits = zoom_tolerance(zoom)
    else:
        tolerance, digits = MAP_SIMPLIFY_DEGREES, 5
    key = f"regions:geojson:{boundary_version()}:{parent_code}:{level}:{zoom}"
    cached = cache.get(key)
    if cached is not None:
        return str(cached)
    region_get(code=parent_code)
    rows = (
        Region.objects.filter(level=level)
        .filter(code__startswith=parent_code + ".")
        .exclude(boundary="")
        .select_related("parent")
        .order_by("code")
    )
    features = []
    for region in rows:
        geom = parse_geojson_geometry(region.boundary).simplify(tolerance)
        features.append(
            '{"type":"Feature","properties":'
            + json.dumps(
                {
                    "code": region.code,
                    "name": region.name,
                    "kind": region.kind,
                    "parent": region.parent.name if region.parent else None,
                },
                separators=(",", ":"),
            )
            + ',"geometry":'
            + geometry_to_geojson(geom, digits=digits)
            + "}"
        )
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    cache.set(key, body, 24 * 60 * 60)
    return body

"""Reads of the region tree. Boundaries are public geography; scope checks happen in the
domain apps' selectors, which filter their own rows by village code."""

from __future__ import annotations

import json

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


def boundaries_geojson(*, parent_code: str, level: str = Level.VILLAGE) -> str:
    """FeatureCollection of every region of ``level`` below ``parent_code``, simplified for maps.

    Cached until the next region import (the cache key carries the import version).
    """
    key = f"regions:geojson:{boundary_version()}:{parent_code}:{level}"
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
        geom = parse_geojson_geometry(region.boundary).simplify(MAP_SIMPLIFY_DEGREES)
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
            + geometry_to_geojson(geom, digits=5)
            + "}"
        )
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    cache.set(key, body, 24 * 60 * 60)
    return body

"""Regions API: public reference geography (no login needed)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination
from smartkampung.core.exceptions import NotFound

from . import selectors
from .geo import geometry_to_geojson, parse_geojson_geometry
from .models import Level, Region
from .schemas import RegionDetailOut, RegionOut
from .views import geojson_response

router = Router(tags=["regions"])


class RegionFilter(Schema):
    level: Level | None = None
    parent: str | None = None
    q: str = ""


def _out(region: Region) -> dict[str, object]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "parent_code": region.parent_id,
        "centroid_lat": region.centroid_lat,
        "centroid_lng": region.centroid_lng,
        "area_km2": region.area_km2,
    }


@router.get("/", response=list[RegionOut], auth=None, summary="List regions")
@paginate(BoundedLimitOffsetPagination)
def region_list(request: HttpRequest, filters: Query[RegionFilter]) -> list[dict[str, object]]:
    rows = selectors.region_list(
        level=filters.level, parent_code=filters.parent, search=filters.q[:100]
    )
    return [_out(r) for r in rows]


@router.get(
    "/{code}/", response={200: RegionDetailOut, **ERRORS}, auth=None, summary="Region detail"
)
def region_detail(request: HttpRequest, code: str) -> dict[str, object]:
    region = selectors.region_get(code=code)
    return {
        **_out(region),
        "bbox": region.bbox,
        "children": [_out(c) for c in selectors.region_children(code=code)],
    }


@router.get(
    "/{code}/boundary.geojson",
    auth=None,
    response={200: None, **ERRORS},
    summary="One region's boundary as a GeoJSON Feature",
)
@decorate_view(gzip_page)
def region_boundary(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(code=code)
    if not region.boundary:
        raise NotFound()
    geometry = geometry_to_geojson(parse_geojson_geometry(region.boundary))
    body = '{"type":"Feature","properties":{"code":"%s","name":%s},"geometry":%s}' % (
        region.code,
        _json_str(region.name),
        geometry,
    )
    return geojson_response(request, body)


@router.get(
    "/{code}/boundaries.geojson",
    auth=None,
    response={200: None, **ERRORS},
    summary="Boundaries of every region of a level below this one (FeatureCollection)",
)
@decorate_view(gzip_page)  # public geography, no secrets in the body: compression is safe
def region_boundaries(
    request: HttpRequest, code: str, level: Level = Level.VILLAGE, zoom: int | None = None
) -> HttpResponse:
    """``zoom`` (6–18): simplified for a map at that zoom level, so a regency overview on a slow
    link loads a fraction of the full boundaries; the map asks again as the user zooms in."""
    return geojson_response(
        request, selectors.boundaries_geojson(parent_code=code, level=level, zoom=zoom)
    )


def _json_str(value: str) -> str:
    import json

    return json.dumps(value)

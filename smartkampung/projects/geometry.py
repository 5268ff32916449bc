"""Project geometry: parsing (GeoJSON, WKT, lat/lon), the village check, H3 cells.

The nearby search needs no PostGIS (ADR 0031): every project stores the H3 cells its geometry
touches at ``SK_PROJECTS_H3_RESOLUTION`` in an indexed column; finding the projects within
D metres of a geometry is "cells of the geometry, grown by k rings", one indexed ``IN`` query,
then an exact distance check with shapely.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import h3
import shapely
from django.conf import settings
from django.utils.translation import gettext as _
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from smartkampung.core.exceptions import ValidationFailed
from smartkampung.regions.geo import (
    distance_to_geometry_m,
    geometry_to_geojson,
    parse_geojson_geometry,
    point_within,
    to_local_metres,
)

from .models import GeometryKind

MAX_VERTICES = 2000
# Indonesia and its seas, generously: anything outside is a swapped or mistyped coordinate.
LAT_RANGE = (-11.5, 6.5)
LNG_RANGE = (94.0, 141.5)


@dataclass(frozen=True)
class ParsedGeometry:
    kind: str
    geom: BaseGeometry
    geojson: str
    lat: float
    lng: float


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_geometry", details={"field": "geometry"})


def _kind_of(geom: BaseGeometry) -> str:
    if isinstance(geom, Point):
        return GeometryKind.POINT
    if isinstance(geom, LineString | MultiLineString):
        return GeometryKind.LINE
    if isinstance(geom, Polygon | MultiPolygon):
        return GeometryKind.POLYGON
    raise _invalid(_("The location must be a point, a line or an area."))


def parse_geometry(
    *, geojson: str = "", wkt: str = "", lat: float | None = None, lng: float | None = None
) -> ParsedGeometry:
    """Turn one of the accepted inputs into a checked geometry (lon/lat, WGS84)."""
    try:
        if geojson.strip():
            data = json.loads(geojson)
            if isinstance(data, dict) and data.get("type") == "Feature":
                data = data.get("geometry")
            if not isinstance(data, dict):
                raise ValueError("not a geometry")
            geom = shape(data)
        elif wkt.strip():
            geom = shapely_wkt.loads(wkt)
        elif lat is not None and lng is not None:
            geom = Point(float(lng), float(lat))
        else:
            raise _invalid(_("Give the project's location."))
    except ValidationFailed:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise _invalid(_("The location could not be read.")) from exc
    if geom.is_empty:
        raise _invalid(_("The location is empty."))
    kind = _kind_of(geom)
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise _invalid(_("The location has too many points (at most %d).") % MAX_VERTICES)
    coords = shapely.get_coordinates(geom)
    if not (
        (coords[:, 1] >= LAT_RANGE[0]).all()
        and (coords[:, 1] <= LAT_RANGE[1]).all()
        and (coords[:, 0] >= LNG_RANGE[0]).all()
        and (coords[:, 0] <= LNG_RANGE[1]).all()
    ):
        raise _invalid(
            _(
                "The location lies outside Indonesia: check that latitude and longitude are not "
                "swapped."
            )
        )
    if kind == GeometryKind.POLYGON and not geom.is_valid:
        geom = shapely.make_valid(geom)
        if not isinstance(geom, Polygon | MultiPolygon):
            raise _invalid(_("The area's outline crosses itself."))
    rep = geom if isinstance(geom, Point) else geom.representative_point()
    return ParsedGeometry(
        kind=kind,
        geom=geom,
        geojson=geometry_to_geojson(geom),
        lat=round(rep.y, 6),
        lng=round(rep.x, 6),
    )


def outside_village_m(geom: BaseGeometry, boundary_geojson: str) -> float:
    """How far the geometry reaches outside the village boundary (0 when fully inside)."""
    boundary = parse_geojson_geometry(boundary_geojson)
    worst = 0.0
    for lng, lat in shapely.get_coordinates(geom):
        if not point_within(boundary, float(lat), float(lng)):
            worst = max(worst, distance_to_geometry_m(boundary, float(lat), float(lng)))
    return worst


def check_inside_village(geom: BaseGeometry, boundary_geojson: str) -> None:
    """Every vertex must lie in the village, or within the documented tolerance of it."""
    if not boundary_geojson:
        return  # a region without a boundary cannot be checked
    tolerance = settings.SK_PROJECTS_BOUNDARY_TOLERANCE_M
    outside = outside_village_m(geom, boundary_geojson)
    if outside > tolerance:
        raise ValidationFailed(
            _(
                "The location lies %(m).0f m outside the village boundary (the tolerance is "
                "%(t).0f m, because boundaries are simplified)."
            )
            % {"m": outside, "t": tolerance},
            code="outside_village",
            details={"field": "geometry", "outside_m": round(outside, 1)},
        )


def distance_between_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest distance between two geometries in metres (0 when they touch)."""
    origin_lat = (a.centroid.y + b.centroid.y) / 2
    return float(to_local_metres(a, origin_lat).distance(to_local_metres(b, origin_lat)))


def place_overlap(a: BaseGeometry, b: BaseGeometry, distance_m: float) -> float:
    """0-1: how much of the smaller of two works lies within ``distance_m`` of the other — the
    share of its length (a line), of its area (a polygon), or 1/0 for a point within reach or
    not. Two roads that only cross at a junction overlap little; a road laid again over the
    same stretch overlaps almost wholly."""
    origin_lat = (a.centroid.y + b.centroid.y) / 2
    x, y = to_local_metres(a, origin_lat), to_local_metres(b, origin_lat)

    def covered(part: BaseGeometry, other: BaseGeometry) -> float:
        if part.area > 0:
            return float(part.intersection(other.buffer(distance_m)).area / part.area)
        if part.length > 0:
            return float(part.intersection(other.buffer(distance_m)).length / part.length)
        return 1.0 if part.distance(other) <= distance_m else 0.0

    if x.distance(y) > distance_m:
        return 0.0
    size = {id(g): (g.area, g.length) for g in (x, y)}
    smaller, larger = (x, y) if size[id(x)] <= size[id(y)] else (y, x)
    return round(covered(smaller, larger), 3)


def geometry_distance_m(geom: BaseGeometry, lat: float, lng: float) -> float:
    return distance_to_geometry_m(geom, lat, lng)


# --- H3 cells ---------------------------------------------------------------------------------


def edge_length_m(resolution: int | None = None) -> float:
    res = settings.SK_PROJECTS_H3_RESOLUTION if resolution is None else resolution
    return float(h3.average_hexagon_edge_length(res, unit="m"))


def rings_for(distance_m: float, resolution: int | None = None) -> int:
    """k such that the k-ring around a point's cell holds every point within ``distance_m``.

    Two points d apart have cell centres at most d + 2e apart (e: edge length, 10 % slack for
    H3's size variation); one ring step advances at least 1.5 e. The test suite checks this
    on random points."""
    e = edge_length_m(resolution) * 1.1
    return max(1, math.ceil((distance_m + 2 * e) / (1.5 * e)))


def cells_of(geom: BaseGeometry, resolution: int | None = None) -> set[int]:
    """The cells a geometry touches: its vertices, points along its edges every half edge
    length, and (for areas) the cells inside it."""
    res = settings.SK_PROJECTS_H3_RESOLUTION if resolution is None else resolution
    step_deg = edge_length_m(res) / 2 / 111_000
    cells: set[int] = set()
    boundary = geom.boundary if isinstance(geom, Polygon | MultiPolygon) else geom
    if isinstance(geom, Point):
        points = [(geom.y, geom.x)]
    else:
        dense = shapely.segmentize(boundary, step_deg)
        points = [(float(y), float(x)) for x, y in shapely.get_coordinates(dense)]
    for lat, lng in points:
        cells.add(h3.str_to_int(h3.latlng_to_cell(lat, lng, res)))
    if isinstance(geom, Polygon | MultiPolygon):
        for cell in h3.geo_to_cells(geom.__geo_interface__, res):
            cells.add(h3.str_to_int(cell))
    return cells


def search_cells(geom: BaseGeometry, distance_m: float, resolution: int | None = None) -> set[int]:
    """Every cell that may hold a geometry within ``distance_m`` of ``geom``."""
    k = rings_for(distance_m, resolution)
    out: set[int] = set()
    for cell in cells_of(geom, resolution):
        for near in h3.grid_disk(h3.int_to_str(cell), k):
            out.add(h3.str_to_int(near))
    return out

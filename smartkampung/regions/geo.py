"""Geometry helpers on WGS84 lon/lat with shapely, in metres where it matters.

Distances and areas use a local equirectangular projection around the geometry: at village and
regency scale (tens of kilometres, 8° south) its error is far below the boundaries' own
simplification, and it needs no PostGIS, so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def to_local_metres(geom: BaseGeometry, origin_lat: float) -> BaseGeometry:
    """Project lon/lat to metres (x east, y north) around ``origin_lat``."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(origin_lat))

    def project(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        out[:, 0] = coords[:, 0] * kx
        out[:, 1] = coords[:, 1] * METRES_PER_DEGREE
        return out

    return shapely.transform(geom, project)


def distance_to_geometry_m(geom: BaseGeometry, lat: float, lng: float) -> float:
    """Distance in metres from a point to a geometry (0 when inside or on it)."""
    point = Point(lng, lat)
    local_geom = to_local_metres(geom, lat)
    local_point = to_local_metres(point, lat)
    return float(local_geom.distance(local_point))


def area_km2(geom: BaseGeometry) -> float:
    lat0 = geom.centroid.y if not geom.is_empty else 0.0
    return float(to_local_metres(geom, lat0).area) / 1_000_000


def polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of a geometry (make_valid may add stray lines or points)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        if isinstance(part, Polygon):
            polys.append(part)
        elif isinstance(part, MultiPolygon):
            polys.extend(part.geoms)
    if not polys:
        return Polygon()
    return MultiPolygon(polys) if len(polys) > 1 else polys[0]


def round_coords(value: Any, digits: int = 6) -> Any:
    """Round nested coordinate arrays (6 decimals ≈ 0.1 m) to keep GeoJSON small."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list | tuple):
        return [round_coords(v, digits) for v in value]
    return value


def geometry_to_geojson(geom: BaseGeometry, digits: int = 6) -> str:
    data = mapping(geom)
    return json.dumps(
        {"type": data["type"], "coordinates": round_coords(data["coordinates"], digits)},
        separators=(",", ":"),
    )


@lru_cache(maxsize=512)
def _parse_cached(geojson: str) -> BaseGeometry:
    geom = shape(json.loads(geojson))
    shapely.prepare(geom)
    return geom


def parse_geojson_geometry(geojson: str) -> BaseGeometry:
    """Parse a stored GeoJSON geometry (cached and prepared for fast point tests)."""
    return _parse_cached(geojson)


def point_within(geom: BaseGeometry, lat: float, lng: float, *, tolerance_m: float = 0.0) -> bool:
    """True if the point lies inside ``geom`` or within ``tolerance_m`` metres of it."""
    if geom.contains(Point(lng, lat)):
        return True
    return tolerance_m > 0 and distance_to_geometry_m(geom, lat, lng) <= tolerance_m

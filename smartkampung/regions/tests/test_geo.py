from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from smartkampung.regions.geo import area_km2, distance_to_geometry_m, haversine_m, point_within


def test_haversine_one_degree_of_latitude() -> None:
    assert haversine_m(-8.0, 114.0, -9.0, 114.0) == pytest.approx(111_195, rel=1e-3)


def test_distance_to_polygon_in_metres() -> None:
    square = Polygon([(114.0, -8.0), (114.01, -8.0), (114.01, -7.99), (114.0, -7.99)])
    # 0.001° of longitude at 8° S is about 110 m.
    assert distance_to_geometry_m(square, -7.995, 114.011) == pytest.approx(110, rel=0.02)
    assert distance_to_geometry_m(square, -7.995, 114.005) == 0


def test_point_within_uses_tolerance() -> None:
    square = Polygon([(114.0, -8.0), (114.01, -8.0), (114.01, -7.99), (114.0, -7.99)])
    assert point_within(square, -7.995, 114.005)
    assert not point_within(square, -7.995, 114.011)
    assert point_within(square, -7.995, 114.011, tolerance_m=150)


def test_area_of_a_small_square() -> None:
    square = Polygon([(114.0, -8.0), (114.01, -8.0), (114.01, -7.99), (114.0, -7.99)])
    assert area_km2(square) == pytest.approx(1.2245, rel=0.01)

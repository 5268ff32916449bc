from __future__ import annotations

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    centroid_lat: float | None
    centroid_lng: float | None
    area_km2: float | None


class RegionDetailOut(RegionOut):
    bbox: tuple[float, float, float, float] | None
    children: list[RegionOut]

"""Plain records the rules work on, loaded from the database one subject at a time
(screening) or all at once (``detect_redflags``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from shapely.geometry.base import BaseGeometry

from smartkampung.regions.geo import parse_geojson_geometry

PROJECT_FIELDS = (
    "id",
    "village_id",
    "title",
    "work_type",
    "unit",
    "unit_cost",
    "planned_start",
    "planned_end",
    "progress",
    "geometry",
    "created_at",
)
PHOTO_FIELDS = (
    "id",
    "project_id",
    "village_id",
    "report_id",
    "stage",
    "sha256",
    "phash_rotations",
    "exif_lat",
    "exif_lng",
    "exif_taken_at",
    "device_lat",
    "device_lng",
    "device_accuracy_m",
    "exif_device",
    "uploaded_by_id",
)


@dataclass
class ProjectRec:
    id: int
    village_id: str
    title: str
    work_type: str
    unit: str
    unit_cost: Decimal | None
    planned_start: date
    planned_end: date
    progress: int
    geometry: str
    created_at: datetime | None = None

    @cached_property
    def geom(self) -> BaseGeometry:
        return parse_geojson_geometry(self.geometry)


@dataclass
class PhotoRec:
    id: int
    project_id: int
    village_id: str
    report_id: int
    stage: int
    sha256: str
    phash_rotations: str
    exif_lat: float | None
    exif_lng: float | None
    exif_taken_at: datetime | None
    device_lat: float | None
    device_lng: float | None
    device_accuracy_m: float | None
    exif_device: str = ""
    uploaded_by_id: int | None = None
    # HashKind -> signed 64-bit perceptual hash
    hashes: dict[str, int] = field(default_factory=dict)

    def rotation_hashes(self) -> dict[str, int]:
        from ..photos import from_hex

        names = ("rot90", "rot180", "rot270")
        parts = self.phash_rotations.split()
        return {n: from_hex(p) for n, p in zip(names, parts, strict=False)}

    @property
    def has_no_exif(self) -> bool:
        """Nothing a camera writes: no device, no capture time, no position."""
        return not self.exif_device and self.exif_taken_at is None and self.exif_lat is None


@dataclass
class ReportRec:
    id: int
    project_id: int
    stage: int
    created_at: datetime
    photo_count: int

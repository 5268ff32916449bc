"""API shapes of the projects app."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class ProjectIn(Schema):
    village: str = Field(max_length=13)
    title: str = Field(max_length=200)
    work_type: str
    activity_code: str = ""
    # lineage of a budget activity of the village's APBDes in the planned start's year
    budget_activity: str | None = Field(default=None, max_length=40)
    fund_source: str
    budget: Decimal = Field(ge=0, max_digits=15, decimal_places=0)
    volume: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    unit: str
    executor: str = Field(default="", max_length=150)
    planned_start: date
    planned_end: date
    # One of: a GeoJSON geometry object, WKT text, or lat + lng for a point.
    geometry: dict[str, Any] | None = None
    wkt: str = Field(default="", max_length=100_000)
    lat: float | None = None
    lng: float | None = None


class ProjectOut(Schema):
    id: int
    external_id: str | None
    village: str
    village_name: str
    title: str
    work_type: str
    activity_code: str
    budget_activity: str | None
    fund_source: str
    budget: Decimal
    volume: Decimal
    unit: str
    unit_cost: Decimal | None
    executor: str
    planned_start: date
    planned_end: date
    geometry: dict[str, Any]
    lat: float
    lng: float
    progress: int
    status: str


class ReportIn(Schema):
    stage: int
    reported_on: date
    note: str = Field(default="", max_length=2000)


class PhotoOut(Schema):
    id: int
    stage: int
    sha256: str
    phash: str
    width: int
    height: int
    exif_lat: float | None
    exif_lng: float | None
    exif_taken_at: datetime | None
    exif_device: str
    device_lat: float | None
    device_lng: float | None
    device_accuracy_m: float | None
    uploaded_at: datetime
    thumbnail_url: str
    display_url: str


class ReportOut(Schema):
    id: int
    project: int
    stage: int
    reported_on: date
    note: str
    photos: list[PhotoOut]


class UploadIn(Schema):
    size: int  # checked by the service, which names the problem (an empty file, too large)
    filename: str = Field(default="", max_length=200)
    device_lat: float | None = None
    device_lng: float | None = None
    device_accuracy_m: float | None = None


class UploadOut(Schema):
    id: str
    size: int
    offset: int
    status: str
    photo: int | None = None


class FlagOut(Schema):
    id: int
    rule: str
    severity: str
    status: str
    project: int
    village: str
    photo: int | None
    other_project: int | None
    other_photo: int | None
    evidence: dict[str, Any]
    explanation_id: str
    explanation_en: str
    first_detected_at: datetime
    last_detected_at: datetime
    decided_at: datetime | None
    decision_note: str


class DecisionIn(Schema):
    decision: str
    note: str = Field(max_length=2000)

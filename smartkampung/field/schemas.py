"""API shapes of the field app (one In/Out pair per operation)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Field, Schema


class DeviceIn(Schema):
    name: str = Field(max_length=200)


class DeviceOut(Schema):
    id: int
    name: str
    owner: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


class DeviceCreatedOut(DeviceOut):
    token: str


class RecordIn(Schema):
    key: uuid.UUID
    kind: str = Field(max_length=40)
    payload: dict[str, Any]
    sent_at: datetime | None = None
    resolution: str = Field(default="", max_length=20)


class PhotoStateOut(Schema):
    index: int
    sha256: str
    size: int
    stored: bool
    photo: int | None
    upload_id: uuid.UUID | None


class RecordOut(Schema):
    key: uuid.UUID
    kind: str
    village: str
    replayed: bool
    complete: bool
    received_at: datetime
    captured_at: datetime | None
    sent_at: datetime | None
    result: dict[str, Any]
    photos: list[PhotoStateOut]


class UploadStateOut(Schema):
    upload_id: uuid.UUID | None
    offset: int
    size: int
    stored: bool


class BootstrapOut(Schema):
    user: str
    can_report: bool
    can_take_counter_requests: bool
    stages: list[int]
    max_photo_bytes: int
    chunk_bytes: int
    projects: list[dict[str, Any]]
    letter_types: list[dict[str, Any]]
    # A posyandu cadre's posyandu and its children under five (id, name, birth date, sex).
    posyandu: dict[str, Any] | None
    can_record_visits: bool

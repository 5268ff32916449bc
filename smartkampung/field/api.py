"""Field API (/api/v1/field/): device sessions, the offline bootstrap, records with
idempotency keys, and resumable photo uploads checked against the device's SHA-256.

Device tokens (``skd_``) are accepted here only. Views parse input and call one service."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from smartkampung.core.api import ERRORS
from smartkampung.core.exceptions import PermissionDenied, TooLarge, ValidationFailed
from smartkampung.projects.services import stages

from . import selectors
from .auth import FIELD_AUTH, LOGIN_AUTH
from .exceptions import FieldErrorCode
from .kinds import handler_for
from .models import DeviceSession, FieldPhoto, FieldRecord
from .permissions import (
    can_report_anywhere,
    can_take_counter_requests_anywhere,
    can_use_field_app,
    can_visit_anywhere,
)
from .schemas import (
    BootstrapOut,
    DeviceCreatedOut,
    DeviceIn,
    DeviceOut,
    RecordIn,
    RecordOut,
    UploadStateOut,
)
from .services import devices, photos, records

router = Router(tags=["field"], auth=FIELD_AUTH)

# A chunk the client sends; the projects app caps it (SK_PROJECTS_UPLOAD_CHUNK_BYTES).
CLIENT_CHUNK_BYTES = 256 * 1024


def _device_out(device: DeviceSession) -> dict[str, Any]:
    return {
        "id": device.pk,
        "name": device.name,
        "owner": device.user.username,
        "created_at": device.created_at,
        "last_used_at": device.last_used_at,
        "expires_at": device.expires_at,
        "revoked_at": device.revoked_at,
        "active": device.is_active,
    }


def _photo_state(photo: FieldPhoto) -> dict[str, Any]:
    return {
        "index": photo.index,
        "sha256": photo.sha256,
        "size": photo.size,
        "stored": photo.photo_id is not None,
        "photo": photo.photo_id,
        "upload_id": photo.upload_id,
    }


def record_out(record: FieldRecord, *, replayed: bool = False) -> dict[str, Any]:
    photo_states = [_photo_state(p) for p in record.photos.all()]
    return {
        "key": record.key,
        "kind": record.kind,
        "village": record.village_id,
        "replayed": replayed,
        "complete": all(p["stored"] for p in photo_states),
        "received_at": record.received_at,
        "captured_at": record.captured_at,
        "sent_at": record.sent_at,
        "result": handler_for(record.kind).result(record),
        "photos": photo_states,
    }


@router.post(
    "/devices",
    response={201: DeviceCreatedOut, **ERRORS},
    auth=LOGIN_AUTH,
    summary="Connect a device (needs a login: a device cannot connect another)",
)
def device_create(request: HttpRequest, payload: DeviceIn) -> Status[dict[str, Any]]:
    device, secret = devices.device_session_create(
        actor=request.user,
        name=payload.name,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, {**_device_out(device), "token": secret})


@router.get("/devices", response={200: list[DeviceOut], **ERRORS}, summary="Device sessions")
def device_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_device_out(d) for d in selectors.device_list(actor=request.user)]


@router.delete(
    "/devices/{device_id}",
    response={204: None, **ERRORS},
    summary="Revoke a device (its owner, or the village head)",
)
def device_revoke(request: HttpRequest, device_id: int) -> Status[None]:
    devices.device_session_revoke(actor=request.user, device_id=device_id)
    return Status(204, None)


@router.get(
    "/bootstrap",
    response={200: BootstrapOut, **ERRORS},
    summary=(
        "What the device keeps for offline forms: projects, stages, letter types, the "
        "posyandu's children"
    ),
)
def bootstrap(request: HttpRequest) -> dict[str, Any]:
    actor = request.user
    if not can_use_field_app(actor):
        raise PermissionDenied(
            _("Only field staff use the field app."), code=FieldErrorCode.NOT_PERMITTED
        )
    return {
        "user": getattr(actor, "display_name", ""),
        "can_report": can_report_anywhere(actor),
        "can_take_counter_requests": can_take_counter_requests_anywhere(actor),
        "stages": stages(),
        "max_photo_bytes": settings.SK_PROJECTS_MAX_PHOTO_BYTES,
        "chunk_bytes": min(CLIENT_CHUNK_BYTES, settings.SK_PROJECTS_UPLOAD_CHUNK_BYTES),
        "projects": selectors.bootstrap_projects(actor=actor),
        "letter_types": selectors.bootstrap_letter_types(actor=actor),
        "posyandu": selectors.bootstrap_posyandu(actor=actor),
        "can_record_visits": can_visit_anywhere(actor),
    }


@router.post(
    "/records",
    response={200: RecordOut, 201: RecordOut, **ERRORS},
    summary="Send a record (idempotent on its key: a resend answers with the stored record)",
)
def record_submit(request: HttpRequest, payload: RecordIn) -> Status[dict[str, Any]]:
    record, created = records.record_submit(
        actor=request.user,
        key=payload.key,
        kind=payload.kind,
        payload=payload.payload,
        device=getattr(request, "field_device", None),
        sent_at=payload.sent_at,
        resolution=payload.resolution,
    )
    record = selectors.record_get(actor=request.user, key=record.key)
    return Status(201 if created else 200, record_out(record, replayed=not created))


@router.get("/records/{key}", response={200: RecordOut, **ERRORS}, summary="A sent record")
def record_detail(request: HttpRequest, key: uuid.UUID) -> dict[str, Any]:
    return record_out(selectors.record_get(actor=request.user, key=key))


@router.post(
    "/records/{key}/photos/{index}/upload",
    response={200: UploadStateOut, **ERRORS},
    summary="Start or resume the upload of a record's photo: where to continue",
)
def photo_upload_open(request: HttpRequest, key: uuid.UUID, index: int) -> dict[str, Any]:
    photo, offset = photos.photo_upload_open(actor=request.user, key=key, index=index)
    return {
        "upload_id": photo.upload_id,
        "offset": offset,
        "size": photo.size,
        "stored": photo.photo_id is not None,
    }


@router.patch(
    "/uploads/{upload_id}",
    response={200: UploadStateOut, **ERRORS},
    summary="Append a chunk: raw bytes as the body, header Upload-Offset = bytes already sent",
)
def photo_chunk(request: HttpRequest, upload_id: uuid.UUID) -> dict[str, Any]:
    raw_offset = request.headers.get("Upload-Offset", "")
    if not raw_offset.isdigit():
        raise ValidationFailed(
            _("Send the header Upload-Offset with the byte offset."), code="upload_offset_missing"
        )
    try:
        chunk = request.body
    except RequestDataTooBig:
        raise TooLarge(_("The chunk is too large."), code="chunk_too_large") from None
    received = photos.photo_chunk_append(
        actor=request.user, upload_id=upload_id, offset=int(raw_offset), chunk=chunk
    )
    size = (
        FieldPhoto.objects.filter(upload_id=upload_id).values_list("size", flat=True).first() or 0
    )
    return {"upload_id": upload_id, "offset": received, "size": size, "stored": False}


@router.post(
    "/records/{key}/photos/{index}/complete",
    response={200: UploadStateOut, **ERRORS},
    summary="Finish a photo: its SHA-256 is checked, then it is stored with the report",
)
def photo_complete(request: HttpRequest, key: uuid.UUID, index: int) -> dict[str, Any]:
    photo = photos.photo_upload_complete(actor=request.user, key=key, index=index)
    return {"upload_id": photo.upload_id, "offset": photo.size, "size": photo.size, "stored": True}

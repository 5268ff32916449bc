"""Photos of accepted records: uploaded resumably through the projects app's upload (start,
append at an offset, complete), with the SHA-256 the device computed checked before the
photo is stored. A photo is stored once per record and index, however often it is resent."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import Conflict, NotFound, ValidationFailed
from smartkampung.projects import uploads as project_uploads
from smartkampung.projects.exceptions import ProjectErrorCode
from smartkampung.projects.models import PhotoUpload, ProgressPhoto

from ..exceptions import FieldErrorCode
from ..models import FieldPhoto
from ..permissions import user_id_of


def _photo(actor: Any, key: uuid.UUID, index: int, *, lock: bool = False) -> FieldPhoto:
    qs = FieldPhoto.objects.select_related("record__report__project").filter(
        record__user_id=user_id_of(actor), record__key=key, index=index
    )
    photo = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if photo is None or photo.record.report is None:
        raise NotFound(_("Photo not found."), code=FieldErrorCode.PHOTO_UNKNOWN)
    return photo


def open_upload(*, actor: Any, photo: FieldPhoto) -> PhotoUpload | None:
    """The photo's unfinished upload (None if there is none or it expired)."""
    if photo.upload_id is None:
        return None
    try:
        return project_uploads.upload_get(actor=actor, upload_id=photo.upload_id)
    except NotFound:
        return None


def photo_upload_open(*, actor: Any, key: uuid.UUID, index: int) -> tuple[FieldPhoto, int]:
    """Start (or find again) the upload of a record's photo; returns it and the offset to send
    from (the photo's size when it is already stored)."""
    with transaction.atomic():
        photo = _photo(actor, key, index, lock=True)
        if photo.photo_id is not None:
            return photo, photo.size
        upload = open_upload(actor=actor, photo=photo)
        if upload is not None:
            return photo, upload.received
        record = photo.record
        assert record.report is not None  # _photo() found a report
        upload = project_uploads.upload_start(
            actor=actor,
            report=record.report,
            size=photo.size,
            filename=photo.filename,
            device_lat=record.device_lat,
            device_lng=record.device_lng,
            device_accuracy_m=record.device_accuracy_m,
        )
        photo.upload_id = upload.id
        photo.save(update_fields=["upload_id"])
        audit.record(
            actor,
            "field.photo_upload_start",
            record,
            {"index": index, "sha256": photo.sha256, "size": photo.size, "upload": str(upload.id)},
        )
    return photo, 0


def photo_chunk_append(*, actor: Any, upload_id: uuid.UUID, offset: int, chunk: bytes) -> int:
    """Append a chunk to an upload of one of the actor's field photos; returns the new offset."""
    if not FieldPhoto.objects.filter(
        upload_id=upload_id, record__user_id=user_id_of(actor)
    ).exists():
        raise NotFound(_("Upload not found."))
    upload = project_uploads.upload_append(
        actor=actor, upload_id=upload_id, offset=offset, chunk=chunk
    )
    return upload.received


def _file_sha256(upload_id: uuid.UUID) -> str:
    digest = hashlib.sha256()
    path = project_uploads.partial_path(upload_id)
    if path.exists():
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(block)
    return digest.hexdigest()


def _stored(actor: Any, photo: FieldPhoto, stored: ProgressPhoto, index: int) -> None:
    photo.photo = stored
    photo.completed_at = timezone.now()
    photo.save(update_fields=["photo", "completed_at"])
    audit.record(
        actor,
        "field.photo_complete",
        photo.record,
        {"index": index, "sha256": photo.sha256, "photo": stored.pk},
    )


def photo_upload_complete(*, actor: Any, key: uuid.UUID, index: int) -> FieldPhoto:
    """Finish a photo's upload: the received bytes must have the SHA-256 the device announced
    (otherwise nothing is stored and the device sends the photo again from the start); then the
    projects app checks and stores the photo, EXIF and all, exactly as received."""
    mismatch: tuple[str, str] | None = None
    refused: ValidationFailed | None = None
    with transaction.atomic():
        photo = _photo(actor, key, index, lock=True)
        if photo.photo_id is not None:
            return photo
        upload = open_upload(actor=actor, photo=photo)
        if upload is None:
            raise Conflict(
                _("The upload has not started or has expired: send the photo again."),
                code=ProjectErrorCode.UPLOAD_INCOMPLETE,
                details={"offset": 0},
            )
        if upload.received == upload.size:
            received = _file_sha256(upload.id)
            if received != photo.sha256:
                mismatch = (received, str(upload.id))
                # The bad bytes are left to expire with the upload; the next try starts afresh.
                photo.upload_id = None
                photo.save(update_fields=["upload_id"])
                audit.record(
                    actor,
                    "field.photo_hash_mismatch",
                    photo.record,
                    {"index": index, "expected": photo.sha256, "received": received},
                )
        if mismatch is None:
            try:
                stored = project_uploads.upload_complete(actor=actor, upload_id=upload.id)
            except ValidationFailed as exc:
                # Not an acceptable photo: the projects app removed the upload; commit that
                # (and forget the upload here) before telling the device.
                refused = exc
                photo.upload_id = None
                photo.save(update_fields=["upload_id"])
                stored = None
            if stored is not None:
                _stored(actor, photo, stored, index)
    if refused is not None:
        raise refused
    if mismatch is not None:
        raise ValidationFailed(
            _(
                "The photo arrived damaged (its SHA-256 differs from the one computed on the "
                "device). Nothing was stored; it is sent again."
            ),
            code=FieldErrorCode.SHA256_MISMATCH,
            details={"expected": photo.sha256, "received": mismatch[0]},
        )
    return photo

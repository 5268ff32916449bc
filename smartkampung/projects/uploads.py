"""Resumable photo uploads over the API: start → append chunks at offsets → complete.

A phone on a weak connection sends a large photo in chunks; when a chunk fails it asks for the
upload's offset (bytes received so far) and continues from there. Chunks wait in a local
folder (``SK_PROJECTS_PARTIAL_UPLOAD_DIR``); on completion the whole file goes through the
same checks as any photo (``services.photo_add``) and the partial file is removed. An upload
that fails those checks is deleted with its bytes: nothing is stored.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import Conflict, NotFound, TooLarge, ValidationFailed

from . import permissions, services
from .exceptions import ProjectErrorCode
from .models import PhotoUpload, ProgressPhoto, ProgressReport, UploadStatus


def partial_dir() -> Path:
    configured = settings.SK_PROJECTS_PARTIAL_UPLOAD_DIR
    path = Path(configured) if configured else Path(settings.MEDIA_ROOT) / "partial-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def partial_path(upload_id: uuid.UUID) -> Path:
    return partial_dir() / f"{upload_id.hex}.part"


def upload_start(
    *,
    actor: Any,
    report: ProgressReport,
    size: int,
    filename: str = "",
    device_lat: float | None = None,
    device_lng: float | None = None,
    device_accuracy_m: float | None = None,
) -> PhotoUpload:
    """Open an upload of ``size`` bytes for a progress report."""
    village = report.project.village_id
    services._require(permissions.can_report_progress(actor, village), actor, village)
    if size <= 0:
        raise ValidationFailed(_("The file is empty."), code="file_empty")
    limit = settings.SK_PROJECTS_MAX_PHOTO_BYTES
    if size > limit:
        raise TooLarge(
            _("The photo is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024},
            code="file_too_large",
        )
    lat, lng, accuracy = services._device_location(device_lat, device_lng, device_accuracy_m)
    upload = PhotoUpload.objects.create(
        report=report,
        created_by=actor,
        filename=services.safe_filename(filename),
        size=size,
        device_lat=lat,
        device_lng=lng,
        device_accuracy_m=accuracy,
    )
    partial_path(upload.id).write_bytes(b"")
    return upload


def upload_get(*, actor: Any, upload_id: uuid.UUID) -> PhotoUpload:
    """An upload of the acting user (anyone else's answers 404); expired ones are gone."""
    cutoff = timezone.now() - timedelta(hours=settings.SK_PROJECTS_UPLOAD_EXPIRY_HOURS)
    upload = (
        PhotoUpload.objects.select_related("report__project")
        .filter(pk=upload_id, created_by_id=getattr(actor, "pk", None), updated_at__gte=cutoff)
        .first()
    )
    if upload is None:
        raise NotFound(_("Upload not found."))
    return upload


def upload_append(*, actor: Any, upload_id: uuid.UUID, offset: int, chunk: bytes) -> PhotoUpload:
    """Append ``chunk`` at ``offset``, which must equal the bytes received so far."""
    upload_get(actor=actor, upload_id=upload_id)
    if len(chunk) > settings.SK_PROJECTS_UPLOAD_CHUNK_BYTES:
        raise TooLarge(_("The chunk is too large."), code="chunk_too_large")
    with transaction.atomic():
        upload = PhotoUpload.objects.select_for_update().get(pk=upload_id)
        if upload.status != UploadStatus.OPEN:
            raise Conflict(
                _("This upload is already complete."), code=ProjectErrorCode.UPLOAD_CLOSED
            )
        if offset != upload.received:
            raise Conflict(
                _("The upload continues at byte %(offset)d.") % {"offset": upload.received},
                code=ProjectErrorCode.UPLOAD_OFFSET_MISMATCH,
                details={"offset": upload.received},
            )
        if upload.received + len(chunk) > upload.size:
            raise ValidationFailed(
                _("The chunk goes beyond the announced size."), code="upload_too_long"
            )
        path = partial_path(upload.id)
        with path.open("r+b" if path.exists() else "wb") as fh:
            fh.seek(offset)
            fh.write(chunk)
            fh.truncate()
        upload.received += len(chunk)
        upload.save(update_fields=["received", "updated_at"])
    return upload


def upload_complete(*, actor: Any, upload_id: uuid.UUID) -> ProgressPhoto:
    """Check the whole file and add it to the report as a photo."""
    upload = upload_get(actor=actor, upload_id=upload_id)
    if upload.status == UploadStatus.COMPLETE and upload.photo_id:
        photo = ProgressPhoto.objects.filter(pk=upload.photo_id).first()
        if photo is not None:
            return photo  # a retried "complete" after a lost answer
    if upload.received != upload.size:
        raise Conflict(
            _("The upload is incomplete: %(received)d of %(size)d bytes received.")
            % {"received": upload.received, "size": upload.size},
            code=ProjectErrorCode.UPLOAD_INCOMPLETE,
            details={"offset": upload.received},
        )
    path = partial_path(upload.id)
    data = path.read_bytes() if path.exists() else b""
    try:
        photo = services.photo_add(
            actor=actor,
            report=upload.report,
            data=data,
            filename=upload.filename,
            device_lat=upload.device_lat,
            device_lng=upload.device_lng,
            device_accuracy_m=upload.device_accuracy_m,
        )
    except ValidationFailed:
        path.unlink(missing_ok=True)
        upload.delete()
        raise
    PhotoUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.COMPLETE, photo=photo)
    path.unlink(missing_ok=True)
    return photo


def uploads_purge_expired() -> int:
    """Remove uploads left unfinished past the expiry (and their partial files)."""
    cutoff = timezone.now() - timedelta(hours=settings.SK_PROJECTS_UPLOAD_EXPIRY_HOURS)
    stale = list(PhotoUpload.objects.filter(updated_at__lt=cutoff).values_list("pk", flat=True))
    for upload_id in stale:
        partial_path(upload_id).unlink(missing_ok=True)
    PhotoUpload.objects.filter(pk__in=stale).delete()
    return len(stale)

"""Documents attached to requests: checked by content before anything is stored, and removed
from storage again if the transaction that records them fails."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from smartkampung.core.exceptions import TooLarge
from smartkampung.core.uploads import UploadRejected, detect_kind, validate_image, validate_pdf

from .. import selectors
from ..exceptions import LetterErrorCode, LetterInvalid
from ..models import Attachment, LetterRequest, LetterType

ALLOWED_KINDS = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}


@dataclass(frozen=True)
class Upload:
    """A file to attach: the document it is, its name and its bytes (already size-limited)."""

    document_key: str
    name: str
    data: bytes


def check_upload(letter_type: LetterType, upload: Upload) -> str:
    """Refuse a file that is not an accepted image or PDF (by content), too big, or for a
    document the type does not ask for. Returns the file kind."""
    if upload.document_key not in {d.key for d in letter_type.document_specs}:
        raise LetterInvalid(
            _("This letter does not ask for that document."),
            code=LetterErrorCode.DOCUMENT_UNKNOWN,
        )
    limit = settings.SK_LETTERS_ATTACHMENT_MAX_BYTES
    if len(upload.data) > limit:
        raise TooLarge(
            _("The file is larger than the limit of %(mb).1f MB.") % {"mb": limit / 1024 / 1024},
            code="file_too_large",
        )
    if not upload.data:
        raise UploadRejected(_("The file is empty."), code="file_empty")
    return _content_kind(upload.data)


def _content_kind(data: bytes) -> str:
    """The kind the bytes are (never the name's extension), or UploadRejected: an image that
    decodes as JPEG or PNG, or a PDF without active content."""
    kind = detect_kind(data)
    if kind == "pdf":
        validate_pdf(data)
    elif kind in ("jpeg", "png"):
        validate_image(data, allowed=("jpeg", "png"))
    else:
        raise UploadRejected(
            _("Attach a photo (JPEG or PNG) or a PDF document."), code="file_type_refused"
        )
    return kind


def pixels_only_copy(data: bytes, kind: str) -> bytes:
    """An upright copy of a checked image that carries its pixels and nothing else: no EXIF,
    XMP, comment, colour profile or trailing bytes (the pixels go into a new image, whose
    ``info`` is empty; the rule of ADR 0036, at full size so a scanned KK stays legible)."""
    with Image.open(io.BytesIO(data)) as img:
        upright = ImageOps.exif_transpose(img)
    mode = "RGBA" if kind == "png" and "A" in upright.getbands() else "RGB"
    pixels = upright.convert(mode)
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "png":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass(frozen=True)
class CheckedFile:
    """What a browser may be shown of an attachment whose stored bytes passed the content
    check again: a pixels-only copy of an image, a PDF's own bytes; with the content type
    and extension the check found."""

    attachment: Attachment
    data: bytes
    content_type: str
    extension: str


def attachment_checked(*, actor: Any, attachment_id: int) -> CheckedFile:
    """What a browser is shown inline of an attachment the actor may see (the download's
    scope: NotFound otherwise; ADR 0116). LetterInvalid (``attachment_not_viewable``) when
    the stored bytes fail the check again (``_verified_kind``): then nothing is shown."""
    attachment = selectors.attachment_get(actor=actor, attachment_id=attachment_id)
    data, kind = _verified_kind(attachment)
    return CheckedFile(
        attachment=attachment,
        data=data if kind == "pdf" else pixels_only_copy(data, kind),
        content_type=ALLOWED_KINDS[kind],
        extension=EXTENSIONS[kind],
    )


def attachment_viewable_type(*, actor: Any, attachment: Attachment) -> str:
    """The content type the viewer page may show ``attachment`` as (same scope and check as
    ``attachment_checked``, without making the copy)."""
    selectors.attachment_get(actor=actor, attachment_id=attachment.pk)
    return ALLOWED_KINDS[_verified_kind(attachment)[1]]


def _verified_kind(attachment: Attachment) -> tuple[bytes, str]:
    """The stored bytes and their kind. They must still be the bytes checked at upload (same
    SHA-256, within the size limit), pass the content check again, and be the kind recorded
    for them; otherwise LetterInvalid."""
    limit = settings.SK_LETTERS_ATTACHMENT_MAX_BYTES
    refused = LetterInvalid(
        _("This file did not pass the content check, so it is not shown in the browser."),
        code=LetterErrorCode.ATTACHMENT_NOT_VIEWABLE,
    )
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:  # the stored file is gone
        raise refused from exc
    if len(data) > limit or hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise refused
    try:
        kind = _content_kind(data)
    except UploadRejected as exc:
        raise refused from exc
    if ALLOWED_KINDS.get(kind) != attachment.content_type:
        raise refused
    return data, kind


@contextmanager
def saved_files(village_code: str, checked: list[tuple[Upload, str]]) -> Iterator[list[str]]:
    """Save checked files to storage; remove them again if the block (the transaction that
    records them) fails, so a refused or failed request leaves no file behind."""
    names: list[str] = []
    try:
        for upload, kind in checked:
            names.append(
                default_storage.save(
                    f"letter-requests/{village_code}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}",
                    ContentFile(upload.data),
                )
            )
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def attachment_rows(
    request: LetterRequest, actor: Any, checked: list[tuple[Upload, str]], names: list[str]
) -> list[Attachment]:
    if request.attachments.count() + len(checked) > settings.SK_LETTERS_MAX_ATTACHMENTS:
        raise LetterInvalid(
            _("At most %(n)d files per request.") % {"n": settings.SK_LETTERS_MAX_ATTACHMENTS},
            code=LetterErrorCode.TOO_MANY_ATTACHMENTS,
        )
    rows = []
    for (upload, kind), name in zip(checked, names, strict=True):
        attachment = Attachment(
            request=request,
            document_key=upload.document_key,
            content_type=ALLOWED_KINDS[kind],
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            original_name=upload.name[-120:],
            uploaded_by=actor,
        )
        attachment.file.name = name
        attachment.save()
        rows.append(attachment)
    return rows

"""Documents attached to requests: checked by content before anything is stored, and removed
from storage again if the transaction that records them fails."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import TooLarge
from smartkampung.core.uploads import UploadRejected, detect_kind, validate_image, validate_pdf

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
    kind = detect_kind(upload.data)
    if kind == "pdf":
        validate_pdf(upload.data)
    elif kind in ("jpeg", "png"):
        validate_image(upload.data, allowed=("jpeg", "png"))
    else:
        raise UploadRejected(
            _("Attach a photo (JPEG or PNG) or a PDF document."), code="file_type_refused"
        )
    return kind


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

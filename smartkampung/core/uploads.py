"""Upload checks shared by every app: size limits and content sniffing (never trust the name).

Apps call these before storing anything, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .exceptions import TooLarge, ValidationFailed

FileKind = Literal["jpeg", "png", "webp", "pdf", "zip", "unknown"]

# A decoded image larger than this is treated as a decompression bomb (≈ 50 megapixels:
# more than any phone camera, far less than the memory a bomb tries to take).
MAX_IMAGE_PIXELS = 50_000_000


class UploadRejected(ValidationFailed):
    code = "upload_rejected"


def read_limited(stream: IO[bytes], *, max_bytes: int | None = None) -> bytes:
    """Read at most ``max_bytes`` (default SK_MAX_UPLOAD_BYTES); refuse anything bigger."""
    limit = max_bytes if max_bytes is not None else settings.SK_MAX_UPLOAD_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            _("The file is larger than the limit of %(mb).1f MB.") % {"mb": limit / 1024 / 1024},
            code="file_too_large",
        )
    if not data:
        raise UploadRejected(_("The file is empty."), code="file_empty")
    return data


def detect_kind(data: bytes) -> FileKind:
    """Identify a file by its leading bytes."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return "unknown"


@dataclass(frozen=True)
class ImageInfo:
    kind: FileKind
    width: int
    height: int


def validate_image(data: bytes, *, allowed: tuple[FileKind, ...] = ("jpeg", "png")) -> ImageInfo:
    """Check that ``data`` is a real, fully decodable image of an allowed kind, and not a bomb."""
    kind = detect_kind(data)
    if kind not in allowed:
        raise UploadRejected(
            _("The file is not an image of an accepted type (%(types)s).")
            % {"types": ", ".join(k.upper() for k in allowed)},
            code="not_an_image",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise UploadRejected(
                        _("The image is too large (%(w)d × %(h)d pixels).")
                        % {"w": width, "h": height},
                        code="image_too_large",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as full:
                full.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRejected(_("The image is too large."), code="image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected(
            _("The image is damaged or not a real image."), code="image_damaged"
        ) from exc
    return ImageInfo(kind=kind, width=width, height=height)


_ACTIVE_PDF_KEYS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA")


def validate_pdf(data: bytes) -> None:
    """Check that ``data`` is a PDF that parses and carries no active content."""
    if detect_kind(data) != "pdf":
        raise UploadRejected(_("The file is not a PDF document."), code="not_a_pdf")
    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected(_("The PDF document is incomplete."), code="pdf_damaged")
    for key in _ACTIVE_PDF_KEYS:
        if key in data:
            raise UploadRejected(
                _("The PDF document contains scripts or embedded files, which are not accepted."),
                code="pdf_active_content",
            )
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        _pages = reader.root["/Pages"]
    except Exception as exc:  # any parser failure means a damaged document
        raise UploadRejected(_("The PDF document is damaged."), code="pdf_damaged") from exc


def decode_text(data: bytes) -> str:
    """Decode a text upload as UTF-8 (with or without BOM); any other encoding is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(
            _(
                "The file is not UTF-8 text (byte %(pos)d). Save it from the spreadsheet program "
                "as “CSV UTF-8” and try again."
            )
            % {"pos": exc.start + 1},
            code="not_utf8",
        ) from exc

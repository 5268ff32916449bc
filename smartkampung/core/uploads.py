"""Upload checks shared by every app: size limits and content sniffing (never trust the name).

Apps call these before storing anything, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from dataclasses import dataclass
from typing import IO, Any, Literal

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


# Dictionary keys and action types that make a PDF do something when opened or clicked, or
# carry other files: scripts, launching programs, sending form data, embedded files, XFA forms
# (which carry their own scripts), rich media. Compared after pypdf decoded the names, so
# ``/Java#53cript`` is ``/JavaScript``.
_ACTIVE_PDF_KEYS = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/RichMedia",
        "/RichMediaContent",
    }
)
_ACTIVE_PDF_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/RichMediaExecute",
        "/Hide",
        "/SetOCGState",
        "/Trans",
        "/GoTo3DView",
    }
)
# Names searched in the raw bytes: the long, unambiguous ones (a resource may well be called /AA).
_ACTIVE_PDF_RAW_NAMES = (_ACTIVE_PDF_KEYS | _ACTIVE_PDF_ACTIONS) - {"/JS", "/AA", "/EF", "/Trans"}
# Dictionaries whose keys are names the author chose (a font called /JS is no script).
_PDF_RESOURCE_KINDS = frozenset(
    {"/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/Properties"}
)
_ACTIVE_PDF_TYPES = frozenset({"/EmbeddedFile", "/Filespec", "/FileAttachment", "/RichMedia"})
# A name token in the raw bytes (for objects no cross-reference table points to), searched
# outside stream data: compressed bytes would match short names like /JS by chance.
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Bounds on the walk: a hostile file may nest or link objects without end.
_PDF_MAX_OBJECTS = 200_000
_PDF_MAX_DEPTH = 64


class _ActiveContent(Exception):
    pass


def _refuse_active() -> UploadRejected:
    return UploadRejected(
        _(
            "The PDF document contains scripts, actions, forms that send data or embedded "
            "files, which are not accepted. Print it to a new PDF or scan the paper and try "
            "again."
        ),
        code="pdf_active_content",
    )


def _without_stream_data(data: bytes) -> bytes:
    """The bytes with everything between ``stream`` and ``endstream`` left out (one pass)."""
    kept: list[bytes] = []
    position = 0
    while True:
        start = data.find(b"stream", position)
        if start < 0:
            kept.append(data[position:])
            break
        kept.append(data[position : start + len(b"stream")])
        end = data.find(b"endstream", start + len(b"stream"))
        if end < 0:
            break
        kept.append(b" ")
        position = end + len(b"endstream")
    return b"".join(kept)


def _raw_names(data: bytes) -> set[str]:
    """Every name token in the file's bytes, with ``#xx`` escapes decoded."""
    names: set[str] = set()
    for token in _PDF_NAME.findall(_without_stream_data(data)):
        decoded = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token)
        names.add(decoded.decode("latin-1"))
    return names


def _walk_pdf_value(value: Any, depth: int, seen: set[int], *, free_keys: bool = False) -> None:
    """Look into one direct value (dictionaries, arrays, names); references are walked where
    the cross-reference table lists them, so they are not followed here. ``free_keys``: the
    dictionary's keys are resource names the author chose, not PDF keys."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if depth > _PDF_MAX_DEPTH:
        raise _ActiveContent
    if isinstance(value, IndirectObject) or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, DictionaryObject):  # streams are dictionaries too
        for key, item in value.items():
            if not free_keys:
                if str(key) in _ACTIVE_PDF_KEYS:
                    raise _ActiveContent
                if key == "/S" and isinstance(item, NameObject) and item in _ACTIVE_PDF_ACTIONS:
                    raise _ActiveContent
                if key in ("/Type", "/Subtype") and str(item) in _ACTIVE_PDF_TYPES:
                    raise _ActiveContent
            _walk_pdf_value(item, depth + 1, seen, free_keys=key in _PDF_RESOURCE_KINDS)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk_pdf_value(item, depth + 1, seen)


def _walk_pdf(reader: Any) -> None:
    """Every object the cross-reference tables list, including those kept inside compressed
    object streams, and the trailer."""
    from pypdf.generic import IndirectObject

    ids: set[tuple[int, int]] = set()
    for generation, objects in reader.xref.items():
        ids.update((num, generation) for num in objects)
    ids.update((num, 0) for num in reader.xref_objStm)
    if len(ids) > _PDF_MAX_OBJECTS:
        raise _ActiveContent
    seen: set[int] = set()
    _walk_pdf_value(reader.trailer, 0, seen)
    for num, generation in sorted(ids):
        if num == 0:
            continue
        obj = reader.get_object(IndirectObject(num, generation, reader))
        _walk_pdf_value(obj, 0, seen)


def validate_pdf(data: bytes) -> None:
    """Check that ``data`` is a PDF that parses and carries no active content.

    The file is parsed with pypdf and every object is inspected (names decoded, object streams
    decompressed); the raw bytes are also searched for the same names, so an object that no
    cross-reference table lists (which some viewers still recover) cannot hide one. Encrypted
    documents are refused: their objects cannot be inspected.
    """
    if detect_kind(data) != "pdf":
        raise UploadRejected(_("The file is not a PDF document."), code="not_a_pdf")
    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected(_("The PDF document is incomplete."), code="pdf_damaged")
    if _raw_names(data) & _ACTIVE_PDF_RAW_NAMES:
        raise _refuse_active()
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(
                    _("The PDF document is encrypted. Upload it without a password."),
                    code="pdf_encrypted",
                )
            _walk_pdf(reader)
            reader.root_object["/Pages"]
    except UploadRejected:
        raise
    except _ActiveContent as exc:
        raise _refuse_active() from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
        IndexError,
        zlib.error,
    ) as exc:
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

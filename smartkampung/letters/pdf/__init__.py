"""Typesetting letters with Typst as PDF/A-2b (ADR 0042).

``typeset(document)`` turns a :class:`LetterDocument` into PDF bytes. The template is fixed; the
data go in as JSON and are placed as text. The same document and issue time always give the
same bytes (the PDF's dates come from the issue time, not the clock).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import segno
import typst
from django.conf import settings

TEMPLATE_DIR = Path(__file__).resolve().parent
TEMPLATE = TEMPLATE_DIR / "letter.typ"
DEFAULT_LOGO = TEMPLATE_DIR / "emblem.svg"
PDF_STANDARD: Final = "a-2b"

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def date_id(day: dt.date) -> str:
    """``2026-11-28`` → ``28 November 2026`` (letters are always in Indonesian)."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Block:
    """A paragraph (``text``) or a two-column table of (label, value) ``rows``."""

    kind: str  # "para" | "table"
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LetterDocument:
    regency: str
    district: str
    village: str
    village_kind: str  # "Desa" / "Kelurahan"
    title: str
    number: str
    blocks: tuple[Block, ...]
    place: str
    date: str
    position: str
    signer: str
    verify_url: str
    issued_at: dt.datetime
    address: str = ""
    specimen: bool = False  # a preview: marked as not valid, no QR code target
    trust_url: str = ""  # the page that publishes the regency CA (ADR 0110)
    extra: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _logo_svg() -> str:
    configured = getattr(settings, "SK_LETTERS_LOGO_SVG", "")
    path = Path(configured) if configured else DEFAULT_LOGO
    return path.read_text(encoding="utf-8")


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", xmldecl=False, svgns=True, border=2, dark="#000000"
    )
    return buffer.getvalue().decode("ascii")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _payload(doc: LetterDocument) -> str:
    data = asdict(doc)
    data.pop("issued_at")
    data.pop("extra")
    data["blocks"] = [
        {"kind": "para", "text": _clean(b.text)}
        if b.kind == "para"
        else {"kind": "table", "rows": [[_clean(k), _clean(v)] for k, v in b.rows]}
        for b in doc.blocks
    ]
    data["issuer"] = f"Pemerintah {doc.village_kind} {doc.village}"
    data["logo"] = _logo_svg()
    data["qr"] = qr_svg(doc.verify_url)
    return json.dumps(data, ensure_ascii=False)


# One compiler per thread: it keeps fonts and the parsed template warm (a compile takes a few
# milliseconds) and is not shared between threads.
_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        # Only the fonts embedded in the typst wheel: the same PDF on every machine.
        compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE_DIR), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def typeset(doc: LetterDocument) -> bytes:
    """The letter as PDF/A-2b bytes."""
    issued = doc.issued_at
    if issued.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    pdf = _compiler().compile(
        format="pdf",
        sys_inputs={"data": _payload(doc)},
        pdf_standards=[PDF_STANDARD],
        timestamp=int(issued.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf


def embedded_font_families() -> list[str]:
    """The font families the typst wheel embeds (what letters may use)."""
    return sorted(typst.Fonts(include_system_fonts=False).families())

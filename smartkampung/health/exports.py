"""The village's rembuk stunting report as XLSX (openpyxl) or PDF/A-2b (Typst, the letters'
typesetter): the figures of the last months and the list of stunted children (names as the
village's own officials know them, NIK masked), with their household's water, sanitation and
welfare status."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typst
from django.utils.formats import localize, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from smartkampung.core.privacy import mask_identifier

from .models import PrevalenceFigure
from .selectors import StuntedChild


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def _safe(text: Any) -> Any:
    """Text starting with = + - @ would be a formula in a spreadsheet: quote it."""
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def rembuk_xlsx(
    *, title: str, figures: Sequence[PrevalenceFigure], children: Sequence[StuntedChild]
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Figures")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(
        [
            _("Month"),
            _("Measured"),
            _("Stunted"),
            _("Stunting %"),
            _("Wasted"),
            _("Wasting %"),
            _("Underweight"),
            _("Underweight %"),
        ]
    )
    for f in figures:
        sheet.append(
            [
                f.month.strftime("%Y-%m"),
                f.measured,
                f.stunted,
                f.stunting_percent,
                f.wasted,
                f.wasting_percent,
                f.underweight,
                f.underweight_percent,
            ]
        )
    kids = book.create_sheet(_("Stunted children")[:31])
    kids.append(
        [
            _("Name"),
            _("NIK"),
            _("Sex"),
            _("Birth date"),
            _("RT/RW"),
            _("Last measured"),
            _("Height-for-age (SD)"),
            _("Class"),
            _("Safe drinking water"),
            _("Healthy latrine"),
            _("Welfare register"),
        ]
    )
    for row in children:
        child, visit = row.child, row.visit
        kids.append(
            [
                _safe(child.full_name),
                mask_identifier(child.nik),
                child.get_sex_display(),
                child.birth_date.isoformat(),
                f"{child.rt}/{child.rw}",
                visit.visit_date.isoformat(),
                visit.haz,
                _("severely stunted") if visit.severely_stunted else _("stunted"),
                _yes_no(row.safe_water),
                _yes_no(row.healthy_latrine),
                row.welfare.label,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PDF_DIR = Path(__file__).resolve().parent / "pdf"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_local = threading.local()


def _text(value: Any) -> str:
    """A cell as plain text ("—" for no value), control characters removed."""
    if value is None:
        return "—"
    if isinstance(value, int | float):
        return str(localize(value))  # "-2,55" in Indonesian, as on the page
    return _CONTROL.sub("", str(value))


def _compiler() -> typst.Compiler:
    # One compiler per thread (as for letters): fonts and the template stay parsed.
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(
            str(PDF_DIR / "rembuk.typ"), root=str(PDF_DIR), ignore_system_fonts=True
        )
        _local.compiler = compiler
    return compiler


def rembuk_pdf(
    *,
    title: str,
    subtitle: str,
    figures: Sequence[PrevalenceFigure],
    children: Sequence[StuntedChild],
    generated_at: dt.datetime,
) -> bytes:
    """The same report as ``rembuk_xlsx`` as PDF/A-2b (A4 landscape)."""
    data = {
        "title": _text(title),
        "subtitle": _text(subtitle),
        "author": "Smart Kampung",
        "lang": (get_language() or "id")[:2],
        "footer": _("Generated %(when)s. NIK masked; do not share outside the rembuk.")
        % {"when": generated_at.strftime("%Y-%m-%d %H:%M")},
        "figures_heading": _("Figures"),
        "no_figures": _("No figures computed yet."),
        "figure_columns": [
            _("Month"),
            _("Measured"),
            _("Stunted"),
            _("Stunting %"),
            _("Wasted"),
            _("Wasting %"),
            _("Underweight"),
            _("Underweight %"),
        ],
        "figures": [
            [
                f.month.strftime("%Y-%m"),
                _text(f.measured),
                _text(f.stunted),
                _text(f.stunting_percent),
                _text(f.wasted),
                _text(f.wasting_percent),
                _text(f.underweight),
                _text(f.underweight_percent),
            ]
            for f in figures
        ],
        "children_heading": _("Stunted children"),
        "no_children": _("No stunted child in the latest measurements."),
        "child_columns": [
            _("Name"),
            _("NIK"),
            _("Sex"),
            _("Birth date"),
            _("RT/RW"),
            _("Last measured"),
            _("Height-for-age (SD)"),
            _("Class"),
            _("Safe drinking water"),
            _("Healthy latrine"),
            _("Welfare register"),
        ],
        "children": [
            [
                _text(row.child.full_name),
                mask_identifier(row.child.nik),
                _text(row.child.get_sex_display()),
                row.child.birth_date.isoformat(),
                _text(f"{row.child.rt}/{row.child.rw}"),
                row.visit.visit_date.isoformat(),
                "—" if row.visit.haz is None else number_format(row.visit.haz, 2),
                _("severely stunted") if row.visit.severely_stunted else _("stunted"),
                _yes_no(row.safe_water),
                _yes_no(row.healthy_latrine),
                _text(row.welfare.label),
            ]
            for row in children
        ],
    }
    pdf = _compiler().compile(
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        pdf_standards=["a-2b"],
        timestamp=int(generated_at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf

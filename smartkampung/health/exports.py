"""The village's rembuk stunting report as XLSX (openpyxl): the figures of the last months
and the list of stunted children (names as the village's own officials know them, NIK
masked), with their household's water, sanitation and welfare status."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

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

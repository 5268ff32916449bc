"""XLSX files: the village register export and the import template.

Exports carry masked NIK and KK numbers (UU 27/2022) and neutralise spreadsheet formula
injection: a text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return) gets a leading apostrophe and is written as a string, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from smartkampung.core.privacy import mask_identifier

from .importer import template_csv
from .models import Resident

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula becomes inert text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _row(sheet: Any, values: Iterable[Any], *, bold: bool = False) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        if isinstance(value, str):
            cell.data_type = "s"  # never "f", whatever the text looks like
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def register_xlsx(residents: QuerySet[Resident], *, title: str) -> bytes:
    """The register (one row per resident), NIK and KK masked."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Residents")[:31])
    headers = [
        _("NIK (masked)"),
        _("KK number (masked)"),
        _("Full name"),
        _("Sex"),
        _("Place of birth"),
        _("Date of birth"),
        _("Religion"),
        _("Education"),
        _("Occupation"),
        _("Marital status"),
        _("Relationship to head of family (SHDK)"),
        _("Blood type"),
        _("Citizenship"),
        _("RT"),
        _("RW"),
        _("Dusun"),
        _("Address"),
        _("Status"),
    ]
    sheet.append(_row(sheet, [title]))
    sheet.append(_row(sheet, headers, bold=True))
    for r in residents.select_related("household").iterator(chunk_size=2000):
        sheet.append(
            _row(
                sheet,
                [
                    mask_identifier(r.nik),
                    mask_identifier(r.household.kk_number) if r.household else "",
                    r.full_name,
                    r.get_sex_display(),
                    r.birth_place,
                    r.birth_date,
                    r.get_religion_display(),
                    r.get_education_display(),
                    r.get_occupation_display(),
                    r.get_marital_status_display(),
                    r.get_family_role_display(),
                    r.get_blood_type_display(),
                    r.get_citizenship_display(),
                    r.rt,
                    r.rw,
                    r.dusun,
                    r.address,
                    r.get_status_display(),
                ],
            )
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """The import template as a spreadsheet (header and the example row, all as text)."""
    import csv

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="penduduk")
    rows = list(csv.reader(io.StringIO(template_csv().decode("utf-8"))))
    sheet.append(_row(sheet, rows[0], bold=True))
    sheet.append(_row(sheet, rows[1]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_file_name(village_code: str, today: date) -> str:
    return f"penduduk-{village_code}-{today:%Y%m%d}.xlsx"

"""XLSX workbooks in the official layouts (Permendagri 20/2018, Lampiran): the APBDes and the
realisation report (LRA), and the regency consolidation.

The official wording is Indonesian, so workbooks are written in Indonesian whatever the page
language. Every text cell is neutralised against formula injection: a value starting with
``= + - @`` or a control character is stored as text with a leading apostrophe, so a
description typed as ``=HYPERLINK(...)`` never runs in the reader's spreadsheet program.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from .selectors.reports import Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00;(#,##0.00)"
PERCENT_FORMAT = "0.00"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet program will never evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(sheet: Worksheet, row: int, column: int, value: Any, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = MONEY_FORMAT
    else:
        cell.value = safe_text("" if value is None else str(value))
        cell.data_type = "s"
    cell.border = BOX
    if bold:
        cell.font = Font(bold=True)


def _title(sheet: Worksheet, lines: Iterable[str], width: int) -> int:
    row = 1
    for line in lines:
        sheet.cell(row=row, column=1, value=safe_text(line)).font = Font(bold=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
        row += 1
    return row + 1


def _heading_lines(report: Report, title: str, subtitle: str) -> list[str]:
    village = report.budget.village
    district = village.parent.name if village.parent else ""
    return [
        title.upper(),
        _("VILLAGE GOVERNMENT OF %(name)s") % {"name": village.name.upper()},
        _("KECAMATAN %(district)s") % {"district": district.upper()},
        subtitle.upper(),
    ]


def _report_sheet(sheet: Worksheet, report: Report, *, title: str, subtitle: str) -> None:
    realisation = report.with_realisation
    headers = [_("ACCOUNT CODE"), _("DESCRIPTION"), _("BUDGET (Rp)")]
    if realisation:
        headers += [_("REALISATION (Rp)"), _("MORE/(LESS) (Rp)"), "%"]
    headers.append(_("REMARKS"))
    width = len(headers)
    row = _title(sheet, _heading_lines(report, title, subtitle), width)
    for column, header in enumerate(headers, start=1):
        _cell(sheet, row, column, header, bold=True)
        sheet.cell(row=row, column=column).alignment = Alignment(horizontal="center")
    row += 1
    for column in range(1, width + 1):  # the official column numbers 1, 2, 3 …
        _cell(sheet, row, column, str(column))
        sheet.cell(row=row, column=column).alignment = Alignment(horizontal="center")
    row += 1
    sheet.freeze_panes = sheet.cell(row=row, column=3)
    for line in report.rows:
        bold = line.kind in ("section", "group", "total")
        _cell(sheet, row, 1, line.code, bold=bold)
        _cell(sheet, row, 2, ("   " * line.depth) + line.label, bold=bold)
        if line.kind == "section":
            for column in range(3, width + 1):
                _cell(sheet, row, column, "")
        else:
            _cell(sheet, row, 3, line.budget, bold=bold)
            column = 4
            if realisation:
                _cell(sheet, row, 4, line.realised or Decimal("0"), bold=bold)
                _cell(sheet, row, 5, line.difference or Decimal("0"), bold=bold)
                percent = line.percent
                _cell(sheet, row, 6, "" if percent is None else round(Decimal(percent), 2))
                sheet.cell(row=row, column=6).number_format = PERCENT_FORMAT
                column = 7
            _cell(sheet, row, column, "")
        row += 1
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 70
    for letter in "CDEFG"[: width - 2]:
        sheet.column_dimensions[letter].width = 20


def apbdes_workbook(report: Report) -> Workbook:
    with translation.override("id"):
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "APBDes"
        _report_sheet(
            sheet,
            report,
            title=_("Village revenue and expenditure budget"),
            subtitle=_("Fiscal year %(year)s") % {"year": report.budget.year}
            + (
                " – " + _("revision (version %(v)s)") % {"v": report.budget.version}
                if report.budget.is_revision
                else ""
            ),
        )
    return workbook


def lra_workbook(report: Report) -> Workbook:
    with translation.override("id"):
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "LRA"
        _report_sheet(
            sheet,
            report,
            title=_("Report on the realisation of the village budget"),
            subtitle=_("%(period)s, fiscal year %(year)s, up to %(end)s")
            % {
                "period": report.period_label,
                "year": report.budget.year,
                "end": report.period_end.strftime("%d-%m-%Y") if report.period_end else "",
            },
        )
    return workbook


def consolidation_workbook(rows: Iterable[Any], *, year: int, region_name: str) -> Workbook:
    """Absorption per village (no personal data)."""
    with translation.override("id"):
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Konsolidasi"
        headers = [
            _("Village code"),
            _("Village"),
            _("Budget (Rp)"),
            _("Realised (Rp)"),
            _("Requested (Rp)"),
            _("Absorption (%)"),
        ]
        row = _title(
            sheet,
            [
                _("Consolidation of village budgets %(year)s") % {"year": year},
                region_name.upper(),
            ],
            len(headers),
        )
        for column, header in enumerate(headers, start=1):
            _cell(sheet, row, column, header, bold=True)
        for line in rows:
            row += 1
            _cell(sheet, row, 1, line.key)
            _cell(sheet, row, 2, line.label)
            _cell(sheet, row, 3, line.budget)
            _cell(sheet, row, 4, line.realised)
            _cell(sheet, row, 5, line.committed)
            absorption = line.absorption
            _cell(sheet, row, 6, "" if absorption is None else round(Decimal(absorption), 2))
            sheet.cell(row=row, column=6).number_format = PERCENT_FORMAT
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 30
        for letter in "CDEF":
            sheet.column_dimensions[letter].width = 20
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

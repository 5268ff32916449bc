"""Reading the regency's CSV files (ceilings, SSH): every row is checked first and the file
is refused as a whole, each error naming its row (the header is row 1)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.core.uploads import decode_text

from ..exceptions import BudgetErrorCode, BudgetInvalid

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 50_000
MAX_REPORTED_ERRORS = 50


@dataclass
class CsvReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def read_csv(
    data: bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Rows as (row number, {column: value}); headers may be English or Indonesian, the
    delimiter a comma or a semicolon (Indonesian spreadsheets)."""
    if len(data) > MAX_CSV_BYTES:
        raise BudgetInvalid(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_CSV_BYTES // 1024 // 1024},
            code="file_too_large",
        )
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise BudgetInvalid(_("The file is empty."), code=BudgetErrorCode.INVALID_CSV) from exc
    names = [h.strip().lower().replace(" ", "_") for h in header]
    positions: dict[str, int] = {}
    for column, aliases in columns.items():
        for alias in aliases:
            if alias in names:
                positions[column] = names.index(alias)
                break
    missing = [c for c in required if c not in positions]
    if missing:
        raise BudgetInvalid(
            _("Missing column(s): %(columns)s. Expected a header row with %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(required)},
            code=BudgetErrorCode.INVALID_CSV,
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, raw in enumerate(reader, start=2):
            if not any(cell.strip() for cell in raw):
                continue
            if len(rows) >= MAX_CSV_ROWS:
                raise BudgetInvalid(
                    _("The file has more than %(n)d rows.") % {"n": MAX_CSV_ROWS},
                    code=BudgetErrorCode.INVALID_CSV,
                )
            rows.append(
                (
                    number,
                    {c: (raw[i].strip() if i < len(raw) else "") for c, i in positions.items()},
                )
            )
    except csv.Error as exc:
        raise BudgetInvalid(
            _("The file is not valid CSV: %(error)s") % {"error": exc},
            code=BudgetErrorCode.INVALID_CSV,
        ) from exc
    if not rows:
        raise BudgetInvalid(_("The file has no data rows."), code=BudgetErrorCode.INVALID_CSV)
    return rows


def fail(report: CsvReport) -> None:
    shown = report.errors[:MAX_REPORTED_ERRORS]
    if len(report.errors) > len(shown):
        shown.append(_("… and %(n)d more errors.") % {"n": len(report.errors) - len(shown)})
    raise BudgetInvalid(
        _("%(n)d row(s) have errors; nothing was imported.") % {"n": len(report.errors)},
        code=BudgetErrorCode.INVALID_CSV,
        details=shown,
    )


def check_year(year: Any) -> int:
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError) as exc:
        raise BudgetInvalid(_("The year is not valid."), code="invalid_year") from exc
    if not 2015 <= value <= 2100:
        raise BudgetInvalid(_("The year is not valid."), code="invalid_year")
    return value

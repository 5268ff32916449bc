"""CSV files for download: UTF-8, a header row, and no spreadsheet formula injection.

A text cell that a spreadsheet program would evaluate (starting with ``= + - @``, a tab, a
carriage return or a line feed) gets a leading apostrophe, so it is shown as text and never
run. Numbers are written as plain numbers (``-1500.00`` stays a number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> str:
    """The text of one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def csv_response(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str, bom: bool = False
) -> HttpResponse:
    """A CSV download. ``bom``: start with a UTF-8 byte order mark, so that spreadsheet
    programs that guess encodings open it correctly (not for open data: machines read it)."""
    body = csv_text(header, rows)
    response = HttpResponse(
        ("\ufeff" if bom else "") + body, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

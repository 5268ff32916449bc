"""A dashboard table as a CSV file (raw values, formula injection neutralised)."""

from __future__ import annotations

from django.http import HttpResponse

from smartkampung.core import csvfiles

from .tables import Table


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    rows = [[cell.value for cell in row] for row in table.rows]
    if table.totals:
        rows.append([cell.value for cell in table.totals])
    return csvfiles.csv_response(
        [c.label for c in table.columns], rows, filename=filename, bom=True
    )

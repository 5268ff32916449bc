"""CSV downloads: formula injection neutralised, numbers left as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from smartkampung.core.csvfiles import csv_response, csv_text, neutralise


def test_text_that_a_spreadsheet_would_run_becomes_inert() -> None:
    for hostile in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "\nx"):
        assert neutralise(hostile) == "'" + hostile
    assert neutralise("Sarongan") == "Sarongan"


def test_numbers_stay_numbers() -> None:
    assert neutralise(Decimal("-1500.00")) == "-1500.00"
    assert neutralise(-3) == "-3"
    assert neutralise(None) == ""
    assert neutralise(True) == "true"


def test_csv_round_trip_and_headers() -> None:
    text = csv_text(["a", "b"], [["=x", 1], ['say "hi", ok', None]])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["'=x", "1"], ['say "hi", ok', ""]]
    response = csv_response(["a"], [["1"]], filename="f.csv", bom=True)
    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Disposition"] == 'attachment; filename="f.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"

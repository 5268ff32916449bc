"""Filled values against the type's field specs."""

from __future__ import annotations

import pytest

from smartkampung.letters.exceptions import LetterInvalid
from smartkampung.letters.fields import clean_values, printable_values
from smartkampung.letters.models import FieldSpec

SPECS = [
    FieldSpec("nama", "Nama", "text", True),
    FieldSpec("tanggal", "Tanggal", "date", False),
    FieldSpec("jumlah", "Jumlah", "number", False),
    FieldSpec("pilihan", "Pilihan", "choice", False, choices=("a", "b")),
    FieldSpec("catatan", "Catatan", "textarea", False),
]


def test_values_are_normalised() -> None:
    cleaned = clean_values(
        SPECS, {"nama": "  Siti   Aminah\x00 ", "tanggal": "2026-01-02", "jumlah": "007"}
    )
    assert cleaned == {"nama": "Siti Aminah", "tanggal": "2026-01-02", "jumlah": "7"}
    assert printable_values(SPECS, cleaned)["tanggal"] == "2 Januari 2026"


@pytest.mark.parametrize(
    "raw,field",
    [
        ({}, "nama"),
        ({"nama": "x", "tanggal": "02/01/2026"}, "tanggal"),
        ({"nama": "x", "tanggal": "1800-01-01"}, "tanggal"),
        ({"nama": "x", "jumlah": "-1"}, "jumlah"),
        ({"nama": "x", "jumlah": "1e9"}, "jumlah"),
        ({"nama": "x", "pilihan": "c"}, "pilihan"),
        ({"nama": "x", "catatan": "y" * 1001}, "catatan"),
        ({"nama": "x" * 201}, "nama"),
        ({"nama": "x", "lain": "z"}, "lain"),
    ],
)
def test_every_problem_is_reported_by_field(raw, field) -> None:
    with pytest.raises(LetterInvalid) as info:
        clean_values(SPECS, raw)
    assert field in info.value.details


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(LetterInvalid):
        clean_values(SPECS, ["nama"])  # type: ignore[arg-type]

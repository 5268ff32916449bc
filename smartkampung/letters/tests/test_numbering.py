"""Letter numbers: format, sequences per type or shared, per year; no duplicate, no gap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from smartkampung.letters.exceptions import LetterInvalid
from smartkampung.letters.models import LetterType, NumberSequence
from smartkampung.letters.numbering import (
    format_number,
    number_allocate,
    roman,
    validate_number_format,
)

DAY = dt.date(2026, 11, 28)


def test_roman_months() -> None:
    assert [roman(m) for m in range(1, 13)] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
        "XII",
    ]


def test_default_format() -> None:
    text = format_number(
        "[code]/[number]/[village code]/[month roman]/[year]",
        number_code="460",
        type_code="spm",
        number=7,
        village_code="35.10.01.2001",
        day=DAY,
    )
    assert text == "460/007/35.10.01.2001/XI/2026"


@pytest.mark.parametrize(
    "fmt", ["[code]/[number]", "[code]/[year]", "[number]/[nomor]/[year]", "[number]/[year]\n"]
)
def test_bad_formats_are_refused(fmt: str) -> None:
    with pytest.raises(LetterInvalid):
        validate_number_format(fmt)


def _allocate(letter_type: LetterType, village_code: str, day: dt.date = DAY) -> str:
    with transaction.atomic():
        return number_allocate(village_code=village_code, letter_type=letter_type, day=day).text


@pytest.mark.django_db
def test_sequences_per_type_per_village_per_year(letter_types, settings) -> None:
    settings.SK_LETTER_NUMBERING = "per_type"
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    domisili = LetterType.objects.get(regency_id="35.10", code="domisili")
    assert _allocate(spm, "35.10.01.2001") == "460/001/35.10.01.2001/XI/2026"
    assert _allocate(spm, "35.10.01.2001") == "460/002/35.10.01.2001/XI/2026"
    assert _allocate(domisili, "35.10.01.2001").startswith("470/001/")
    assert _allocate(spm, "35.10.01.2002").startswith("460/001/35.10.01.2002")
    assert _allocate(spm, "35.10.01.2001", dt.date(2027, 1, 2)) == "460/001/35.10.01.2001/I/2027"


@pytest.mark.django_db
def test_one_sequence_for_all_types(letter_types, settings) -> None:
    settings.SK_LETTER_NUMBERING = "single"
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    domisili = LetterType.objects.get(regency_id="35.10", code="domisili")
    assert _allocate(spm, "35.10.01.2001").startswith("460/001/")
    assert _allocate(domisili, "35.10.01.2001").startswith("470/002/")
    assert NumberSequence.objects.get().key == "*"


@pytest.mark.django_db
def test_a_rolled_back_letter_gives_its_number_back(letter_types) -> None:
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    _allocate(spm, "35.10.01.2001")
    with pytest.raises(RuntimeError), transaction.atomic():
        number_allocate(village_code="35.10.01.2001", letter_type=spm, day=DAY)
        raise RuntimeError("signing failed")
    assert _allocate(spm, "35.10.01.2001").startswith("460/002/")

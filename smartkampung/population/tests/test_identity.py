from __future__ import annotations

from datetime import date

import pytest

from smartkampung.population.codes import Sex
from smartkampung.population.identity import (
    IdentityError,
    age_on,
    normalise_name,
    parse_nik,
    validate_kk,
    validate_nik,
)

TODAY = date(2026, 6, 1)


def test_a_womans_nik_carries_day_plus_40() -> None:
    parts = parse_nik("3510015708900003", today=TODAY)
    assert parts.sex == Sex.FEMALE
    assert parts.birth_date == date(1990, 8, 17)
    assert parts.region == "351001"


def test_century_is_chosen_so_the_birth_is_not_in_the_future() -> None:
    assert parse_nik("3510011705200001", today=TODAY).birth_date == date(2020, 5, 17)
    assert parse_nik("3510011705300001", today=TODAY).birth_date == date(1930, 5, 17)


@pytest.mark.parametrize(
    "nik",
    [
        "351001170590001",  # 15 digits
        "35100117059000012",  # 17 digits
        "3510O11705900001",  # a letter O
        "0010011705900001",  # province 00
        "3500011705900001",  # regency 00
        "3510001705900001",  # district 00
        "3510013205900001",  # day 32
        "3510017213900001",  # day 72 (a woman's 32)
        "3510011713900001",  # month 13
        "3510013002900001",  # 30 February
        "3510011705900000",  # serial 0000
        "",
    ],
)
def test_malformed_niks_are_refused(nik: str) -> None:
    with pytest.raises(IdentityError):
        parse_nik(nik, today=TODAY)


def test_nik_date_must_agree_with_recorded_sex() -> None:
    validate_nik("3510015708900003", sex=Sex.FEMALE, today=TODAY)
    with pytest.raises(IdentityError, match="woman"):
        validate_nik("3510015708900003", sex=Sex.MALE, today=TODAY)
    with pytest.raises(IdentityError, match="man's"):
        validate_nik("3510011708900003", sex=Sex.FEMALE, today=TODAY)


def test_kk_number_rules() -> None:
    assert validate_kk("3510010203150001", today=TODAY) == "3510010203150001"
    for bad in ("3510014203150001", "351001020315000", "3510010203150000", "1110010213150001"):
        with pytest.raises(IdentityError):
            validate_kk(bad, today=TODAY)


def test_names_are_normalised_for_search() -> None:
    assert normalise_name("  Nyoman  ÉKA-Putri ") == "nyoman eka putri"
    assert normalise_name("Ni'mah") == "ni mah"
    assert normalise_name("") == ""


def test_age_in_completed_years() -> None:
    assert age_on(date(2000, 6, 2), TODAY) == 25
    assert age_on(date(2000, 6, 1), TODAY) == 26

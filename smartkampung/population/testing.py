"""Test helpers for apps that need residents (letters, portal): valid records built through
the services. ``resident_data()`` returns a valid record; ``make_resident`` registers it."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from .codes import Education, FamilyRole, MaritalStatus, Occupation, Religion, Sex

_serial = itertools.count(1)


def make_nik(
    *,
    sex: int = Sex.MALE,
    birth_date: date = date(1990, 5, 17),
    serial: int | None = None,
    region: str = "351001",
) -> str:
    """A well-formed NIK: region + DDMMYY (day + 40 for women) + serial."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    number = serial if serial is not None else next(_serial)
    return f"{region}{day:02d}{birth_date:%m%y}{number % 10000 or 1:04d}"


def make_kk(*, serial: int | None = None, issued: date = date(2015, 3, 2)) -> str:
    number = serial if serial is not None else next(_serial)
    return f"351001{issued:%d%m%y}{number % 10000 or 1:04d}"


def resident_data(**overrides: Any) -> dict[str, Any]:
    """A valid resident record (a head of family); override any field."""
    sex = overrides.get("sex", Sex.MALE)
    birth = overrides.get("birth_date", date(1990, 5, 17))
    data: dict[str, Any] = {
        "nik": make_nik(sex=sex, birth_date=birth),
        "kk_number": make_kk(),
        "full_name": "Slamet Riyadi",
        "sex": sex,
        "birth_place": "Banyuwangi",
        "birth_date": birth,
        "religion": Religion.ISLAM,
        "education": Education.SENIOR_SECONDARY,
        "occupation": Occupation.FARMER_PLANTER,
        "marital_status": MaritalStatus.MARRIED,
        "family_role": FamilyRole.HEAD_OF_FAMILY,
        "rt": "001",
        "rw": "002",
        "dusun": "Krajan",
        "address": "Jl. Pantai Rajegwesi",
    }
    data.update(overrides)
    return data


def make_resident(*, actor: Any, village: Any, **overrides: Any) -> Any:
    """Register a resident through the service (the actor needs a write role)."""
    from .services import resident_register

    return resident_register(actor=actor, village=village, data=resident_data(**overrides))

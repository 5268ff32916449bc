"""NIK and KK numbers: structure checks, and the name normalisation used for search.

A NIK is 16 digits: 6 of region (province, regency/city, district), 6 of birth date DDMMYY
(day + 40 for women), 4 of serial. A KK number has the same region part, then the issue date
DDMMYY and a serial. These are pure functions; services and the importer turn their messages
into errors by field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .codes import Sex

_DIGITS16 = re.compile(r"^\d{16}$")
# Province codes run from 11 (Aceh) to 96 (the Papua provinces created in 2022).
_MIN_PROVINCE, _MAX_PROVINCE = 11, 96


class IdentityError(ValueError):
    """A NIK or KK number that is not well formed; ``str(exc)`` is the translated reason."""


@dataclass(frozen=True)
class NikParts:
    region: str  # 6 digits
    birth_date: date
    sex: int
    serial: str


def _check_region(number: str) -> None:
    province, regency, district = int(number[0:2]), int(number[2:4]), int(number[4:6])
    if not (_MIN_PROVINCE <= province <= _MAX_PROVINCE) or regency == 0 or district == 0:
        raise IdentityError(
            _("The first six digits are not a region code (province, regency, district).")
        )


def _date_from(day: int, month: int, yy: int, *, today: date) -> date:
    """DDMMYY → a date, choosing the century so that the date is not in the future."""
    year = 2000 + yy
    try:
        candidate = date(year, month, day)
    except ValueError:
        candidate = None
    if candidate is None or candidate > today:
        try:
            candidate = date(year - 100, month, day)
        except ValueError as exc:
            raise IdentityError(_("Digits 7–12 are not a real date.")) from exc
    return candidate


def parse_nik(value: str, *, today: date | None = None) -> NikParts:
    """Check a NIK's structure and return its parts. Raises IdentityError."""
    value = (value or "").strip()
    if not _DIGITS16.match(value):
        raise IdentityError(_("A NIK has exactly 16 digits."))
    _check_region(value)
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    sex = Sex.MALE
    if day > 40:
        day -= 40
        sex = Sex.FEMALE
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        raise IdentityError(_("Digits 7–12 are not a real date (day + 40 for women)."))
    birth = _date_from(day, month, yy, today=today or date.today())
    if value[12:] == "0000":
        raise IdentityError(_("The last four digits (serial number) cannot be 0000."))
    return NikParts(region=value[:6], birth_date=birth, sex=sex, serial=value[12:])


def validate_nik(value: str, *, sex: int | None = None, today: date | None = None) -> NikParts:
    """``parse_nik`` plus consistency with the recorded sex."""
    parts = parse_nik(value, today=today)
    if sex is not None and int(sex) != parts.sex:
        if parts.sex == Sex.FEMALE:
            raise IdentityError(
                _("The NIK is a woman's (day of birth + 40) but the sex recorded is male.")
            )
        raise IdentityError(_("The NIK is a man's but the sex recorded is female."))
    return parts


def validate_kk(value: str, *, today: date | None = None) -> str:
    """Check a KK number: 16 digits, a region part, a real issue date (DDMMYY), a serial."""
    value = (value or "").strip()
    if not _DIGITS16.match(value):
        raise IdentityError(_("A KK number has exactly 16 digits."))
    _check_region(value)
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        raise IdentityError(_("Digits 7–12 of a KK number are not a real date."))
    _date_from(day, month, yy, today=today or date.today())
    if value[12:] == "0000":
        raise IdentityError(_("The last four digits (serial number) cannot be 0000."))
    return value


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(text: str) -> str:
    """The searchable form of a name: lower case, no accents, punctuation as spaces.

    ``"Nyoman  Éka-Putri"`` → ``"nyoman eka putri"``. Stored in ``Resident.name_search`` and
    applied to queries, so that search ignores case and accents on every database.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.casefold()).strip()


def age_on(birth: date, today: date) -> int:
    """Completed years on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

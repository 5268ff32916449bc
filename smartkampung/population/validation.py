"""Field rules of a resident record, shared by the services, the forms, the API and the import.

``clean_resident`` takes raw values (strings from a file or a form, or typed values from the
API) and returns the model's field values plus ``kk_number``, or the problems per field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from .codes import BloodType, Citizenship, code_for
from .identity import IdentityError, validate_kk, validate_nik

EARLIEST_BIRTH = date(1880, 1, 1)

# Field → SIAK list of its code; a blank optional field takes the default.
CODE_FIELDS: dict[str, str] = {
    "sex": "jenis_kelamin",
    "religion": "agama",
    "education": "pendidikan_kk",
    "occupation": "pekerjaan",
    "marital_status": "status_perkawinan",
    "family_role": "shdk",
    "blood_type": "golongan_darah",
    "citizenship": "kewarganegaraan",
    "disability": "penyandang_cacat",
}
OPTIONAL_CODE_DEFAULTS: dict[str, int | None] = {
    "blood_type": BloodType.UNKNOWN,
    "citizenship": Citizenship.WNI,
    "disability": None,
}

# Names: letters of any script, spaces and . , ' ` - (e.g. "Moh. Ni'am", "I Gusti Ayu").
_NAME = re.compile(r"^[^\W\d_]+(?:[ .,'`’\-]+[^\W\d_]*)*$")
_PLACE = re.compile(r"^[\w .,'’()/\-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RT_RW = re.compile(r"^\d{1,3}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime (spreadsheet cell) or text; None when not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet number cell
    return str(value).strip()


def _clean_name(value: str, *, required: bool, max_length: int = 100) -> str:
    if not value:
        if required:
            raise ValueError(_("This field is required."))
        return ""
    value = " ".join(value.split())
    if len(value) > max_length:
        raise ValueError(_("At most %(n)d characters.") % {"n": max_length})
    if not _NAME.match(value):
        raise ValueError(_("A name holds letters, spaces and . , ' - only."))
    return value


def _clean_free_text(value: str, *, max_length: int, pattern: re.Pattern[str] | None = None) -> str:
    value = " ".join(value.split())
    if _CONTROL.search(value):
        raise ValueError(_("Control characters are not allowed."))
    if len(value) > max_length:
        raise ValueError(_("At most %(n)d characters.") % {"n": max_length})
    if pattern is not None and value and not pattern.match(value):
        raise ValueError(_("Letters, digits, spaces and . , ' ( ) / - only."))
    return value


def _clean_rt_rw(value: str) -> str:
    if not _RT_RW.match(value) or int(value) == 0:
        raise ValueError(_("A number from 1 to 999."))
    return value.zfill(3)


def clean_household_fields(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """RT, RW, dusun and address (a household's and its members' place)."""
    rules: dict[str, Any] = {
        "rt": _clean_rt_rw,
        "rw": _clean_rt_rw,
        "dusun": lambda v: _clean_free_text(v, max_length=60, pattern=_PLACE),
        "address": lambda v: _clean_free_text(v, max_length=200),
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, rule in rules.items():
        try:
            cleaned[name] = rule(_text(raw.get(name)))
        except ValueError as exc:
            errors[name] = [str(exc)]
    return cleaned, errors


def clean_resident(
    raw: Mapping[str, Any], *, today: date | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a whole resident record. Returns (cleaned values, errors by field).

    An edit passes the current values merged with the changes, so that cross-field rules
    (the NIK's date against the sex) always hold."""
    today = today or date.today()
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def check(name: str, fn: Any) -> None:
        try:
            cleaned[name] = fn(_text(raw.get(name)) if name != "birth_date" else raw.get(name))
        except (ValueError, IdentityError) as exc:
            errors.setdefault(name, []).append(str(exc))

    for name, list_name in CODE_FIELDS.items():

        def code(value: str, name: str = name, list_name: str = list_name) -> int | None:
            if not value:
                if name in OPTIONAL_CODE_DEFAULTS:
                    return OPTIONAL_CODE_DEFAULTS[name]
                raise ValueError(_("This field is required."))
            found = code_for(list_name, value)
            if found is None:
                raise ValueError(
                    _("Unknown code “%(value)s” (Dukcapil list %(list)s).")
                    % {"value": value[:40], "list": list_name}
                )
            return found

        check(name, code)

    check("full_name", lambda v: _clean_name(v, required=True))
    check("father_name", lambda v: _clean_name(v, required=False))
    check("mother_name", lambda v: _clean_name(v, required=False))
    check("birth_place", lambda v: _clean_free_text(v, max_length=60, pattern=_PLACE) or _req())
    place, place_errors = clean_household_fields(raw)
    cleaned.update(place)
    errors.update(place_errors)

    def birth(value: Any) -> date:
        if value in (None, ""):
            raise ValueError(_("This field is required."))
        parsed = parse_date(value)
        if parsed is None:
            raise ValueError(_("Not a date; write it as YYYY-MM-DD or DD-MM-YYYY."))
        if parsed > today:
            raise ValueError(_("The date of birth is in the future."))
        if parsed < EARLIEST_BIRTH:
            raise ValueError(_("The date of birth is before 1880."))
        return parsed

    check("birth_date", birth)
    check("kk_number", lambda v: validate_kk(v, today=today) if v else _req())
    # The NIK last: its date must agree with the recorded sex.
    try:
        validate_nik(_text(raw.get("nik")), sex=cleaned.get("sex"), today=today)
        cleaned["nik"] = _text(raw.get("nik"))
    except IdentityError as exc:
        errors.setdefault("nik", []).append(str(exc))
    return cleaned, errors


def _req() -> Any:
    raise ValueError(_("This field is required."))


RESIDENT_FIELDS = (
    "nik",
    "kk_number",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education",
    "occupation",
    "marital_status",
    "family_role",
    "blood_type",
    "citizenship",
    "disability",
    "father_name",
    "mother_name",
    "rt",
    "rw",
    "dusun",
    "address",
)

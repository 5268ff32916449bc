"""Checking the values an applicant fills in against the letter type's field specs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _

from .exceptions import LetterErrorCode, LetterInvalid
from .models import FieldKind, FieldSpec
from .pdf import date_id

MAX_LENGTH: dict[str, int] = {FieldKind.TEXT: 200, FieldKind.TEXTAREA: 1000}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_values(specs: list[FieldSpec], raw: dict[str, Any]) -> dict[str, str]:
    """Validated, normalised values (dates ISO, numbers plain); every problem is reported."""
    if not isinstance(raw, dict):
        raise LetterInvalid(_("The fields are not valid."), code=LetterErrorCode.FIELD_INVALID)
    known = {spec.key for spec in specs}
    errors: dict[str, str] = {}
    for key in raw:
        if key not in known:
            errors[str(key)[:40]] = _("This letter has no such field.")
    cleaned: dict[str, str] = {}
    for spec in specs:
        value = raw.get(spec.key)
        text = _CONTROL.sub("", str(value)).strip() if value is not None else ""
        if not text:
            if spec.required:
                errors[spec.key] = _("%(label)s is required.") % {"label": spec.display_label}
            continue
        problem = _check(spec, text)
        if problem:
            errors[spec.key] = problem
        else:
            cleaned[spec.key] = _normalise(spec, text)
    if errors:
        raise LetterInvalid(
            _("Some fields are not filled correctly."),
            code=LetterErrorCode.FIELD_INVALID,
            details=errors,
        )
    return cleaned


def _check(spec: FieldSpec, text: str) -> str:
    if spec.kind in MAX_LENGTH and len(text) > MAX_LENGTH[spec.kind]:
        return _("At most %(n)d characters.") % {"n": MAX_LENGTH[spec.kind]}
    if spec.kind == FieldKind.DATE:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return _("Enter a date as YYYY-MM-DD.")
        if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
            return _("Enter a date between 1900 and 2100.")
    if spec.kind == FieldKind.NUMBER and not (text.isdigit() and len(text) <= 9):
        return _("Enter a whole number.")
    if spec.kind == FieldKind.CHOICE and text not in spec.choices:
        return _("Choose one of the options.")
    return ""


def _normalise(spec: FieldSpec, text: str) -> str:
    if spec.kind == FieldKind.NUMBER:
        return str(int(text))
    if spec.kind in (FieldKind.TEXT, FieldKind.CHOICE):
        return " ".join(text.split())
    return text


def printable_values(specs: list[FieldSpec], values: dict[str, str]) -> dict[str, str]:
    """Values as printed on the letter (dates in Indonesian)."""
    printed = dict(values)
    for spec in specs:
        if spec.kind == FieldKind.DATE and values.get(spec.key):
            printed[spec.key] = date_id(dt.date.fromisoformat(values[spec.key]))
    return printed

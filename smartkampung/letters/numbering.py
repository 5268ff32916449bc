"""Letter numbers: per village and year, per letter type or one sequence for all types.

The counter row is locked (``SELECT … FOR UPDATE``) and incremented inside the caller's
transaction, which also inserts the letter: two letters never get the same number, and a failed
issue rolls the counter back with it, so no number is skipped (ADR 0041). On SQLite the
IMMEDIATE transaction mode serialises writers the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from .exceptions import LetterErrorCode, LetterInvalid
from .models import LetterType, NumberSequence

PER_TYPE = "per_type"
SINGLE = "single"
SINGLE_KEY = "*"
NUMBER_DIGITS = 3

TOKENS = {
    "[code]": "the type's number code",
    "[type]": "the type's short code",
    "[number]": "the sequence number, zero-padded to 3 digits",
    "[village code]": "the village's Kemendagri code",
    "[month roman]": "the month in Roman numerals",
    "[month]": "the month as two digits",
    "[year]": "the year",
}
_TOKEN_RE = re.compile(r"\[[^\[\]]*\]")
_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(value: int) -> str:
    """1 → I, 11 → XI (months only need 1–12)."""
    if not 1 <= value <= 39:
        raise ValueError(value)
    out = []
    for amount, numeral in _ROMAN:
        while value >= amount:
            out.append(numeral)
            value -= amount
    return "".join(out)


def numbering_mode() -> str:
    mode = getattr(settings, "SK_LETTER_NUMBERING", PER_TYPE)
    return SINGLE if mode == SINGLE else PER_TYPE


def validate_number_format(fmt: str) -> None:
    """A format must contain [number] and [year], and only known tokens."""
    unknown = [t for t in _TOKEN_RE.findall(fmt) if t not in TOKENS]
    if unknown:
        raise LetterInvalid(
            _("Unknown part in the number format: %(parts)s. Known parts: %(known)s.")
            % {"parts": ", ".join(unknown), "known": ", ".join(TOKENS)},
            code=LetterErrorCode.NUMBER_FORMAT_INVALID,
        )
    for required in ("[number]", "[year]"):
        if required not in fmt:
            raise LetterInvalid(
                _("The number format must contain %(part)s.") % {"part": required},
                code=LetterErrorCode.NUMBER_FORMAT_INVALID,
            )
    if len(fmt) > 120 or "\n" in fmt:
        raise LetterInvalid(
            _("The number format is too long."), code=LetterErrorCode.NUMBER_FORMAT_INVALID
        )


def format_number(
    fmt: str, *, number_code: str, type_code: str, number: int, village_code: str, day: dt.date
) -> str:
    values = {
        "[code]": number_code,
        "[type]": type_code.upper(),
        "[number]": str(number).zfill(NUMBER_DIGITS),
        "[village code]": village_code,
        "[month roman]": roman(day.month),
        "[month]": f"{day.month:02d}",
        "[year]": str(day.year),
    }
    return _TOKEN_RE.sub(lambda m: values.get(m.group(0), m.group(0)), fmt)


@dataclass(frozen=True)
class AllocatedNumber:
    sequence_key: str
    year: int
    sequence_number: int
    text: str


def number_allocate(*, village_code: str, letter_type: LetterType, day: dt.date) -> AllocatedNumber:
    """Take the next number. Must run inside the transaction that stores the letter."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_allocate must run inside the letter's transaction")
    key = letter_type.code if numbering_mode() == PER_TYPE else SINGLE_KEY
    # Create the counter if this is the year's first letter; ON CONFLICT DO NOTHING waits for a
    # concurrent creator instead of failing, then the row lock below serialises the increments.
    NumberSequence.objects.bulk_create(
        [NumberSequence(village_id=village_code, key=key, year=day.year, last_number=0)],
        ignore_conflicts=True,
    )
    counter = NumberSequence.objects.select_for_update().get(
        village_id=village_code, key=key, year=day.year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    text = format_number(
        letter_type.number_format,
        number_code=letter_type.number_code,
        type_code=letter_type.code,
        number=counter.last_number,
        village_code=village_code,
        day=day,
    )
    return AllocatedNumber(key, day.year, counter.last_number, text)

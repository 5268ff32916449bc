"""Reading and checking a file of enrolments (CSV or XLSX) — no writes here.

The columns are those of ``aid_check`` (order free, header in the first row; Indonesian names
accepted in brackets):

================  ==========  ================================================================
column            required    content
================  ==========  ================================================================
programme_code    yes         the programme's code, e.g. PKH (``kode_program``)
period            yes         the month, YYYY-MM (``periode``)
nik               one of      16 digits: the recipient (person programmes) or a member
kk_number         the two     16 digits (``no_kk``)
village_code      yes         Kemendagri code of the village that enrols (``kode_desa``)
name              no          without NIK: the member meant (``nama``)
birth_date        no          without NIK: the member's birth date (``tanggal_lahir``)
================  ==========  ================================================================

``check_file`` checks the shape of every row (errors by row and column, duplicated rows,
villages outside the actor's scope); the service then judges the rows with the red light
(``rules.check``), the same check as a single enrolment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.population.identity import normalise_name
from smartkampung.population.importer import FileRefused, table_rows
from smartkampung.population.validation import parse_date
from smartkampung.regions.models import Level, Region

from . import rules
from .register_import import header_columns

COLUMNS = (
    "programme_code",
    "period",
    "nik",
    "kk_number",
    "village_code",
    "name",
    "birth_date",
)
REQUIRED = ("programme_code", "period", "village_code")
# nik and kk_number must be columns of the file (aid_check's shape), even if a row leaves one
# of them empty.
HEADER_REQUIRED = (*REQUIRED, "nik", "kk_number")
ALIASES = {
    "kode_program": "programme_code",
    "program": "programme_code",
    "periode": "period",
    "no_kk": "kk_number",
    "kode_desa": "village_code",
    "nama": "name",
    "tanggal_lahir": "birth_date",
}
MAX_REPORTED_ERRORS = 1000
_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")
_DIGITS16 = re.compile(r"^\d{16}$")
_VILLAGE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")

# Which column a red-light rule is about (for the error table).
RULE_COLUMN = {
    rules.Rule.UNKNOWN_PROGRAMME: "programme_code",
    rules.Rule.INVALID_PERIOD: "period",
    rules.Rule.PERIOD_OUTSIDE: "period",
    rules.Rule.UNKNOWN_VILLAGE: "village_code",
    rules.Rule.INVALID_IDENTIFIER: "nik",
    rules.Rule.UNKNOWN_PERSON: "nik",
    rules.Rule.DEAD: "nik",
    rules.Rule.MOVED_OUT: "nik",
    rules.Rule.UNKNOWN_HOUSEHOLD: "kk_number",
    rules.Rule.NIK_KK_MISMATCH: "kk_number",
    rules.Rule.LIVES_ELSEWHERE: "village_code",
    rules.Rule.ENROLLED_OTHER_VILLAGE: "village_code",
    rules.Rule.QUOTA_FULL: "village_code",
}


@dataclass
class RowError:
    row: int
    column: str
    message: str
    rules: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "rules": self.rules,
        }


@dataclass
class Checked:
    rows: list[tuple[int, rules.Candidate]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "SK_WELFARE_ENROLMENT_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header(cells: list[Any]) -> list[str]:
    return header_columns(
        cells,
        aliases=ALIASES,
        columns=COLUMNS,
        required=HEADER_REQUIRED,
        message=_("The header row does not match the enrolment columns (%(problems)s)."),
        code="enrolment_import_header",
    )


def _clean(
    number: int,
    raw: dict[str, Any],
    villages: set[str],
    may_enrol: Callable[[str], bool],
    today: date,
) -> tuple[rules.Candidate | None, list[RowError]]:
    errors: list[RowError] = []

    def bad(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    code = _text(raw.get("programme_code")).upper()
    if not code:
        bad("programme_code", _("This field is required."))
    elif not _CODE.match(code):
        bad("programme_code", _("A programme code has letters, digits, _ and - only (e.g. PKH)."))
    period_cell = raw.get("period")
    # A spreadsheet may have turned "2026-03" into a date cell.
    period = period_cell.strftime("%Y-%m") if isinstance(period_cell, date) else _text(period_cell)
    if not period:
        bad("period", _("This field is required."))
    elif rules.period_bounds(period) is None:
        bad("period", _("The period is a month written YYYY-MM, e.g. 2026-03."))
    nik = _text(raw.get("nik"))
    kk = _text(raw.get("kk_number"))
    if nik and not _DIGITS16.match(nik):
        bad("nik", _("A NIK has exactly 16 digits."))
    if kk and not _DIGITS16.match(kk):
        bad("kk_number", _("A KK number has exactly 16 digits."))
    if not nik and not kk:
        bad("nik", _("Give the NIK or the KK number."))
    village = _text(raw.get("village_code"))
    if not village:
        bad("village_code", _("This field is required."))
    elif not _VILLAGE.match(village) or village not in villages or not may_enrol(village):
        # One message for an unknown village and one outside the actor's scope: the file
        # learns nothing about villages it may not see.
        bad("village_code", _("Not a village you enrol recipients for (e.g. 35.10.01.2001)."))
    name = _text(raw.get("name"))
    if len(name) > 100:
        bad("name", _("At most %(n)d characters.") % {"n": 100})
    elif name and not name.replace(" ", "").isprintable():
        bad("name", _("The name holds characters that are not text."))
    birth: date | None = None
    birth_text = raw.get("birth_date")
    if _text(birth_text):
        birth = parse_date(birth_text)
        if birth is None:
            bad("birth_date", _("Not a date (use YYYY-MM-DD)."))
        elif birth > today or birth.year < 1880:
            bad("birth_date", _("The date of birth is not plausible."))
    if errors:
        return None, errors
    return (
        rules.Candidate(
            programme_code=code,
            period=period,
            nik=nik,
            kk_number=kk,
            village_code=village,
            name=name,
            birth_date=birth,
        ),
        [],
    )


def _row_key(c: rules.Candidate) -> tuple[str, ...]:
    """Two rows with the same key name the same recipient (a duplicated row)."""
    if c.nik:
        return (c.programme_code, c.period, "nik", c.nik)
    return (
        c.programme_code,
        c.period,
        "kk",
        c.kk_number,
        normalise_name(c.name),
        c.birth_date.isoformat() if c.birth_date else "",
    )


def check_file(data: bytes, *, may_enrol: Callable[[str], bool]) -> Checked:
    """Read and check every row's shape (refuses the file as a whole when unreadable)."""
    max_rows = int(getattr(settings, "SK_WELFARE_ENROLMENT_IMPORT_MAX_ROWS", 100_000))
    rows = table_rows(data)
    header = next(rows, None)
    if header is None:
        raise FileRefused(_("The file is empty."), code="file_empty")
    names = _header(list(header))
    villages = set(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    allowed: dict[str, bool] = {}

    def may(code: str) -> bool:
        if code not in allowed:
            allowed[code] = may_enrol(code)
        return allowed[code]

    result = Checked()
    today = date.today()
    seen: dict[tuple[str, ...], int] = {}
    count = 0
    for number, values in enumerate(rows, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        count += 1
        if count > max_rows:
            raise FileRefused(
                _("The file has more than %(n)d rows; split it.") % {"n": max_rows},
                code="too_many_rows",
            )
        if len(values) > len(names) and any(_text(v) for v in values[len(names) :]):
            result.errors.append(
                RowError(number, "", _("The row has more cells than the header row."))
            )
            continue
        candidate, errors = _clean(
            number, dict(zip(names, values, strict=False)), villages, may, today
        )
        result.errors.extend(errors)
        if candidate is None:
            continue
        key = _row_key(candidate)
        if key in seen:
            result.errors.append(
                RowError(
                    number,
                    "nik" if candidate.nik else "kk_number",
                    _("The same recipient, programme and period are already in row %(row)d.")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        result.rows.append((number, candidate))
    if count == 0:
        raise FileRefused(_("The file has a header but no rows."), code="file_empty")
    return result

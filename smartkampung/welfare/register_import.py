"""Reading, checking and matching a welfare register file (DTKS / DTSEN) — no writes here.

One row per household member (the national data's shape); columns (order free, header in the
first row; Indonesian names accepted in brackets):

================  ==========  ================================================================
column            required    content
================  ==========  ================================================================
household_id      yes         the national household ID (``id_dtks``); rows with the same ID
                              form one household and must agree on KK, decile, village, flags
kk_number         yes         16 digits (``no_kk``)
nik               yes         16 digits, once per file
name              yes         the member's name (``nama``)
birth_date        yes         YYYY-MM-DD or DD-MM-YYYY (``tanggal_lahir``)
decile            yes         1–10, 1 = poorest (``desil``)
village_code      yes         Kemendagri code, e.g. 35.10.01.2001 (``kode_desa``)
programmes        no          programme flags separated by ``;`` or ``|``, e.g. ``PKH;BPNT``
================  ==========  ================================================================

Every row is checked first; problems are reported by row (the spreadsheet's row number) and
column, and any problem refuses the whole file. A valid file is then matched to the population
register (``match``): by KK number, else by the members' NIK; the rows that match nobody, a dead
or moved-out resident, or a household of another village are listed in the report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.population.identity import IdentityError, validate_kk
from smartkampung.population.importer import FileRefused, table_rows
from smartkampung.population.models import Household, Resident, ResidentStatus
from smartkampung.population.validation import parse_date
from smartkampung.regions.models import Level, Region

from .models import DECILE_MAX, DECILE_MIN

COLUMNS = (
    "household_id",
    "kk_number",
    "nik",
    "name",
    "birth_date",
    "decile",
    "village_code",
    "programmes",
)
REQUIRED = COLUMNS[:-1]
ALIASES = {
    "id_dtks": "household_id",
    "id_keluarga": "household_id",
    "no_kk": "kk_number",
    "nama": "name",
    "tanggal_lahir": "birth_date",
    "desil": "decile",
    "kode_desa": "village_code",
    "program": "programmes",
    "bansos": "programmes",
}
MAX_REPORTED_ERRORS = 1000
MAX_REPORT_ROWS = 20_000
_HOUSEHOLD_ID = re.compile(r"^[A-Za-z0-9._/-]{1,40}$")
_FLAG = re.compile(r"^[A-Z0-9_-]{1,20}$")
_DIGITS16 = re.compile(r"^\d{16}$")
_CHUNK = 5000


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class MemberRow:
    row: int
    household_id: str
    kk_number: str
    nik: str
    name: str
    birth_date: date
    decile: int
    village_code: str
    flags: tuple[str, ...]


@dataclass
class ReportLine:
    row: int
    kind: str  # unmatched, kk_by_nik, dead, moved_out, other_village, other_household, duplicate
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "kind": self.kind, "message": self.message}


@dataclass
class MatchedHousehold:
    household_id: int
    village_code: str
    dtks_id: str
    decile: int
    flags: list[str]
    member_count: int


@dataclass
class Checked:
    rows: list[MemberRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Matched:
    households: list[MatchedHousehold] = field(default_factory=list)
    report: list[ReportLine] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for line in self.report:
            found[line.kind] += 1
        return dict(found)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # The common case (a CSV cell): collapse whitespace only when there is some to collapse.
        return (
            value
            if value.isprintable() and "  " not in value and value == value.strip()
            else " ".join(value.split())
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _birth_date(value: Any) -> date | None:
    """ISO dates (the usual export) without strptime; other formats through parse_date."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return parse_date(value)


def header_columns(
    cells: list[Any],
    *,
    aliases: dict[str, str],
    columns: Any,
    required: Any,
    message: str,
    code: str,
) -> list[str]:
    """The header row as column names (lower-case, words joined by ``_``, aliases resolved);
    raises FileRefused with ``message`` (a ``%(problems)s`` template) naming unknown, missing
    and repeated columns. Shared by the welfare register and the enrolment imports."""
    names = ["_".join(_text(c).lower().replace("-", " ").split()) for c in cells]
    names = [aliases.get(n, n) for n in names]
    while names and not names[-1]:
        names.pop()
    unknown = [n or _("(empty)") for n in names if n not in columns]
    missing = [c for c in required if c not in names]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(cols)s") % {"cols": ", ".join(unknown[:10])})
    if missing:
        problems.append(_("missing columns: %(cols)s") % {"cols": ", ".join(missing)})
    if repeated:
        problems.append(_("repeated columns: %(cols)s") % {"cols": ", ".join(repeated)})
    if problems:
        raise FileRefused(
            message % {"problems": "; ".join(problems)},
            code=code,
            details={"unknown": unknown, "missing": missing, "repeated": repeated},
        )
    return names


def _header(cells: list[Any]) -> list[str]:
    return header_columns(
        cells,
        aliases=ALIASES,
        columns=COLUMNS,
        required=REQUIRED,
        message=_("The header row does not match the welfare register columns (%(problems)s)."),
        code="welfare_import_header",
    )


def _clean(
    number: int, raw: dict[str, Any], villages: set[str], today: date
) -> tuple[MemberRow | None, list[RowError]]:
    errors: list[RowError] = []

    def bad(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    household_id = _text(raw.get("household_id"))
    if not household_id:
        bad("household_id", _("This field is required."))
    elif not _HOUSEHOLD_ID.match(household_id):
        bad("household_id", _("At most 40 letters, digits and . _ / - only."))
    kk = _text(raw.get("kk_number"))
    try:
        validate_kk(kk, today=today)
    except IdentityError as exc:
        bad("kk_number", str(exc))
    nik = _text(raw.get("nik"))
    if not _DIGITS16.match(nik):
        bad("nik", _("A NIK has exactly 16 digits."))
    name = _text(raw.get("name"))
    if not name:
        bad("name", _("This field is required."))
    elif len(name) > 100:
        bad("name", _("At most %(n)d characters.") % {"n": 100})
    birth = _birth_date(raw.get("birth_date"))
    if birth is None:
        bad("birth_date", _("Not a date (use YYYY-MM-DD)."))
    elif birth > today or birth.year < 1880:
        bad("birth_date", _("The date of birth is not plausible."))
    decile_text = _text(raw.get("decile"))
    decile = int(decile_text) if decile_text.isdigit() else None
    if decile is None or not DECILE_MIN <= decile <= DECILE_MAX:
        bad("decile", _("The decile is a whole number from 1 to 10."))
    village = _text(raw.get("village_code"))
    if village not in villages:
        bad("village_code", _("Not a village code of the register (e.g. 35.10.01.2001)."))
    flags_text = _text(raw.get("programmes")).upper()
    flags = tuple(sorted({f.strip() for f in re.split(r"[;|,]", flags_text) if f.strip()}))
    if any(not _FLAG.match(f) for f in flags):
        bad("programmes", _("Programme flags are codes such as PKH;BPNT (letters, digits, _ -)."))
    if errors:
        return None, errors
    assert birth is not None and decile is not None
    return (
        MemberRow(number, household_id, kk, nik, name, birth, decile, village, flags),
        [],
    )


def check_file(data: bytes) -> Checked:
    """Read and validate every row (refuses the file as a whole when it cannot be read)."""
    max_rows = int(getattr(settings, "SK_WELFARE_IMPORT_MAX_ROWS", 2_500_000))
    rows = table_rows(data)
    header = next(rows, None)
    if header is None:
        raise FileRefused(_("The file is empty."), code="file_empty")
    names = _header(list(header))
    villages = set(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    result = Checked()
    today = date.today()
    seen_nik: dict[str, int] = {}
    households: dict[str, MemberRow] = {}
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
        raw = dict(zip(names, values, strict=False))
        member, errors = _clean(number, raw, villages, today)
        result.errors.extend(errors)
        if member is None:
            continue
        if member.nik in seen_nik:
            result.errors.append(
                RowError(
                    number,
                    "nik",
                    _("The same NIK is already in row %(row)d (duplicated row).")
                    % {"row": seen_nik[member.nik]},
                )
            )
            continue
        seen_nik[member.nik] = number
        first = households.setdefault(member.household_id, member)
        for column, mine, theirs in (
            ("kk_number", member.kk_number, first.kk_number),
            ("decile", member.decile, first.decile),
            ("village_code", member.village_code, first.village_code),
            ("programmes", member.flags, first.flags),
        ):
            if mine != theirs:
                result.errors.append(
                    RowError(
                        number,
                        column,
                        _("Differs from row %(row)d of the same household.") % {"row": first.row},
                    )
                )
                break
        else:
            result.rows.append(member)
    if count == 0:
        raise FileRefused(_("The file has a header but no rows."), code="file_empty")
    return result


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def match(rows: list[MemberRow]) -> Matched:
    """Match checked rows to the population register (reads only)."""
    kks = sorted({r.kk_number for r in rows})
    niks = sorted({r.nik for r in rows})
    household_of_kk: dict[str, tuple[int, str]] = {}
    for part in _chunks(kks):
        for pk, kk, village in Household.objects.filter(kk_number__in=part).values_list(
            "pk", "kk_number", "village_id"
        ):
            household_of_kk[kk] = (pk, village)
    residents: dict[str, tuple[str, int | None, str]] = {}
    for part in _chunks(niks):
        for nik, status, household_id, village in Resident.objects.filter(nik__in=part).values_list(
            "nik", "status", "household_id", "village_id"
        ):
            # A living record wins over an old dead or moved-out one with the same NIK.
            if nik not in residents or status in (ResidentStatus.ALIVE, ResidentStatus.MISSING):
                residents[nik] = (status, household_id, village)
    groups: dict[str, list[MemberRow]] = defaultdict(list)
    for r in rows:
        groups[r.household_id].append(r)
    result = Matched()
    taken: dict[int, str] = {}
    for dtks_id, members in groups.items():
        first = members[0]
        found = household_of_kk.get(first.kk_number)
        if found is None:
            living = {
                residents[m.nik][1]
                for m in members
                if m.nik in residents and residents[m.nik][0] in ("alive", "missing")
            }
            living.discard(None)
            if len(living) == 1:
                pk = int(next(iter(living)))  # type: ignore[arg-type]
                home = Household.objects.filter(pk=pk).values_list("village_id", flat=True)
                found = (pk, str(home[0]))
                result.report.append(
                    ReportLine(
                        first.row,
                        "kk_by_nik",
                        _("KK number unknown; matched by the members' NIK to another KK."),
                    )
                )
        if found is None:
            for m in members:
                result.report.append(
                    ReportLine(
                        m.row,
                        "unmatched",
                        _("Neither the KK number nor the NIK is in the population register."),
                    )
                )
            continue
        household_pk, village = found
        if household_pk in taken:
            result.report.append(
                ReportLine(
                    first.row,
                    "duplicate",
                    _("The household is already in the file under ID %(id)s; skipped.")
                    % {"id": taken[household_pk]},
                )
            )
            continue
        taken[household_pk] = dtks_id
        if village != first.village_code:
            result.report.append(
                ReportLine(
                    first.row,
                    "other_village",
                    _("The household lives in village %(actual)s, not %(given)s.")
                    % {"actual": village, "given": first.village_code},
                )
            )
        living_members = 0
        for m in members:
            person = residents.get(m.nik)
            if person is None:
                result.report.append(
                    ReportLine(m.row, "unmatched", _("The NIK is not in the population register."))
                )
            elif person[0] == ResidentStatus.DEAD:
                result.report.append(
                    ReportLine(m.row, "dead", _("The resident is recorded as dead."))
                )
            elif person[0] == ResidentStatus.MOVED_AWAY:
                result.report.append(
                    ReportLine(m.row, "moved_out", _("The resident has moved out."))
                )
            elif person[1] != household_pk:
                result.report.append(
                    ReportLine(
                        m.row,
                        "other_household",
                        _("The resident belongs to another household (KK) in the register."),
                    )
                )
            else:
                living_members += 1
        result.households.append(
            MatchedHousehold(
                household_id=household_pk,
                village_code=village,
                dtks_id=dtks_id,
                decile=first.decile,
                flags=list(first.flags),
                member_count=living_members,
            )
        )
    result.report.sort(key=lambda line: line.row)
    return result

"""Reading and checking a resident import file (CSV or XLSX) — no writes here.

The columns (Indonesian names, as in SIAK exports; order free, header in the first row):

=====================  ==========  =========================================================
column                 required    content
=====================  ==========  =========================================================
nik                    yes         16 digits
no_kk                  yes         16 digits; rows with the same number form one household
nama_lengkap           yes         full name
jenis_kelamin          yes         1/2, L/P or LAKI-LAKI/PEREMPUAN
tempat_lahir           yes         place of birth
tanggal_lahir          yes         YYYY-MM-DD or DD-MM-YYYY (or a date cell)
agama, pendidikan,     yes         Dukcapil code or label (data/reference/dukcapil_codes.csv)
pekerjaan,
status_perkawinan,
shdk
golongan_darah         no          code or label (default 13, unknown)
kewarganegaraan        no          1/WNI or 2/WNA (default WNI)
penyandang_cacat       no          code or label (default none)
nama_ayah, nama_ibu    no          parents' names
rt, rw                 yes         1–999
dusun, alamat          no          hamlet, street address
=====================  ==========  =========================================================

Every row is checked; all problems are reported by row (the spreadsheet's row number) and
column. Unknown and missing columns refuse the whole file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.core.uploads import UploadRejected, decode_text, detect_kind

from .codes import FamilyRole
from .validation import clean_resident

# (column, field, required) in template order.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("nik", "nik", True),
    ("no_kk", "kk_number", True),
    ("nama_lengkap", "full_name", True),
    ("jenis_kelamin", "sex", True),
    ("tempat_lahir", "birth_place", True),
    ("tanggal_lahir", "birth_date", True),
    ("agama", "religion", True),
    ("pendidikan", "education", True),
    ("pekerjaan", "occupation", True),
    ("status_perkawinan", "marital_status", True),
    ("shdk", "family_role", True),
    ("golongan_darah", "blood_type", False),
    ("kewarganegaraan", "citizenship", False),
    ("penyandang_cacat", "disability", False),
    ("nama_ayah", "father_name", False),
    ("nama_ibu", "mother_name", False),
    ("rt", "rt", True),
    ("rw", "rw", True),
    ("dusun", "dusun", False),
    ("alamat", "address", False),
)
COLUMN_OF_FIELD = {f: c for c, f, _r in COLUMNS}
FIELD_OF_COLUMN = {c: f for c, f, _r in COLUMNS}
REQUIRED_COLUMNS = [c for c, _f, required in COLUMNS if required]
MAX_REPORTED_ERRORS = 1000
# An XLSX whose parts unpack to more than this is refused (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 400 * 1024 * 1024

ProgressFn = Callable[[int, int], None]


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors)


class FileRefused(UploadRejected):
    """The file as a whole cannot be read as a resident table (wrong type, columns, ...)."""

    code = "import_file"


def _normalise_header(cell: Any) -> str:
    return "_".join(str(cell or "").strip().lower().replace("-", " ").split())


def _check_header(header: list[str]) -> list[str]:
    names = [_normalise_header(h) for h in header]
    while names and not names[-1]:
        names.pop()  # trailing empty cells of a spreadsheet
    unknown = [n or _("(empty)") for n in names if n not in FIELD_OF_COLUMN]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(cols)s") % {"cols": ", ".join(unknown[:10])})
    if missing:
        problems.append(_("missing columns: %(cols)s") % {"cols": ", ".join(missing)})
    if duplicated:
        problems.append(_("repeated columns: %(cols)s") % {"cols": ", ".join(duplicated)})
    if problems:
        raise FileRefused(
            _("The header row does not match the template (%(problems)s).")
            % {"problems": "; ".join(problems)},
            details={"unknown": unknown, "missing": missing, "repeated": duplicated},
        )
    return names


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRefused(_("The spreadsheet is damaged.")) from exc
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise FileRefused(_("The file is a ZIP archive but not an XLSX spreadsheet."))
    if sum(e.file_size for e in entries) > MAX_XLSX_UNPACKED_BYTES or len(entries) > 1000:
        raise FileRefused(_("The spreadsheet unpacks to too much data."))
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
        workbook.close()
    except FileRefused:
        raise
    except Exception as exc:  # any parser failure means a damaged or hostile file
        raise FileRefused(_("The spreadsheet is damaged or cannot be read.")) from exc


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = decode_text(data)
    if "\x00" in text:
        raise FileRefused(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileRefused(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def table_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of a CSV (UTF-8) or XLSX file, judged by content; refuses anything else."""
    kind = detect_kind(data)
    if kind == "zip":
        return _xlsx_rows(data)
    if kind != "unknown" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # also old .xls
        raise FileRefused(
            _("Upload a CSV (UTF-8) or XLSX file; this file is of another type."),
            code="wrong_file_type",
        )
    return _csv_rows(data)


def check_header(data: bytes) -> list[str]:
    """Read only the header (quick checks before queueing a web import)."""
    rows = table_rows(data)
    header = next(rows, None)
    if header is None:
        raise FileRefused(_("The file is empty."), code="file_empty")
    names = _check_header([str(h) if h is not None else "" for h in header])
    if next(rows, None) is None:
        raise FileRefused(_("The file has a header but no rows."), code="file_empty")
    return names


def _blank(values: list[Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def parse_file(data: bytes, *, progress: ProgressFn | None = None) -> ParsedFile:
    """Read and validate every row. Row numbers are the spreadsheet's (header = row 1)."""
    max_rows = int(getattr(settings, "SK_POPULATION_IMPORT_MAX_ROWS", 200_000))
    raw_rows = table_rows(data)
    header = next(raw_rows, None)
    if header is None:
        raise FileRefused(_("The file is empty."), code="file_empty")
    names = _check_header([str(h) if h is not None else "" for h in header])
    pending: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(raw_rows, start=2):
        if _blank(values):
            continue
        pending.append((number, values))
        if len(pending) > max_rows:
            raise FileRefused(
                _("The file has more than %(n)d rows; split it.") % {"n": max_rows},
                code="too_many_rows",
            )
    if not pending:
        raise FileRefused(_("The file has a header but no rows."), code="file_empty")
    result = ParsedFile(total_rows=len(pending))
    width = len(names)
    step = max(1, len(pending) // 100)
    for i, (number, values) in enumerate(pending):
        if len(values) > width and not _blank(values[width:]):
            result.errors.append(
                RowError(number, "", _("The row has more cells than the header row."))
            )
            continue
        raw = {FIELD_OF_COLUMN[n]: v for n, v in zip(names, values, strict=False) if n}
        cleaned, errors = clean_resident(raw)
        for name, messages in errors.items():
            for message in messages:
                result.errors.append(RowError(number, COLUMN_OF_FIELD[name], message))
        if not errors:
            result.rows.append(ParsedRow(number, cleaned))
        if progress is not None and (i % step == 0 or i == len(pending) - 1):
            progress(i + 1, len(pending))
    _check_within_file(result)
    return result


def _check_within_file(result: ParsedFile) -> None:
    """A NIK appears once; a KK has at most one head of family."""
    seen_nik: dict[str, int] = {}
    heads: dict[str, int] = {}
    for parsed in result.rows:
        nik = parsed.values["nik"]
        if nik in seen_nik:
            result.errors.append(
                RowError(
                    parsed.row,
                    "nik",
                    _("The same NIK is already in row %(row)d.") % {"row": seen_nik[nik]},
                )
            )
        else:
            seen_nik[nik] = parsed.row
        if parsed.values["family_role"] == FamilyRole.HEAD_OF_FAMILY:
            kk = parsed.values["kk_number"]
            if kk in heads:
                result.errors.append(
                    RowError(
                        parsed.row,
                        "shdk",
                        _("The household already has its head of family in row %(row)d.")
                        % {"row": heads[kk]},
                    )
                )
            else:
                heads[kk] = parsed.row


def template_csv() -> bytes:
    """The downloadable template: the header and one example row."""
    example = {
        "nik": "3510011705900001",
        "no_kk": "3510010203150001",
        "nama_lengkap": "Slamet Riyadi",
        "jenis_kelamin": "LAKI-LAKI",
        "tempat_lahir": "Banyuwangi",
        "tanggal_lahir": "1990-05-17",
        "agama": "ISLAM",
        "pendidikan": "SLTA/SEDERAJAT",
        "pekerjaan": "PETANI/PEKEBUN",
        "status_perkawinan": "KAWIN",
        "shdk": "KEPALA KELUARGA",
        "golongan_darah": "O",
        "kewarganegaraan": "WNI",
        "penyandang_cacat": "",
        "nama_ayah": "Sukardi",
        "nama_ibu": "Sumiati",
        "rt": "001",
        "rw": "002",
        "dusun": "Krajan",
        "alamat": "Jl. Pantai Rajegwesi",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c for c, _f, _r in COLUMNS])
    writer.writerow([example[c] for c, _f, _r in COLUMNS])
    return out.getvalue().encode("utf-8")


def records_to_csv(records: list[dict[str, Any]]) -> bytes:
    """Resident records (field names, as ``clean_resident`` returns) → an import CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c for c, _f, _r in COLUMNS])
    for record in records:
        row = []
        for _c, name, _r in COLUMNS:
            value = record.get(name)
            row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")

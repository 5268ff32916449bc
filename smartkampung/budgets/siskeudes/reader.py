"""Reading a Siskeudes export: a ZIP with one CSV per Access table (``Ta_RAB.csv`` …).

Hostile input is refused before anything is parsed: a file that is not a ZIP, encrypted
members, unsafe member names (absolute, ``..``, drive letters, backslashes), too many members,
members or a total that inflate beyond the limits (zip bombs; the sizes in the ZIP's headers are
not trusted, reading stops at the limit), duplicated tables, malformed CSV. Tables are read by
header name, never by position (SCHEMA.md §1: column order differs across versions);
``F<n>`` columns that Excel adds to unnamed columns are ignored.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from smartkampung.core.uploads import detect_kind

from .errors import SiskeudesRefused

MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 300
MAX_MEMBER_BYTES = 25 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
# CSV text compresses 5–20×; a ratio far beyond that on a sizeable member is a bomb.
MAX_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ROWS_PER_TABLE = 500_000
SPURIOUS_COLUMN = re.compile(r"^F+\d+$", re.IGNORECASE)
TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
LINE_KEY = "_line"  # the row's line number in its CSV file, for the report


@dataclass
class Table:
    name: str
    columns: list[str]  # as in the file (spurious columns removed)
    rows: list[dict[str, str]]  # keyed by lower-cased column name
    ignored_columns: list[str] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return column.lower() in {c.lower() for c in self.columns}


@dataclass
class Export:
    tables: dict[str, Table]  # keyed by lower-cased table name
    ignored_files: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Table | None:
        return self.tables.get(name.lower())


def _safe_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return False
    if re.match(r"^[A-Za-z]:", name):
        return False
    return all(part not in ("..", ".") for part in name.split("/") if part != "")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """Read a member, stopping as soon as it exceeds its own or the total limit."""
    chunks, size = [], 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            budget[0] += len(chunk)
            if size > MAX_MEMBER_BYTES or budget[0] > MAX_TOTAL_BYTES:
                raise SiskeudesRefused(
                    _("%(name)s unpacks to more than the allowed size; the file was refused.")
                    % {"name": info.filename},
                    code="zip_too_large",
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Windows converters may write cp1252 (SCHEMA.md §1); every byte decodes there except
        # five, which are refused below.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise SiskeudesRefused(
                _("A file is neither UTF-8 nor Windows-1252 text."), code="bad_encoding"
            ) from exc


def _parse_csv(name: str, text: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return Table(name=name, columns=[], rows=[])
        columns = [h.strip().lstrip("\ufeff") for h in header]
        lowered = [c.lower() for c in columns]
        duplicates = sorted({c for c in lowered if lowered.count(c) > 1 and c})
        if duplicates:
            raise SiskeudesRefused(
                _("%(table)s.csv has the column %(column)s twice.")
                % {"table": name, "column": duplicates[0]},
                code="malformed_csv",
            )
        keep = [i for i, c in enumerate(columns) if c and not SPURIOUS_COLUMN.match(c)]
        ignored = [c for i, c in enumerate(columns) if i not in keep and c]
        rows: list[dict[str, str]] = []
        for line_number, raw in enumerate(reader, start=2):
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue
            if len(raw) != len(columns):
                raise SiskeudesRefused(
                    _(
                        "%(table)s.csv, line %(line)d: %(found)d fields where the header has "
                        "%(expected)d."
                    )
                    % {
                        "table": name,
                        "line": line_number,
                        "found": len(raw),
                        "expected": len(columns),
                    },
                    code="malformed_csv",
                )
            if len(rows) >= MAX_ROWS_PER_TABLE:
                raise SiskeudesRefused(
                    _("%(table)s.csv has too many rows.") % {"table": name}, code="too_many_rows"
                )
            row = {lowered[i]: raw[i].strip() for i in keep}
            row[LINE_KEY] = str(line_number)
            rows.append(row)
    except csv.Error as exc:
        raise SiskeudesRefused(
            _(
                "%(table)s.csv is not valid CSV near line %(line)d (an unclosed quotation mark, "
                "or a line break or NUL character inside a field)."
            )
            % {"table": name, "line": reader.line_num},
            code="malformed_csv",
        ) from exc
    return Table(name=name, columns=[columns[i] for i in keep], rows=rows, ignored_columns=ignored)


def read_export(data: bytes) -> Export:
    """Open and parse the export; raise ``SiskeudesRefused`` with the reason if it is unsafe
    or malformed."""
    if len(data) > MAX_ZIP_BYTES:
        raise SiskeudesRefused(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_ZIP_BYTES // 1024 // 1024},
            code="file_too_large",
        )
    if detect_kind(data) != "zip":
        raise SiskeudesRefused(
            _(
                "The file is not a ZIP archive. Upload the ZIP of CSV tables exported from "
                "Siskeudes."
            ),
            code="not_a_zip",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        # The library's reason is English and technical: say what it means for the user.
        raise SiskeudesRefused(
            _(
                "The ZIP archive is damaged or incomplete (its table of contents cannot be "
                "read). Export it from Siskeudes again and upload the whole file."
            ),
            code="bad_zip",
        ) from exc
    if len(infos) > MAX_MEMBERS:
        raise SiskeudesRefused(
            _("The ZIP archive holds more than %(n)d files.") % {"n": MAX_MEMBERS},
            code="too_many_members",
        )
    declared = 0
    for info in infos:
        if not _safe_name(info.filename):
            raise SiskeudesRefused(
                _("The ZIP archive contains an unsafe file name (%(name)s).")
                % {"name": info.filename[:100]},
                code="unsafe_path",
            )
        if info.flag_bits & 0x1:
            raise SiskeudesRefused(
                _("The ZIP archive is password-protected."), code="encrypted_zip"
            )
        declared += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > MAX_MEMBER_BYTES
            or declared > MAX_TOTAL_BYTES
            or (info.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_RATIO)
        ):
            raise SiskeudesRefused(
                _("%(name)s unpacks to more than the allowed size; the file was refused.")
                % {"name": info.filename[:100]},
                code="zip_too_large",
            )
    export = Export(tables={})
    budget = [0]
    for info in infos:
        if info.is_dir():
            continue
        base = info.filename.rsplit("/", 1)[-1]
        stem, dot, extension = base.rpartition(".")
        if not dot or extension.lower() != "csv" or not TABLE_NAME.match(stem):
            export.ignored_files.append(info.filename)
            continue
        if stem.lower() in export.tables:
            raise SiskeudesRefused(
                _("The table %(table)s appears twice in the ZIP archive.") % {"table": stem},
                code="duplicate_table",
            )
        try:
            raw = _read_member(archive, info, budget)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise SiskeudesRefused(
                _(
                    "%(name)s cannot be read from the ZIP archive: it is damaged or packed "
                    "with a method other than the usual ZIP compression."
                )
                % {"name": info.filename[:100]},
                code="bad_zip",
            ) from exc
        text, encoding = _decode(raw)
        export.encodings[stem] = encoding
        export.tables[stem.lower()] = _parse_csv(stem, text)
    if not export.tables:
        raise SiskeudesRefused(_("The ZIP archive holds no CSV tables."), code="no_tables")
    return export

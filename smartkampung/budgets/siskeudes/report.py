"""What the import report says besides the mapped lines: budget lines without detail,
Siskeudes realisation (counted, not imported), ignored tables, columns and files."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .reader import Export
from .values import money, parse_number, value

if TYPE_CHECKING:
    from .mapper import ImportPlan

REALISATION_TABLES = {
    "Ta_SPPRinci": "nilai",
    "Ta_SPJRinci": "nilai",
    "Ta_TBPRinci": "nilai",
    "Ta_Pencairan": "jumlah",
}
USED_TABLES = {
    "ta_rabrinci",
    "ta_kegiatan",
    "ta_rab",
    "ta_pemda",
    "ref_version",
    "ref_desa",
    "ref_rek4",
    "ref_sumber",
} | {t.lower() for t in REALISATION_TABLES}


def report_rab_without_detail(
    plan: ImportPlan, rab: list[dict[str, str]], rinci: list[dict[str, str]]
) -> None:
    detailed = {(value(r, "Kd_Keg"), value(r, "Kd_Rincian")) for r in rinci}
    for row in rab:
        if (value(row, "Kd_Keg"), value(row, "Kd_Rincian")) in detailed:
            continue
        try:
            amount = parse_number(value(row, "AnggaranStlhPAK", "Anggaran")) or Decimal("0")
        except ValueError:
            amount = Decimal("0")
        if amount:
            plan.skip(
                "Ta_RAB",
                row,
                _("budget line %(account)s has no detail lines in Ta_RABRinci")
                % {"account": value(row, "Kd_Rincian")},
                amount,
            )


def report_realisation(plan: ImportPlan, export: Export, kd_desa: str) -> None:
    for table_name, column in REALISATION_TABLES.items():
        table = export.get(table_name)
        if table is None:
            continue
        rows = [r for r in table.rows if value(r, "Kd_Desa") == kd_desa]
        if not rows:
            continue
        total = Decimal("0")
        for row in rows:
            try:
                total += parse_number(row.get(column, "")) or Decimal("0")
            except ValueError:
                continue
        plan.not_imported.append(
            {"table": table_name, "rows": str(len(rows)), "amount": str(money(total))}
        )


def report_ignored(plan: ImportPlan, export: Export) -> None:
    ignored = sorted(t.name for key, t in export.tables.items() if key not in USED_TABLES)
    if ignored:
        plan.notes.append(
            _("Tables read but not needed: %(tables)s.") % {"tables": ", ".join(ignored)}
        )
    columns: dict[str, list[str]] = defaultdict(list)
    for table in export.tables.values():
        columns[table.name] += table.ignored_columns
    for table_name, names in sorted(columns.items()):
        if names:
            plan.notes.append(
                _("%(table)s: spurious columns ignored (%(columns)s).")
                % {"table": table_name, "columns": ", ".join(names)}
            )
    if export.ignored_files:
        plan.notes.append(
            _("Files that are not CSV tables were ignored: %(files)s.")
            % {"files": ", ".join(sorted(export.ignored_files)[:20])}
        )
    if any(encoding != "utf-8" for encoding in export.encodings.values()):
        plan.notes.append(_("Some tables were not UTF-8 and were read as Windows-1252."))

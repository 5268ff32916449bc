"""The regency's lists: ceilings (pagu), the unit price standard (SSH), and regional additions to
the chart of accounts, activities and fund sources. Regency officers only.

CSV imports check every row first and change nothing if any row is wrong; each error names its
row number (the header is row 1)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import PermissionDenied
from smartkampung.core.uploads import decode_text
from smartkampung.regions.models import Kind, Level, Region

from ..exceptions import BudgetErrorCode, BudgetInvalid
from ..models import (
    Account,
    AccountLevel,
    Activity,
    Ceiling,
    FundSource,
    SubSector,
    UnitPriceStandard,
)
from ..permissions import can_manage_ceilings, can_manage_reference
from .common import clean_text, get_fund_source, to_decimal

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 50_000
MAX_REPORTED_ERRORS = 50

CEILING_COLUMNS = {
    "village_code": ("village_code", "kode_desa", "kode"),
    "year": ("year", "tahun"),
    "fund_source": ("fund_source", "sumber_dana", "sumber"),
    "amount": ("amount", "pagu", "jumlah"),
    "note": ("note", "keterangan", "catatan"),
}
SSH_COLUMNS = {
    "code": ("code", "kode", "kode_barang"),
    "name": ("name", "uraian", "nama", "nama_barang"),
    "unit": ("unit", "satuan"),
    "price": ("price", "harga", "harga_satuan"),
    "category": ("category", "kelompok", "kategori"),
}


@dataclass
class CsvReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def _require_reference_manager(actor: Any) -> None:
    if not can_manage_reference(actor):
        raise PermissionDenied(_("Only regency officers manage the reference lists."))


def read_csv(
    data: bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Rows as (row number, {column: value}); headers may be English or Indonesian, the
    delimiter a comma or a semicolon (Indonesian spreadsheets)."""
    if len(data) > MAX_CSV_BYTES:
        raise BudgetInvalid(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_CSV_BYTES // 1024 // 1024},
            code="file_too_large",
        )
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise BudgetInvalid(_("The file is empty."), code=BudgetErrorCode.INVALID_CSV) from exc
    names = [h.strip().lower().replace(" ", "_") for h in header]
    positions: dict[str, int] = {}
    for column, aliases in columns.items():
        for alias in aliases:
            if alias in names:
                positions[column] = names.index(alias)
                break
    missing = [c for c in required if c not in positions]
    if missing:
        raise BudgetInvalid(
            _("Missing column(s): %(columns)s. Expected a header row with %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(required)},
            code=BudgetErrorCode.INVALID_CSV,
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, raw in enumerate(reader, start=2):
            if not any(cell.strip() for cell in raw):
                continue
            if len(rows) >= MAX_CSV_ROWS:
                raise BudgetInvalid(
                    _("The file has more than %(n)d rows.") % {"n": MAX_CSV_ROWS},
                    code=BudgetErrorCode.INVALID_CSV,
                )
            rows.append(
                (
                    number,
                    {c: (raw[i].strip() if i < len(raw) else "") for c, i in positions.items()},
                )
            )
    except csv.Error as exc:
        raise BudgetInvalid(
            _("The file is not valid CSV: %(error)s") % {"error": exc},
            code=BudgetErrorCode.INVALID_CSV,
        ) from exc
    if not rows:
        raise BudgetInvalid(_("The file has no data rows."), code=BudgetErrorCode.INVALID_CSV)
    return rows


def _fail(report: CsvReport) -> None:
    shown = report.errors[:MAX_REPORTED_ERRORS]
    if len(report.errors) > len(shown):
        shown.append(_("… and %(n)d more errors.") % {"n": len(report.errors) - len(shown)})
    raise BudgetInvalid(
        _("%(n)d row(s) have errors; nothing was imported.") % {"n": len(report.errors)},
        code=BudgetErrorCode.INVALID_CSV,
        details=shown,
    )


# --- ceilings ---------------------------------------------------------------------------------


def _check_ceiling_village(actor: Any, code: str) -> str | None:
    """An error message, or None if the regency officer may set this village's ceiling."""
    village = Region.objects.filter(code=code, level=Level.VILLAGE).only("kind", "name").first()
    if village is None or not can_manage_ceilings(actor, code):
        return _("unknown village code %(code)s") % {"code": code}
    if village.kind != Kind.DESA:
        return _("%(name)s (%(code)s) is a kelurahan, which has no APBDes") % {
            "name": village.name,
            "code": code,
        }
    return None


def ceiling_set(
    *,
    actor: Any,
    village_code: str,
    year: int,
    fund_source_code: str,
    amount: Any,
    note: str = "",
) -> Ceiling:
    """Set (create or change) one village's ceiling for a year and fund source."""
    if not can_manage_ceilings(actor, village_code):
        raise PermissionDenied(_("Only regency officers set ceilings."))
    problem = _check_ceiling_village(actor, village_code)
    if problem:
        raise BudgetInvalid(problem[0].upper() + problem[1:] + ".", code="invalid_village")
    source = get_fund_source(fund_source_code)
    value = to_decimal(amount, label=_("Ceiling"))
    year = _check_year(year)
    with transaction.atomic():
        ceiling = (
            Ceiling.objects.select_for_update()
            .filter(village_id=village_code, year=year, fund_source=source)
            .first()
        )
        before = ceiling.amount if ceiling else None
        if ceiling is None:
            ceiling = Ceiling(village_id=village_code, year=year, fund_source=source)
        ceiling.amount = value
        ceiling.note = clean_text(note)
        ceiling.updated_by = actor
        ceiling.save()
        audit.record(
            actor,
            "budgets.ceiling_set",
            ceiling,
            {"year": year, "fund_source": ceiling.fund_source_id, "before": before, "after": value},
        )
    return ceiling


def _check_year(year: Any) -> int:
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError) as exc:
        raise BudgetInvalid(_("The year is not valid."), code="invalid_year") from exc
    if not 2015 <= value <= 2100:
        raise BudgetInvalid(_("The year is not valid."), code="invalid_year")
    return value


def ceilings_import(*, actor: Any, data: bytes) -> CsvReport:
    """Import ceilings from CSV: ``village_code,year,fund_source,amount[,note]``."""
    if not can_manage_reference(actor):
        raise PermissionDenied(_("Only regency officers set ceilings."))
    rows = read_csv(data, CEILING_COLUMNS, ("village_code", "year", "fund_source", "amount"))
    report = CsvReport(rows=len(rows))
    sources = {s.code: s for s in FundSource.objects.filter(active=True)}
    seen: dict[tuple[str, int, str], int] = {}
    parsed: list[tuple[str, int, str, Decimal, str]] = []
    for number, row in rows:
        problems = []
        code = row["village_code"]
        problem = _check_ceiling_village(actor, code)
        if problem:
            problems.append(problem)
        source = row["fund_source"].upper()
        if source not in sources:
            problems.append(_("unknown fund source %(code)s") % {"code": row["fund_source"]})
        year = 0
        try:
            year = _check_year(row["year"])
        except BudgetInvalid:
            problems.append(_("year %(value)s is not valid") % {"value": row["year"]})
        amount = Decimal(0)
        try:
            amount = to_decimal(row["amount"], label=_("Amount"), lenient=True)
        except BudgetInvalid as exc:
            problems.append(exc.message)
        key = (code, year, source)
        if key in seen:
            problems.append(
                _("same village, year and fund source as row %(row)d") % {"row": seen[key]}
            )
        seen[key] = number
        if problems:
            report.errors.append(
                _("Row %(row)d: %(problems)s.") % {"row": number, "problems": "; ".join(problems)}
            )
        else:
            parsed.append((code, year, source, amount, clean_text(row.get("note", ""))))
    if report.errors:
        _fail(report)
    with transaction.atomic():
        existing = {
            (c.village_id, c.year, c.fund_source_id): c
            for c in Ceiling.objects.select_for_update().filter(
                year__in={p[1] for p in parsed}, village_id__in={p[0] for p in parsed}
            )
        }
        to_create, to_update = [], []
        for code, year, source, amount, note in parsed:
            ceiling = existing.get((code, year, source))
            if ceiling is None:
                to_create.append(
                    Ceiling(
                        village_id=code,
                        year=year,
                        fund_source_id=source,
                        amount=amount,
                        note=note,
                        updated_by=actor,
                    )
                )
            elif ceiling.amount != amount or ceiling.note != note:
                ceiling.amount, ceiling.note, ceiling.updated_by = amount, note, actor
                to_update.append(ceiling)
            else:
                report.unchanged += 1
        Ceiling.objects.bulk_create(to_create)
        Ceiling.objects.bulk_update(to_update, ["amount", "note", "updated_by", "updated_at"])
        report.created, report.updated = len(to_create), len(to_update)
        audit.record(actor, "budgets.ceilings_import", None, report.as_dict(), scope="")
    return report


# --- SSH --------------------------------------------------------------------------------------


def ssh_import(*, actor: Any, year: Any, data: bytes) -> CsvReport:
    """Import the unit price standard for a year: ``code,name,unit,price[,category]``."""
    _require_reference_manager(actor)
    year = _check_year(year)
    rows = read_csv(data, SSH_COLUMNS, ("code", "name", "unit", "price"))
    report = CsvReport(rows=len(rows))
    seen: dict[str, int] = {}
    parsed = []
    for number, row in rows:
        problems = []
        code = clean_text(row["code"], max_length=40)
        if not code:
            problems.append(_("the code is empty"))
        elif code in seen:
            problems.append(
                _("code %(code)s repeats row %(row)d") % {"code": code, "row": seen[code]}
            )
        seen[code] = number
        name = clean_text(row["name"])
        if not name:
            problems.append(_("the name is empty"))
        unit = clean_text(row["unit"], max_length=40)
        if not unit:
            problems.append(_("the unit is empty"))
        price = Decimal(0)
        try:
            price = to_decimal(row["price"], label=_("Price"), lenient=True, allow_zero=False)
        except BudgetInvalid as exc:
            problems.append(exc.message)
        if problems:
            report.errors.append(
                _("Row %(row)d: %(problems)s.") % {"row": number, "problems": "; ".join(problems)}
            )
        else:
            parsed.append(
                (code, name, unit, price, clean_text(row.get("category", ""), max_length=120))
            )
    if report.errors:
        _fail(report)
    with transaction.atomic():
        existing = {
            s.code: s for s in UnitPriceStandard.objects.select_for_update().filter(year=year)
        }
        to_create, to_update = [], []
        for code, name, unit, price, category in parsed:
            current = existing.get(code)
            if current is None:
                to_create.append(
                    UnitPriceStandard(
                        year=year, code=code, name=name, unit=unit, price=price, category=category
                    )
                )
            elif (current.name, current.unit, current.price, current.category, current.active) != (
                name,
                unit,
                price,
                category,
                True,
            ):
                current.name, current.unit, current.price = name, unit, price
                current.category, current.active = category, True
                to_update.append(current)
            else:
                report.unchanged += 1
        UnitPriceStandard.objects.bulk_create(to_create)
        UnitPriceStandard.objects.bulk_update(
            to_update, ["name", "unit", "price", "category", "active"]
        )
        report.created, report.updated = len(to_create), len(to_update)
        audit.record(actor, "budgets.ssh_import", None, {"year": year, **report.as_dict()})
    return report


# --- regional reference additions -------------------------------------------------------------

ACTIVITY_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
ACCOUNT_CODE = re.compile(r"^[456]\.\d\.\d\.\d{2}$")
FUND_SOURCE_CODE = re.compile(r"^[A-Z]{2,8}$")


def _names(name_id: str, name_en: str) -> dict[str, str]:
    name = clean_text(name_id)
    if not name:
        raise BudgetInvalid(_("The Indonesian name is required."), code="name_required")
    return {"name_id": name, "name_en": clean_text(name_en)}


def activity_define(*, actor: Any, code: str, name_id: str, name_en: str = "") -> Activity:
    """Add a regional activity (kegiatan), e.g. a 90–99 code set by the regent's regulation."""
    _require_reference_manager(actor)
    code = str(code or "").strip().rstrip(".")
    if not ACTIVITY_CODE.match(code):
        raise BudgetInvalid(
            _("An activity code looks like 02.03.90 (bidang.sub-bidang.kegiatan)."),
            code="invalid_code",
        )
    sub_sector = SubSector.objects.filter(code=code[:5]).first()
    if sub_sector is None:
        raise BudgetInvalid(
            _("There is no sub-bidang %(code)s.") % {"code": code[:5]}, code="invalid_code"
        )
    names = _names(name_id, name_en)
    with transaction.atomic():
        if Activity.objects.filter(code=code).exists():
            raise BudgetInvalid(
                _("Activity %(code)s already exists.") % {"code": code},
                code=BudgetErrorCode.REFERENCE_EXISTS,
            )
        activity = Activity.objects.create(code=code, sub_sector=sub_sector, regional=True, **names)
        audit.record(actor, "budgets.activity_define", activity, {"code": code, **names})
    return activity


def account_define(*, actor: Any, code: str, name_id: str, name_en: str = "") -> Account:
    """Add a regional account object (e.g. 5.2.1.90) under an existing account type (jenis)."""
    _require_reference_manager(actor)
    code = str(code or "").strip().rstrip(".")
    if not ACCOUNT_CODE.match(code):
        raise BudgetInvalid(_("An account object code looks like 5.2.1.90."), code="invalid_code")
    parent = Account.objects.filter(code=code.rsplit(".", 1)[0], level=AccountLevel.JENIS).first()
    if parent is None:
        raise BudgetInvalid(
            _("There is no account type %(code)s.") % {"code": code.rsplit(".", 1)[0]},
            code="invalid_code",
        )
    names = _names(name_id, name_en)
    with transaction.atomic():
        if Account.objects.filter(code=code).exists():
            raise BudgetInvalid(
                _("Account %(code)s already exists.") % {"code": code},
                code=BudgetErrorCode.REFERENCE_EXISTS,
            )
        account = Account.objects.create(
            code=code, level=AccountLevel.OBJEK, parent=parent, regional=True, **names
        )
        audit.record(actor, "budgets.account_define", account, {"code": code, **names})
    return account


def fund_source_define(
    *, actor: Any, code: str, name_id: str, name_en: str = "", needs_ceiling: bool = False
) -> FundSource:
    """Add a fund source code (Siskeudes registers unknown sources under DLL otherwise)."""
    _require_reference_manager(actor)
    code = str(code or "").strip().upper()
    if not FUND_SOURCE_CODE.match(code):
        raise BudgetInvalid(
            _("A fund source code is 2 to 8 capital letters, e.g. DDS."), code="invalid_code"
        )
    names = _names(name_id, name_en)
    with transaction.atomic():
        if FundSource.objects.filter(code=code).exists():
            raise BudgetInvalid(
                _("Fund source %(code)s already exists.") % {"code": code},
                code=BudgetErrorCode.REFERENCE_EXISTS,
            )
        position = FundSource.objects.count() + 1
        source = FundSource.objects.create(
            code=code, position=position, needs_ceiling=needs_ceiling, **names
        )
        audit.record(actor, "budgets.fund_source_define", source, {"code": code, **names})
    return source

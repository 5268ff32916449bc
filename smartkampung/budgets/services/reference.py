"""The regency's lists: the unit price standard (SSH) and regional additions to the chart of
accounts, activities and fund sources. Regency officers only."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import PermissionDenied

from ..exceptions import BudgetErrorCode, BudgetInvalid
from ..models import (
    Account,
    AccountLevel,
    Activity,
    FundSource,
    SubSector,
    UnitPriceStandard,
)
from ..permissions import actor_regency, can_manage_reference
from .common import clean_text, to_decimal
from .csv_input import CsvReport, check_year, fail, read_csv

SSH_COLUMNS = {
    "code": ("code", "kode", "kode_barang"),
    "name": ("name", "uraian", "nama", "nama_barang"),
    "unit": ("unit", "satuan"),
    "price": ("price", "harga", "harga_satuan"),
    "category": ("category", "kelompok", "kategori"),
}


def _require_reference_manager(actor: Any, regency_code: str | None) -> str:
    """The regency whose lists the actor changes (theirs unless given); refuse others."""
    regency = regency_code or actor_regency(actor)
    if regency is None or not can_manage_reference(actor, regency):
        raise PermissionDenied(_("Only regency officers manage the reference lists."))
    return regency


# --- SSH --------------------------------------------------------------------------------------


def ssh_import(*, actor: Any, year: Any, data: bytes, regency_code: str | None = None) -> CsvReport:
    """Import the regency's unit price standard for a year: ``code,name,unit,price[,category]``.
    Items are matched by code within the regency and year."""
    regency = _require_reference_manager(actor, regency_code)
    year = check_year(year)
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
        fail(report)
    with transaction.atomic():
        existing = {
            s.code: s
            for s in UnitPriceStandard.objects.select_for_update().filter(
                regency_id=regency, year=year
            )
        }
        to_create, to_update = [], []
        for code, name, unit, price, category in parsed:
            current = existing.get(code)
            if current is None:
                to_create.append(
                    UnitPriceStandard(
                        regency_id=regency,
                        year=year,
                        code=code,
                        name=name,
                        unit=unit,
                        price=price,
                        category=category,
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
        audit.record(
            actor,
            "budgets.ssh_import",
            None,
            {"year": year, "regency": regency, **report.as_dict()},
            scope=regency,
        )
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


def activity_define(
    *, actor: Any, code: str, name_id: str, name_en: str = "", regency_code: str | None = None
) -> Activity:
    """Add a regional activity (kegiatan), e.g. a 90–99 code set by the regent's regulation.
    Only the desa of that regency can use it."""
    regency = _require_reference_manager(actor, regency_code)
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
        activity = Activity.objects.create(
            code=code, sub_sector=sub_sector, regional=True, regency_id=regency, **names
        )
        audit.record(
            actor, "budgets.activity_define", activity, {"code": code, **names}, scope=regency
        )
    return activity


def account_define(
    *, actor: Any, code: str, name_id: str, name_en: str = "", regency_code: str | None = None
) -> Account:
    """Add a regional account object (e.g. 5.2.1.90) under an existing account type (jenis)."""
    regency = _require_reference_manager(actor, regency_code)
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
            code=code,
            level=AccountLevel.OBJEK,
            parent=parent,
            regional=True,
            regency_id=regency,
            **names,
        )
        audit.record(
            actor, "budgets.account_define", account, {"code": code, **names}, scope=regency
        )
    return account


def fund_source_define(
    *,
    actor: Any,
    code: str,
    name_id: str,
    name_en: str = "",
    needs_ceiling: bool = False,
    regency_code: str | None = None,
) -> FundSource:
    """Add a regional fund source code (Siskeudes registers unknown sources under DLL)."""
    regency = _require_reference_manager(actor, regency_code)
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
            code=code,
            position=position,
            needs_ceiling=needs_ceiling,
            regency_id=regency,
            **names,
        )
        audit.record(
            actor, "budgets.fund_source_define", source, {"code": code, **names}, scope=regency
        )
    return source

"""Ceilings (pagu): the regency's allocation to a desa per year and fund source."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import PermissionDenied
from smartkampung.regions.models import Kind, Level, Region

from ..exceptions import BudgetInvalid
from ..models import Ceiling, FundSource
from ..models.reference import regency_of
from ..permissions import can_manage_any_reference, can_manage_ceilings
from .common import clean_text, get_fund_source, to_decimal
from .csv_input import CsvReport, check_year, fail, read_csv

CEILING_COLUMNS = {
    "village_code": ("village_code", "kode_desa", "kode"),
    "year": ("year", "tahun"),
    "fund_source": ("fund_source", "sumber_dana", "sumber"),
    "amount": ("amount", "pagu", "jumlah"),
    "note": ("note", "keterangan", "catatan"),
}


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
    source = get_fund_source(fund_source_code, region=village_code)
    value = to_decimal(amount, label=_("Ceiling"))
    year = check_year(year)
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


def ceilings_import(*, actor: Any, data: bytes) -> CsvReport:
    """Import ceilings from CSV: ``village_code,year,fund_source,amount[,note]``."""
    if not can_manage_any_reference(actor):
        raise PermissionDenied(_("Only regency officers set ceilings."))
    rows = read_csv(data, CEILING_COLUMNS, ("village_code", "year", "fund_source", "amount"))
    report = CsvReport(rows=len(rows))
    sources = {
        (s.code, s.regency_id) for s in FundSource.objects.filter(active=True).only("regency")
    }
    seen: dict[tuple[str, int, str], int] = {}
    parsed: list[tuple[str, int, str, Decimal, str]] = []
    for number, row in rows:
        problems = []
        code = row["village_code"]
        problem = _check_ceiling_village(actor, code)
        if problem:
            problems.append(problem)
        source = row["fund_source"].upper()
        if (source, None) not in sources and (source, regency_of(code)) not in sources:
            problems.append(_("unknown fund source %(code)s") % {"code": row["fund_source"]})
        year = 0
        try:
            year = check_year(row["year"])
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
        fail(report)
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

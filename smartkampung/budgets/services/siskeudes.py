"""Importing a Siskeudes export into a village-year's budget.

The import becomes a version of origin "Siskeudes" that goes through the same workflow as one
entered by hand. Re-importing replaces the village-year's imported version while it is still a
draft or returned; once approved, an import starts a revision. A draft entered by hand or a
version under evaluation is never overwritten. Everything is read and checked before the first
write; a refused import changes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied

from ..models import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetOrigin,
    BudgetRevenue,
    BudgetStatus,
    SiskeudesImport,
    VillageBudget,
)
from ..models.budget import EDITABLE_STATUSES, OPEN_STATUSES
from ..permissions import can_import_siskeudes, can_view_village_budgets
from ..selectors.budgets import budget_content
from ..siskeudes.errors import SiskeudesRefused
from ..siskeudes.mapper import ImportPlan, plan_import
from ..siskeudes.reader import read_export
from .editing import require_desa

LINEAGE_NAMESPACE = uuid.UUID("5e0c7a1e-3b8f-4d55-9a6c-5c1d6b2a9f10")


def siskeudes_import(
    *,
    actor: Any,
    village_code: str,
    data: bytes,
    year: int | None = None,
    file_name: str = "",
) -> SiskeudesImport:
    """Import a Siskeudes ZIP for one village. ``actor=None`` is the command line (system)."""
    if actor is not None and not can_import_siskeudes(actor, village_code):
        if not can_view_village_budgets(actor, village_code):
            raise NotFound(_("Village not found."))
        raise PermissionDenied(_("Only the village operator or secretary imports Siskeudes data."))
    village = require_desa(village_code)
    plan = plan_import(
        read_export(data), village_code=village.code, village_name=village.name, year=year
    )
    if not (plan.items or plan.revenues or plan.financing):
        raise SiskeudesRefused(
            _("No budget line of the export could be mapped; nothing was imported."),
            code="nothing_mapped",
            details=plan.unmapped[:50],
        )
    with transaction.atomic():
        budget, replaced = _target_version(actor, village.code, plan.year)
        _write(budget, plan)
        report = _report(plan, budget, replaced)
        record = SiskeudesImport.objects.create(
            village_id=village.code,
            year=plan.year,
            budget=budget,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            siskeudes_version=plan.version_string[:60],
            report=report,
            created_by=actor if actor is not None else None,
        )
        audit.record(
            actor,
            "budgets.siskeudes_import",
            budget,
            {"import": record.pk, "version": budget.version, **report["counts"]},
        )
    return record


def _target_version(actor: Any, village_code: str, year: int) -> tuple[VillageBudget, bool]:
    versions = list(
        VillageBudget.objects.select_for_update().filter(village_id=village_code, year=year)
    )
    open_version = next((v for v in versions if v.status in OPEN_STATUSES), None)
    if open_version is not None:
        if open_version.status not in EDITABLE_STATUSES:
            raise SiskeudesRefused(
                _(
                    "Version %(version)s of %(year)s is being evaluated (%(status)s); it cannot be "
                    "replaced now."
                )
                % {
                    "version": open_version.version,
                    "year": year,
                    "status": open_version.get_status_display(),
                },
                code="version_in_review",
            )
        if open_version.origin != BudgetOrigin.SISKEUDES:
            raise SiskeudesRefused(
                _(
                    "Version %(version)s of %(year)s was entered here, not imported; discard or "
                    "finish it before importing from Siskeudes."
                )
                % {"version": open_version.version, "year": year},
                code="manual_draft_exists",
            )
        BudgetItem.objects.filter(budget=open_version).delete()
        BudgetActivity.objects.filter(budget=open_version).delete()
        BudgetRevenue.objects.filter(budget=open_version).delete()
        BudgetFinancing.objects.filter(budget=open_version).delete()
        return open_version, True
    approved = next((v for v in versions if v.status == BudgetStatus.APPROVED), None)
    version = max((v.version for v in versions), default=0) + 1
    budget = VillageBudget.objects.create(
        village_id=village_code,
        year=year,
        version=version,
        origin=BudgetOrigin.SISKEUDES,
        based_on=approved,
        created_by=actor if actor is not None else None,
    )
    return budget, False


def _lineages(budget: VillageBudget) -> dict[tuple[Any, ...], list[uuid.UUID]]:
    """Lineage of the approved version's lines by natural key, so a revision imported from
    Siskeudes keeps following the lines it revises (and their realisation)."""
    keys: dict[tuple[Any, ...], list[uuid.UUID]] = defaultdict(list)
    if budget.based_on is None:
        return keys
    content = budget_content(budget.based_on)
    for activity in content.activities:
        keys[("activity", activity.activity_id)].append(activity.lineage)
    for item in content.items:
        keys[("item", item.activity.activity_id, item.account_id, item.description.lower())].append(
            item.lineage
        )
    for line in content.revenues:
        keys[("revenue", line.account_id, line.fund_source_id, line.description.lower())].append(
            line.lineage
        )
    for financing in content.financing:
        keys[("financing", financing.account_id, financing.description.lower())].append(
            financing.lineage
        )
    return keys


def _write(budget: VillageBudget, plan: ImportPlan) -> None:
    previous = _lineages(budget)
    used: set[str] = set()

    def lineage(natural: tuple[Any, ...], key: str) -> uuid.UUID:
        candidates = previous.get(natural)
        if candidates:
            return candidates.pop(0)
        name = f"{budget.village_id}|{plan.year}|{key}"
        while name in used:  # duplicated Siskeudes keys still get distinct lineages
            name += "+"
        used.add(name)
        return uuid.uuid5(LINEAGE_NAMESPACE, name)

    activities = {}
    for code, planned_activity in sorted(plan.activities.items()):
        activities[code] = BudgetActivity.objects.create(
            budget=budget,
            activity_id=code,
            location=planned_activity.location,
            output=planned_activity.output,
            output_volume=planned_activity.output_volume,
            output_unit=planned_activity.output_unit,
            duration=planned_activity.duration,
            lineage=lineage(("activity", code), f"keg|{code}"),
        )
    positions: dict[str, int] = defaultdict(int)
    items = []
    for planned in plan.items:
        positions[planned.activity_code] += 1
        items.append(
            BudgetItem(
                budget=budget,
                activity=activities[planned.activity_code],
                account_id=planned.account_code,
                description=planned.description,
                volume=planned.volume,
                unit=planned.unit,
                unit_price=planned.unit_price,
                amount=(planned.volume * planned.unit_price).quantize(Decimal("0.01")),
                fund_source_id=planned.fund_source,
                ssh_id=planned.ssh_id,
                position=positions[planned.activity_code],
                lineage=lineage(
                    (
                        "item",
                        planned.activity_code,
                        planned.account_code,
                        planned.description.lower(),
                    ),
                    planned.key,
                ),
            )
        )
    BudgetItem.objects.bulk_create(items)
    BudgetRevenue.objects.bulk_create(
        BudgetRevenue(
            budget=budget,
            account_id=line.account_code,
            fund_source_id=line.fund_source,
            description=line.description,
            amount=line.amount,
            position=position,
            lineage=lineage(
                ("revenue", line.account_code, line.fund_source, line.description.lower()),
                line.key,
            ),
        )
        for position, line in enumerate(plan.revenues, start=1)
    )
    BudgetFinancing.objects.bulk_create(
        BudgetFinancing(
            budget=budget,
            account_id=line.account_code,
            fund_source_id=line.fund_source,
            description=line.description,
            amount=line.amount,
            position=position,
            lineage=lineage(("financing", line.account_code, line.description.lower()), line.key),
        )
        for position, line in enumerate(plan.financing, start=1)
    )


def _report(plan: ImportPlan, budget: VillageBudget, replaced: bool) -> dict[str, Any]:
    def total(lines: Any) -> str:
        return str(sum((line.amount for line in lines), Decimal("0.00")))

    expenditure = sum(
        ((i.volume * i.unit_price).quantize(Decimal("0.01")) for i in plan.items),
        Decimal("0.00"),
    )
    return {
        "siskeudes_version": plan.version_string,
        "year": plan.year,
        "kd_desa": plan.kd_desa,
        "version": budget.version,
        "replaced": replaced,
        "counts": {
            "activities": len(plan.activities),
            "items": len(plan.items),
            "revenues": len(plan.revenues),
            "financing": len(plan.financing),
            "unmapped": len(plan.unmapped),
        },
        "totals": {
            "revenue": total(plan.revenues),
            "expenditure": str(expenditure),
            "financing": total(plan.financing),
        },
        "unmapped": plan.unmapped,
        "notes": plan.notes,
        "not_imported": plan.not_imported,
    }

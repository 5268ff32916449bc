from typing import Any

from django.http import HttpRequest

from smartkampung.accounts.models import User

from ..models import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetRevenue,
    Disbursement,
    RevenueReceipt,
    VillageBudget,
)


def actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def budget_out(budget: VillageBudget) -> dict[str, Any]:
    return {
        "id": budget.pk,
        "village": budget.village_id,
        "village_name": budget.village.name,
        "year": budget.year,
        "version": budget.version,
        "status": budget.status,
        "origin": budget.origin,
        "based_on": budget.based_on_id,
        "submitted_at": budget.submitted_at,
        "approved_at": budget.approved_at,
    }


def line_out(line: BudgetRevenue | BudgetFinancing) -> dict[str, Any]:
    return {
        "id": line.pk,
        "account": line.account_id,
        "fund_source": line.fund_source_id,
        "description": line.description,
        "amount": line.amount,
    }


def activity_out(row: BudgetActivity) -> dict[str, Any]:
    return {
        "id": row.pk,
        "activity": row.activity_id,
        "name": row.activity.name,
        "location": row.location,
        "output": row.output,
        "output_volume": row.output_volume,
        "output_unit": row.output_unit,
        "duration": row.duration,
        "lineage": str(row.lineage),
    }


def item_out(item: BudgetItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "activity": item.activity.activity_id,
        "budget_activity": item.activity_id,
        "account": item.account_id,
        "description": item.description,
        "volume": item.volume,
        "unit": item.unit,
        "unit_price": item.unit_price,
        "amount": item.amount,
        "fund_source": item.fund_source_id,
        "ssh": item.ssh_id,
        "committed": item.committed,
        "realised": item.realised,
        "lineage": str(item.lineage),
    }


def disbursement_out(d: Disbursement) -> dict[str, Any]:
    return {
        "id": d.pk,
        "number": d.number,
        "village": d.village_id,
        "year": d.year,
        "item": d.item_id,
        "kind": d.kind,
        "description": d.description,
        "amount": d.amount,
        "status": d.status,
        "requested_on": d.requested_on,
        "approved_on": d.approved_on,
        "decision_notes": d.decision_notes,
        "paid_at": d.paid_at,
    }


def receipt_out(r: RevenueReceipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "village": r.village_id,
        "year": r.year,
        "account": r.account_id,
        "fund_source": r.fund_source_id,
        "received_on": r.received_on,
        "description": r.description,
        "amount": r.amount,
    }

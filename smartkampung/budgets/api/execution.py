"""Disbursements, receipts and reports."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from smartkampung.accounts.stepup import stepup_check_headers
from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination, Year
from smartkampung.core.exceptions import NotFound

from .. import services
from ..models import BudgetItem, DisbursementStatus
from ..permissions import can_decide_disbursement, can_view_consolidation
from ..schemas import (
    ConsolidationOut,
    DisbursementIn,
    DisbursementOut,
    NotesIn,
    ReceiptIn,
    ReceiptOut,
    ReportOut,
)
from ..selectors import execution as selectors
from ..selectors.aggregates import consolidation
from ..selectors.budgets import budget_item_get
from ..selectors.reports import lra_report
from .common import actor, disbursement_out, receipt_out

router = Router()


class ExecutionFilter(Schema):
    village: str | None = None
    year: Year | None = None
    status: str | None = None


@router.get(
    "/disbursements", response={200: list[DisbursementOut], **ERRORS}, summary="Requests (SPP)"
)
@paginate(BoundedLimitOffsetPagination)
def disbursement_list(
    request: HttpRequest, filters: Query[ExecutionFilter]
) -> list[dict[str, Any]]:
    rows = selectors.disbursement_list(
        actor=actor(request),
        village_code=filters.village,
        year=filters.year,
        status=filters.status,
    )
    return [disbursement_out(d) for d in rows]


@router.post(
    "/disbursements",
    response={201: DisbursementOut, **ERRORS},
    summary="Request a disbursement from an item (treasurer)",
)
def disbursement_request(request: HttpRequest, payload: DisbursementIn) -> Status[dict[str, Any]]:
    item: BudgetItem = budget_item_get(actor=actor(request), item_id=payload.item)
    disbursement = services.disbursement_request(
        actor=actor(request),
        item=item,
        amount=payload.amount,
        description=payload.description,
        kind=payload.kind,
    )
    return Status(201, disbursement_out(disbursement))


def _decide(request: HttpRequest, disbursement_id: int, call: Any) -> dict[str, Any]:
    disbursement = selectors.disbursement_get(actor=actor(request), disbursement_id=disbursement_id)
    return disbursement_out(call(disbursement))


@router.post(
    "/disbursements/{int:disbursement_id}/approve",
    response={200: DisbursementOut, **ERRORS},
    summary="Approve a request (village head)",
)
def disbursement_approve(
    request: HttpRequest, disbursement_id: int, payload: NotesIn
) -> dict[str, Any]:
    """Step-up (ADR 0112): the head's password in `X-Step-Up-Password` or a code in
    `X-Step-Up-Code`."""
    disbursement = selectors.disbursement_get(actor=actor(request), disbursement_id=disbursement_id)
    if disbursement.status == DisbursementStatus.PENDING and can_decide_disbursement(
        actor(request), disbursement.village_id
    ):
        stepup_check_headers(request, purpose="budgets.disbursement_approve", target=disbursement)
    return _decide(
        request,
        disbursement_id,
        lambda d: services.disbursement_approve(
            actor=actor(request), disbursement=d, notes=payload.notes
        ),
    )


@router.post(
    "/disbursements/{int:disbursement_id}/reject",
    response={200: DisbursementOut, **ERRORS},
    summary="Reject a request (village head)",
)
def disbursement_reject(
    request: HttpRequest, disbursement_id: int, payload: NotesIn
) -> dict[str, Any]:
    return _decide(
        request,
        disbursement_id,
        lambda d: services.disbursement_reject(
            actor=actor(request), disbursement=d, notes=payload.notes
        ),
    )


@router.post(
    "/disbursements/{int:disbursement_id}/cancel",
    response={200: DisbursementOut, **ERRORS},
    summary="Withdraw a pending request (treasurer)",
)
def disbursement_cancel(request: HttpRequest, disbursement_id: int) -> dict[str, Any]:
    return _decide(
        request,
        disbursement_id,
        lambda d: services.disbursement_cancel(actor=actor(request), disbursement=d),
    )


@router.post(
    "/disbursements/{int:disbursement_id}/paid",
    response={200: DisbursementOut, **ERRORS},
    summary="Record that an approved request was paid out (treasurer)",
)
def disbursement_mark_paid(request: HttpRequest, disbursement_id: int) -> dict[str, Any]:
    return _decide(
        request,
        disbursement_id,
        lambda d: services.disbursement_mark_paid(actor=actor(request), disbursement=d),
    )


@router.get("/receipts", response={200: list[ReceiptOut], **ERRORS}, summary="Revenue receipts")
@paginate(BoundedLimitOffsetPagination)
def receipt_list(request: HttpRequest, filters: Query[ExecutionFilter]) -> list[dict[str, Any]]:
    rows = selectors.receipt_list(
        actor=actor(request), village_code=filters.village, year=filters.year
    )
    return [receipt_out(r) for r in rows]


@router.post("/receipts", response={201: ReceiptOut, **ERRORS}, summary="Record a receipt")
def receipt_record(request: HttpRequest, payload: ReceiptIn) -> Status[dict[str, Any]]:
    receipt = services.receipt_record(
        actor=actor(request),
        village_code=payload.village,
        year=payload.year,
        account_code=payload.account,
        fund_source_code=payload.fund_source,
        amount=payload.amount,
        description=payload.description,
        received_on=payload.received_on,
    )
    return Status(201, receipt_out(receipt))


@router.get(
    "/reports/lra",
    response={200: ReportOut, **ERRORS},
    summary="Realisation report (LRA) of a village, cumulative to a period's end",
)
def report_lra(
    request: HttpRequest, village: str, year: Year, period: str = "s1"
) -> dict[str, Any]:
    report = lra_report(actor=actor(request), village_code=village, year=year, period=period)
    return {
        "budget": report.budget.pk,
        "village": report.budget.village_id,
        "year": report.budget.year,
        "period": report.period,
        "period_end": report.period_end,
        "rows": [
            {
                "code": r.code,
                "label": r.label,
                "depth": r.depth,
                "kind": r.kind,
                "budget": r.budget,
                "realised": r.realised,
                "difference": r.difference,
            }
            for r in report.rows
        ],
    }


@router.get(
    "/reports/consolidation",
    response={200: ConsolidationOut, **ERRORS},
    summary="Absorption per village, kecamatan, bidang and fund source",
)
def report_consolidation(request: HttpRequest, year: Year, region: str) -> dict[str, Any]:
    if not can_view_consolidation(actor(request), region):
        raise NotFound()
    data = consolidation(year=year, region_code=region)
    return {
        "region": region,
        "year": year,
        "total": data["total"].as_dict(),
        "by_district": [r.as_dict() for r in data["by_district"]],
        "by_village": [r.as_dict() for r in data["by_village"]],
        "by_sector": [r.as_dict() for r in data["by_sector"]],
        "by_fund_source": [r.as_dict() for r in data["by_fund_source"]],
        "status_counts": data["status_counts"],
        "without_submitted": data["without_submitted"],
    }

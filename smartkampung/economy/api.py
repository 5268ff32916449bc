"""Economy API: the enterprises (BUMDes) an actor sees, their capital and yearly reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from smartkampung.core.api import ERRORS, Year

from . import selectors, services
from .models import CapitalPlacement, EnterpriseReport, VillageEnterprise
from .overview import economy_overview
from .schemas import (
    CapitalIn,
    EnterpriseOut,
    OverviewOut,
    PlacementOut,
    ReportCheckIn,
    ReportIn,
    ReportOut,
)

router = Router(tags=["economy"])


def _enterprise_out(e: VillageEnterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "village": e.village_id,
        "name": e.name,
        "registration_number": e.registration_number,
        "units": list(e.units),
        "other_capital": str(e.other_capital),
    }


def _placement_out(p: CapitalPlacement) -> dict[str, Any]:
    return {"year": p.year, "amount": str(p.amount), "budgeted": str(p.budgeted)}


def _report_out(r: EnterpriseReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "enterprise": r.enterprise_id,
        "year": r.year,
        "revenue": str(r.revenue),
        "costs": str(r.costs),
        "profit": str(r.profit),
        "assets": str(r.assets),
        "pad_share": str(r.pad_share),
        "employees": r.employees,
        "status": r.status,
        "note": r.note,
        "submitted_at": r.submitted_at,
    }


@router.get("/enterprises", response={200: list[EnterpriseOut], **ERRORS}, summary="BUMDes")
def enterprise_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_enterprise_out(e) for e in selectors.enterprise_list(actor=request.user)[:500]]


@router.get(
    "/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS}, summary="A BUMDes"
)
def enterprise_get(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    return _enterprise_out(
        selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    )


@router.get(
    "/enterprises/{enterprise_id}/capital",
    response={200: list[PlacementOut], **ERRORS},
    summary="Capital placed from the APBDes",
)
def capital_list(request: HttpRequest, enterprise_id: int) -> list[dict[str, Any]]:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    return [_placement_out(p) for p in selectors.enterprise_placements(enterprise=enterprise)]


@router.post(
    "/enterprises/{enterprise_id}/capital",
    response={201: PlacementOut, **ERRORS},
    summary="Record capital from the approved APBDes (financing 6.2.2)",
)
def capital_place(
    request: HttpRequest, enterprise_id: int, payload: CapitalIn
) -> Status[dict[str, Any]]:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    placement = services.capital_place(
        actor=request.user, enterprise=enterprise, year=payload.year, amount=payload.amount
    )
    return Status(201, _placement_out(placement))


@router.get(
    "/enterprises/{enterprise_id}/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="Yearly reports of a BUMDes",
)
def report_list(request: HttpRequest, enterprise_id: int) -> list[dict[str, Any]]:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    return [_report_out(r) for r in selectors.enterprise_reports(enterprise=enterprise)]


@router.post(
    "/enterprises/{enterprise_id}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Submit a yearly report (the BUMDes manager)",
)
def report_submit(
    request: HttpRequest, enterprise_id: int, payload: ReportIn
) -> Status[dict[str, Any]]:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    report = services.report_submit(actor=request.user, enterprise=enterprise, data=payload.dict())
    return Status(201, _report_out(report))


@router.post(
    "/reports/{report_id}/check",
    response={200: ReportOut, **ERRORS},
    summary="Accept or return a report (the village head)",
)
def report_check(request: HttpRequest, report_id: int, payload: ReportCheckIn) -> dict[str, Any]:
    report = selectors.report_get(actor=request.user, report_id=report_id)
    checked = services.report_check(
        actor=request.user, report=report, accept=payload.accept, note=payload.note
    )
    return _report_out(checked)


@router.get(
    "/overview/{region_code}",
    response={200: OverviewOut, **ERRORS},
    summary="Capital placed vs returns per village; BUMDes without last year's report",
)
def overview(request: HttpRequest, region_code: str, year: Year | None = None) -> dict[str, Any]:
    region, due, rows = economy_overview(
        actor=request.user, region_code=region_code, last_year=year
    )
    return {
        "region": region.code,
        "report_year_due": due,
        "villages": [
            {
                "village_code": r.code,
                "village": r.name,
                "kecamatan": r.district,
                "enterprises": r.enterprises,
                "equity_budgeted": str(r.budgeted),
                "capital_placed": str(r.placed),
                "profit_reported": str(r.profit),
                "returned_to_village": str(r.returned),
                "return_on_capital_percent": r.return_percent,
                "without_report_last_year": r.without_report,
                "capital_without_previous_report": r.flags,
            }
            for r in rows
        ],
    }

"""Welfare API: a household's status, the red-light check and enrolment, programmes and
quotas, proposals, BLT payments, the register import and the overlap report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.api import ERRORS
from smartkampung.core.exceptions import NotFound, ValidationFailed
from smartkampung.core.uploads import read_limited

from . import enrolment_import as enrolment_reader
from . import reports, rules, selectors, services
from .models import AidProgramme, Enrolment, WelfareProposal
from .permissions import SOCIAL_ROLES
from .schemas import (
    CandidateIn,
    CheckIn,
    DecisionIn,
    EnrolmentImportOut,
    EnrolmentOut,
    ImportOut,
    JudgementOut,
    OverlapOut,
    PaymentIn,
    PaymentOut,
    ProgrammeIn,
    ProgrammeOut,
    ProposalIn,
    ProposalOut,
    QuotaIn,
    StatusOut,
)

router = Router(tags=["welfare"])


def _candidate(row: CandidateIn) -> rules.Candidate:
    return rules.Candidate(
        programme_code=row.programme_code.strip().upper(),
        period=row.period.strip(),
        nik=row.nik.strip(),
        kk_number=row.kk_number.strip(),
        village_code=row.village_code.strip(),
        name=row.name,
        birth_date=row.birth_date,
    )


def _enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "programme_code": e.programme.code,
        "period": e.period,
        "village_code": e.village_id,
        "household_id": e.household_id,
        "kk_number": e.kk_number[:4] + "•" * 8 + e.kk_number[-4:],
        "status": e.status,
        "findings": e.findings,
    }


def _programme_out(p: AidProgramme) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "target": p.target,
        "fund_source": p.fund_source,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "decile_max": p.decile_max,
        "min_age": p.min_age,
        "max_age": p.max_age,
        "excludes": [x.code for x in p.excludes.all()],
        "budget_activity_code": p.budget_activity_code,
        "monthly_amount": int(p.monthly_amount) if p.monthly_amount is not None else None,
    }


def _proposal_out(p: WelfareProposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "village_code": p.village_id,
        "household_id": p.household_id,
        "kind": p.kind,
        "decile": p.decile,
        "status": p.status,
        "reason": p.reason,
    }


@router.get(
    "/households/{household_id}/status",
    response={200: StatusOut, **ERRORS},
    summary="A household's welfare status (logged in the members' access log)",
)
def household_status(request: HttpRequest, household_id: int) -> dict[str, Any]:
    found = selectors.welfare_status_for_households(
        actor=request.user, household_ids=[household_id]
    )
    status = found.get(household_id)
    if status is None:
        raise NotFound(_("Not found."))
    services.welfare_view_log(
        actor=request.user,
        household_ids=[household_id],
        reason=_("welfare status (API)"),
        channel="api",
    )
    return {
        "household_id": household_id,
        "in_register": status.in_register,
        "decile": status.decile,
        "programmes": list(status.programmes),
    }


@router.post(
    "/check",
    response={200: list[JudgementOut], **ERRORS},
    summary="Check proposed enrolments against every rule, without saving (the red light)",
)
def check(request: HttpRequest, payload: CheckIn) -> list[dict[str, Any]]:
    judgements = services.enrolment_check(
        actor=request.user, candidates=[_candidate(r) for r in payload.rows]
    )
    return [
        {
            "row": i,
            "decision": j.decision,
            "rules": j.rules,
            "findings": [f.as_dict() for f in j.findings],
        }
        for i, j in enumerate(judgements, start=1)
    ]


@router.post(
    "/enrolments",
    response={201: EnrolmentOut, **ERRORS},
    summary="Enrol (refused with the findings when a rule excludes it; 'review' if held)",
)
def enrolment_create(request: HttpRequest, payload: CandidateIn) -> Status:
    enrolment = services.enrolment_create(actor=request.user, candidate=_candidate(payload))
    enrolment = Enrolment.objects.select_related("programme").get(pk=enrolment.pk)
    return Status(201, _enrolment_out(enrolment))


@router.post(
    "/enrolments/import",
    response={201: EnrolmentImportOut, **ERRORS},
    summary="Enrol from a CSV/XLSX (multipart 'file'): every row behind the red light, or none",
)
def enrolment_import(request: HttpRequest, file: File[UploadedFile]) -> Status:
    data = read_limited(file, max_bytes=enrolment_reader.max_bytes())
    result = services.enrolment_import(actor=request.user, data=data, file_name=file.name or "")
    return Status(
        201,
        {
            "rows": result.rows,
            "created": result.created,
            "review": result.review,
            "unchanged": result.unchanged,
        },
    )


@router.get("/enrolments", response={200: list[EnrolmentOut], **ERRORS}, summary="Recipients")
def enrolment_list(
    request: HttpRequest,
    village: str = "",
    programme: str = "",
    period: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    qs = selectors.enrolment_list(
        actor=request.user, village_code=village, programme_code=programme, period=period
    )
    rows = list(qs[max(0, offset) : max(0, offset) + max(1, min(limit, 500))])
    services.welfare_view_log(
        actor=request.user,
        household_ids=[e.household_id for e in rows],
        reason=_("enrolment list (API)"),
        channel="api",
    )
    return [_enrolment_out(e) for e in rows]


@router.get("/programmes", response={200: list[ProgrammeOut], **ERRORS}, summary="Programmes")
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_programme_out(p) for p in selectors.programme_list()]


@router.post(
    "/programmes",
    response={201: ProgrammeOut, **ERRORS},
    summary="Create a programme and its rules (social office)",
)
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status:
    programme = services.programme_save(actor=request.user, data=payload.dict())
    return Status(201, _programme_out(programme))


@router.put(
    "/programmes/{code}/quotas",
    response={200: dict[str, Any], **ERRORS},
    summary="Set a village's quota per period (social office)",
)
def quota_set(request: HttpRequest, code: str, payload: QuotaIn) -> dict[str, Any]:
    programme = (
        AidProgramme.objects.filter(code=code)
        .filter(scope_q(request.user, SOCIAL_ROLES, field="regency"))
        .first()
    )
    if programme is None:
        raise NotFound(_("Not found."))
    row = services.quota_set(
        actor=request.user,
        programme=programme,
        village_code=payload.village_code,
        quota=payload.quota,
    )
    return {"programme": programme.code, "village_code": row.village_id, "quota": row.quota}


@router.post(
    "/proposals", response={201: ProposalOut, **ERRORS}, summary="Propose (village operator)"
)
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Status:
    proposal = services.proposal_create(
        actor=request.user,
        household_id=payload.household_id,
        kind=payload.kind,
        decile=payload.decile,
        reason=payload.reason,
        evidence=payload.evidence,
    )
    return Status(201, _proposal_out(proposal))


@router.post(
    "/proposals/{proposal_id}/check",
    response={200: ProposalOut, **ERRORS},
    summary="Check a proposal (kecamatan officer)",
)
def proposal_check(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> dict[str, Any]:
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    return _proposal_out(
        services.proposal_check(
            actor=request.user, proposal=proposal, accept=payload.accept, note=payload.note
        )
    )


@router.post(
    "/proposals/{proposal_id}/decide",
    response={200: ProposalOut, **ERRORS},
    summary="Approve or reject a proposal (social office)",
)
def proposal_decide(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> dict[str, Any]:
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    return _proposal_out(
        services.proposal_decide(
            actor=request.user, proposal=proposal, approve=payload.accept, note=payload.note
        )
    )


@router.post(
    "/blt-payments",
    response={201: PaymentOut, **ERRORS},
    summary="Request a month's BLT Dana Desa payment (village treasurer)",
)
def blt_payment(request: HttpRequest, payload: PaymentIn) -> Status:
    payment = services.blt_payment_request(
        actor=request.user,
        programme_code=payload.programme_code,
        period=payload.period,
        household_id=payload.household_id,
    )
    return Status(
        201,
        {
            "id": payment.pk,
            "enrolment_id": payment.enrolment_id,
            "disbursement_id": payment.disbursement_id,
            "disbursement_number": payment.disbursement.number,
            "amount": int(payment.disbursement.amount),
        },
    )


@router.post(
    "/register/import",
    response={201: ImportOut, **ERRORS},
    summary="Import DTKS/DTSEN (CSV or XLSX, multipart 'file'; social office)",
)
def register_import(
    request: HttpRequest, file: File[UploadedFile], as_of: Form[str] = ""
) -> Status:
    from datetime import date

    day = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError as exc:
            raise ValidationFailed(_("Not a date (use YYYY-MM-DD)."), code="invalid_date") from exc
    data = read_limited(file, max_bytes=settings.SK_MAX_UPLOAD_BYTES)
    record = services.register_import(
        actor=request.user, data=data, file_name=file.name or "", as_of=day
    )
    return Status(
        201,
        {
            "id": record.pk,
            "as_of": record.as_of,
            "row_count": record.row_count,
            "household_count": record.household_count,
            "new_versions": record.new_versions,
            "unchanged": record.unchanged,
            "report": record.report_json[:1000],
        },
    )


@router.get(
    "/reports/overlap",
    response={200: OverlapOut, **ERRORS},
    summary="Households in two programmes at once, per pair (social office, regency)",
)
def overlap(request: HttpRequest, period: str = "", region: str = "") -> dict[str, Any]:
    period = period or selectors.current_period()
    if rules.period_bounds(period) is None:
        raise ValidationFailed(_("The period is a month written YYYY-MM, e.g. 2026-03."))
    # region: a kecamatan or village inside the caller's scope (404 otherwise).
    matrix = reports.overlap_matrix(actor=request.user, period=period, region=region or None)
    return {
        "period": period,
        "programmes": matrix.codes,
        "matrix": [values for _code, values in matrix.rows()],
    }

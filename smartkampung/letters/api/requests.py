"""Requests through the API: create, fill, attach, submit, check or return, approve or reject,
download the signed letter."""

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from smartkampung.accounts.permissions import has_role_anywhere
from smartkampung.accounts.stepup import stepup_check_headers
from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination
from smartkampung.core.exceptions import NotFound
from smartkampung.core.privacy import mask_identifier
from smartkampung.core.uploads import read_limited
from smartkampung.population.models import Resident

from .. import selectors
from ..exceptions import LetterInvalid
from ..models import LetterRequest, Notification, RequestStatus
from ..permissions import VILLAGE_LETTER_STAFF, can_approve, regency_code_of
from ..schemas import (
    ApproveIn,
    NoteIn,
    NotificationOut,
    ReasonIn,
    RequestIn,
    RequestOut,
    ValuesIn,
)
from ..services import requests as services
from ..services.notifications import notifications_mark_read
from ..views.attachments import attachment_download
from ..views.issued import pdf_response

router = Router(tags=["letters"])


def request_out(item: LetterRequest) -> dict[str, object]:
    letter = getattr(item, "letter", None)
    return {
        "id": item.pk,
        "type": item.letter_type.code,
        "type_title": item.letter_type.title,
        "village_code": item.village_id,
        "resident_id": item.resident_id,
        "resident_name": item.resident.full_name,
        "resident_nik_masked": mask_identifier(item.resident.nik),
        "channel": item.channel,
        "status": item.status,
        "status_reason": item.status_reason,
        "values": item.values,
        "created_at": item.created_at,
        "submitted_at": item.submitted_at,
        "letter_id": letter.pk if letter else None,
        "letter_number": letter.number if letter else None,
        "attachments": [
            {
                "id": a.pk,
                "document_key": a.document_key,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "created_at": a.created_at,
            }
            for a in item.attachments.all()
        ],
        "history": [
            {
                "status_from": e.status_from,
                "status_to": e.status_to,
                "actor": e.actor.username if e.actor else None,
                "note": e.note,
                "created_at": e.created_at,
            }
            for e in item.events.all()
        ],
    }


def _get(request: HttpRequest, request_id: int) -> dict[str, object]:
    item = selectors.letter_request_get(actor=request.user, request_id=request_id)
    return request_out(item)


@router.get(
    "",
    response={200: list[RequestOut], **ERRORS},
    summary="Requests: a citizen's own, or the village office's (staff)",
)
@paginate(BoundedLimitOffsetPagination)
def request_list(
    request: HttpRequest, status: str | None = None, mine: bool = False
) -> list[dict[str, object]]:
    if mine or not has_role_anywhere(request.user, VILLAGE_LETTER_STAFF):
        qs = selectors.letter_request_list_for_applicant(actor=request.user)
        if status:
            qs = qs.filter(status=status)
    else:
        qs = selectors.letter_request_queue(actor=request.user, status=status)
    return [request_out(item) for item in qs.prefetch_related("attachments", "events__actor")]


@router.post("", response={201: RequestOut, **ERRORS}, summary="Request a letter")
def request_create(request: HttpRequest, payload: RequestIn) -> Status[dict[str, object]]:
    resident = Resident.objects.select_related("village").filter(pk=payload.resident_id).first()
    if resident is None:
        raise NotFound()
    letter_type = selectors.letter_type_get(
        regency_code=regency_code_of(resident.village_id), code=payload.type
    )
    item = services.letter_request_create(
        actor=request.user,
        letter_type=letter_type,
        resident=resident,
        values={k: str(v) for k, v in payload.values.items()},
        submit=payload.submit,
    )
    return Status(201, _get(request, item.pk))


@router.get("/{request_id}", response={200: RequestOut, **ERRORS}, summary="One request")
def request_detail(request: HttpRequest, request_id: int) -> dict[str, object]:
    return _get(request, request_id)


@router.patch(
    "/{request_id}", response={200: RequestOut, **ERRORS}, summary="Change the filled fields"
)
def request_update(request: HttpRequest, request_id: int, payload: ValuesIn) -> dict[str, object]:
    services.letter_request_update(
        actor=request.user,
        request_id=request_id,
        values={k: str(v) for k, v in payload.values.items()},
    )
    return _get(request, request_id)


@router.post(
    "/{request_id}/attachments",
    response={201: RequestOut, **ERRORS},
    summary="Attach a document (JPEG, PNG or PDF; checked by content)",
)
def attach(
    request: HttpRequest,
    request_id: int,
    document: Form[str],
    file: File[UploadedFile],
) -> Status[dict[str, object]]:
    data = read_limited(file, max_bytes=settings.SK_LETTERS_ATTACHMENT_MAX_BYTES)
    services.letter_request_attach(
        actor=request.user,
        request_id=request_id,
        uploads=[services.Upload(document_key=document[:40], name=file.name or "", data=data)],
    )
    return Status(201, _get(request, request_id))


@router.get(
    "/{request_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="Download an attachment",
)
def attachment(request: HttpRequest, request_id: int, attachment_id: int) -> HttpResponseBase:
    found = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    if found.request_id != request_id:
        raise NotFound()
    return attachment_download(request, attachment_id)


@router.delete(
    "/{request_id}/attachments/{attachment_id}",
    response={200: RequestOut, **ERRORS},
    summary="Remove an attachment",
)
def detach(request: HttpRequest, request_id: int, attachment_id: int) -> dict[str, object]:
    found = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    if found.request_id != request_id:
        raise NotFound()
    services.letter_request_detach(actor=request.user, attachment_id=attachment_id)
    return _get(request, request_id)


@router.post("/{request_id}/submit", response={200: RequestOut, **ERRORS}, summary="Send it")
def submit(request: HttpRequest, request_id: int) -> dict[str, object]:
    services.letter_request_submit(actor=request.user, request_id=request_id)
    return _get(request, request_id)


@router.post("/{request_id}/cancel", response={200: RequestOut, **ERRORS}, summary="Withdraw")
def cancel(request: HttpRequest, request_id: int) -> dict[str, object]:
    services.letter_request_cancel(actor=request.user, request_id=request_id)
    return _get(request, request_id)


@router.post(
    "/{request_id}/check", response={200: RequestOut, **ERRORS}, summary="Checked (operator)"
)
def check(request: HttpRequest, request_id: int, payload: NoteIn) -> dict[str, object]:
    services.letter_request_check(actor=request.user, request_id=request_id, note=payload.note)
    return _get(request, request_id)


@router.post(
    "/{request_id}/return",
    response={200: RequestOut, **ERRORS},
    summary="Return for correction, with the reason",
)
def return_(request: HttpRequest, request_id: int, payload: ReasonIn) -> dict[str, object]:
    services.letter_request_return(actor=request.user, request_id=request_id, reason=payload.reason)
    return _get(request, request_id)


@router.post(
    "/{request_id}/approve",
    response={200: RequestOut, **ERRORS},
    summary="Approve: number, typeset and sign (village head)",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ApproveIn.model_json_schema()}},
        }
    },
    description=(
        "Step-up (ADR 0112): send the head's password in `X-Step-Up-Password` or an "
        "authenticator code in `X-Step-Up-Code`; without it, 403 `step_up_required`."
    ),
)
def approve(request: HttpRequest, request_id: int) -> dict[str, object]:
    item = selectors.letter_request_get(actor=request.user, request_id=request_id)
    if item.status == RequestStatus.VERIFIED and can_approve(
        request.user, item.letter_type.approver_roles, item.village_id
    ):
        stepup_check_headers(request, purpose="letters.approve", target=item)
    # The body is optional (``{"reason": ...}``, asked for by a check in
    # SK_LETTER_APPROVAL_CHECKS, e.g. an SPM outside the welfare register), so that clients
    # that post no body keep working.
    reason = ""
    if request.content_type == "application/json" and request.body.strip():
        try:
            reason = ApproveIn.model_validate_json(request.body).reason
        except ValueError as exc:
            raise LetterInvalid(_("The fields are not valid."), code="invalid_body") from exc
    services.letter_request_approve(actor=request.user, request_id=request_id, reason=reason)
    return _get(request, request_id)


@router.post(
    "/{request_id}/reject",
    response={200: RequestOut, **ERRORS},
    summary="Reject, with the reason (village head)",
)
def reject(request: HttpRequest, request_id: int, payload: ReasonIn) -> dict[str, object]:
    services.letter_request_reject(actor=request.user, request_id=request_id, reason=payload.reason)
    return _get(request, request_id)


@router.get(
    "/{request_id}/letter.pdf",
    response={200: None, **ERRORS},
    summary="The signed letter (the same bytes on every download)",
)
def letter_pdf(request: HttpRequest, request_id: int) -> HttpResponseBase:
    item = selectors.letter_request_get(actor=request.user, request_id=request_id)
    letter = getattr(item, "letter", None)
    if letter is None or not letter.is_signed:
        raise NotFound(_("The letter is not signed yet."))
    return pdf_response(
        request, selectors.letter_get_for_download(actor=request.user, letter_id=letter.pk)
    )


notifications_router = Router(tags=["letters"])


@notifications_router.get(
    "", response={200: list[NotificationOut], **ERRORS}, summary="My notifications"
)
@paginate(BoundedLimitOffsetPagination)
def notification_list(request: HttpRequest) -> list[Notification]:
    return list(selectors.notification_list(actor=request.user)[:500])


@notifications_router.post(
    "/read", response={200: dict[str, int], **ERRORS}, summary="Mark all as read"
)
def notification_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications_mark_read(actor=request.user)}

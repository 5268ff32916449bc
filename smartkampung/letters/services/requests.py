"""The request flow: a citizen (online) or an operator (at the counter) requests a letter, the
operator checks it or returns it, the village head approves or rejects it, and the approved
letter is numbered, typeset, signed and handed to the applicant.

Every function checks permission, runs in a transaction, records the status change in the
request's history and writes an audit event; the applicant is notified of every decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.population.models import Citizenship, Resident

from ..composition import LetterSubject
from ..exceptions import LetterConflict, LetterErrorCode, LetterInvalid
from ..fields import clean_values
from ..models import (
    EDITABLE_STATUSES,
    Attachment,
    Channel,
    Letter,
    LetterRequest,
    LetterType,
    RequestEvent,
    RequestStatus,
)
from ..pdf import date_id
from ..permissions import (
    can_approve,
    can_check,
    can_take_request_at_counter,
    can_view_request,
    is_applicant,
    regency_code_of,
)
from ..selectors import request_subjects_for_citizen
from .attachments import Upload, attachment_rows, check_upload, saved_files
from .letters import letter_create_numbered, letter_sign_or_defer
from .notifications import notify

# --- helpers ----------------------------------------------------------------------------------


def _locked(request_id: int) -> LetterRequest:
    return (
        LetterRequest.objects.select_for_update().select_related("letter_type").get(pk=request_id)
    )


def _load(actor: Any, request_id: int) -> LetterRequest:
    """The request if the actor may see it (staff of its village or its applicant), else 404."""
    request = (
        LetterRequest.objects.select_related("letter_type", "resident", "village")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not can_view_request(actor, request):
        raise NotFound(_("Not found."))
    return request


def may_request_for(actor: Any, resident: Resident) -> bool:
    """Village staff at the counter for any resident of their village; a citizen online for
    themselves and the members of their household (e.g. a birth or a death in the family)."""
    if can_take_request_at_counter(actor, resident.village_id):
        return True
    return resident.pk in {r.pk for r in request_subjects_for_citizen(actor=actor)}


def _transition(
    request: LetterRequest, *, to: str, actor: Any, note: str = "", reason: str | None = None
) -> None:
    event = RequestEvent(
        request=request, status_from=request.status, status_to=to, actor=actor, note=note[:1000]
    )
    request.status = to
    if reason is not None:
        request.status_reason = reason[:1000]
    request.save(update_fields=["status", "status_reason", "submitted_at", "updated_at"])
    event.save()


def _require_state(request: LetterRequest, *states: str) -> None:
    if request.status not in states:
        raise LetterConflict(
            _("This cannot be done while the request is “%(status)s”.")
            % {"status": request.get_status_display()},
            code=LetterErrorCode.WRONG_STATE,
        )


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise LetterInvalid(_("Give a reason."), code=LetterErrorCode.REASON_REQUIRED)
    return reason[:1000]


def request_url(request: LetterRequest) -> str:
    return reverse("letters:request", kwargs={"request_id": request.pk})


def _notify(request: LetterRequest, message: str, params: dict[str, str]) -> None:
    """Tell the applicant, in the site's language (Indonesian): SMS and WhatsApp gateways
    do not know the language the citizen's browser last used."""
    if request.applicant_id is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = _(message) % params
    notify(user=request.applicant, message=text, url=request_url(request))


def subject_for(resident: Resident) -> LetterSubject:
    """The resident as printed on a letter: register values, labels in Indonesian."""
    with translation.override("id"):
        village = resident.village
        parts = [resident.address] if resident.address else []
        if resident.rt or resident.rw:
            parts.append(f"RT {resident.rt}/RW {resident.rw}")
        if resident.dusun:
            parts.append(f"Dusun {resident.dusun}")
        parts.append(f"{village.get_kind_display()} {village.name}")
        return LetterSubject(
            name=resident.full_name,
            nik=resident.nik,
            kk_number=resident.household.kk_number if resident.household is not None else "",
            sex=str(resident.get_sex_display()),
            birth_place=resident.birth_place,
            birth_date=date_id(resident.birth_date),
            religion=str(resident.get_religion_display()),
            occupation=str(resident.get_occupation_display()),
            marital_status=str(resident.get_marital_status_display()),
            nationality="WNI" if resident.citizenship == Citizenship.WNI else "WNA",
            address=", ".join(parts),
        )


def prefill_values(letter_type: LetterType, resident: Resident) -> dict[str, str]:
    """Initial values for the form, from the register (fields that name a ``prefill``)."""
    subject = subject_for(resident).as_dict()
    return {
        spec.key: subject.get(spec.prefill, "")
        for spec in letter_type.field_specs
        if spec.prefill and subject.get(spec.prefill)
    }


# --- creating and editing ---------------------------------------------------------------------


def letter_request_create(
    *,
    actor: Any,
    letter_type: LetterType,
    resident: Resident,
    values: dict[str, Any],
    uploads: Sequence[Upload] = (),
    submit: bool = False,
) -> LetterRequest:
    """Start a request for ``resident``: a citizen for themselves or their household online,
    or village staff at the counter. With ``submit`` it is sent for checking at once."""
    if not may_request_for(actor, resident):
        raise NotFound(_("Not found."))
    if not letter_type.is_active or letter_type.regency_id != regency_code_of(resident.village_id):
        raise LetterInvalid(
            _("This letter type is not offered."), code=LetterErrorCode.TYPE_INACTIVE
        )
    cleaned = clean_values(letter_type.field_specs, values)
    checked = [(upload, check_upload(letter_type, upload)) for upload in uploads]
    counter = can_take_request_at_counter(actor, resident.village_id)
    applicant = resident.user if resident.user_id else (None if counter else actor)
    with saved_files(resident.village_id, checked) as names, transaction.atomic():
        request = LetterRequest.objects.create(
            village_id=resident.village_id,
            letter_type=letter_type,
            resident=resident,
            requested_by=actor,
            applicant=applicant,
            channel=Channel.COUNTER if counter else Channel.ONLINE,
            values=cleaned,
        )
        RequestEvent.objects.create(
            request=request, status_from="", status_to=RequestStatus.DRAFT, actor=actor
        )
        attachment_rows(request, actor, checked, names)
        if submit:
            _submit(request, actor)
        audit.record(
            actor,
            "letters.request_create",
            request,
            {"type": letter_type.code, "channel": request.channel, "submitted": submit},
        )
    return request


def _owner_or_counter(actor: Any, request: LetterRequest) -> None:
    """Only the applicant or counter staff of the village change a request's content."""
    if not (is_applicant(actor, request) or can_take_request_at_counter(actor, request.village_id)):
        raise PermissionDenied(_("Only the applicant or the village office may change this."))


def letter_request_update(*, actor: Any, request_id: int, values: dict[str, Any]) -> LetterRequest:
    """Change the filled fields of a draft or returned request."""
    request = _load(actor, request_id)
    _owner_or_counter(actor, request)
    cleaned = clean_values(request.letter_type.field_specs, values)
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, *EDITABLE_STATUSES)
        request.values = cleaned
        request.save(update_fields=["values", "updated_at"])
        audit.record(actor, "letters.request_update", request, {"fields": sorted(cleaned)})
    return request


def letter_request_attach(
    *, actor: Any, request_id: int, uploads: list[Upload]
) -> list[Attachment]:
    """Attach documents to a draft or returned request (checked by content, size-limited)."""
    request = _load(actor, request_id)
    _owner_or_counter(actor, request)
    _require_state(request, *EDITABLE_STATUSES)
    checked = [(upload, check_upload(request.letter_type, upload)) for upload in uploads]
    with saved_files(request.village_id, checked) as names, transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, *EDITABLE_STATUSES)
        rows = attachment_rows(request, actor, checked, names)
        audit.record(
            actor,
            "letters.request_attach",
            request,
            {"documents": [u.document_key for u, _kind in checked]},
        )
    return rows


def letter_request_detach(*, actor: Any, attachment_id: int) -> None:
    """Remove an attachment from a draft or returned request."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Not found."))
    request = _load(actor, attachment.request_id)
    _owner_or_counter(actor, request)
    name = attachment.file.name
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, *EDITABLE_STATUSES)
        attachment.delete()
        audit.record(
            actor, "letters.request_detach", request, {"document": attachment.document_key}
        )
        transaction.on_commit(lambda: default_storage.delete(name))


def _submit(request: LetterRequest, actor: Any) -> None:
    missing = [
        spec.label
        for spec in request.letter_type.document_specs
        if spec.required and not request.attachments.filter(document_key=spec.key).exists()
    ]
    if missing:
        raise LetterInvalid(
            _("Attach: %(documents)s.") % {"documents": ", ".join(missing)},
            code=LetterErrorCode.DOCUMENT_MISSING,
            details={"missing": missing},
        )
    clean_values(request.letter_type.field_specs, request.values)
    if request.submitted_at is None:
        request.submitted_at = timezone.now()
    _transition(request, to=RequestStatus.SUBMITTED, actor=actor)


def letter_request_submit(*, actor: Any, request_id: int) -> LetterRequest:
    """Send a draft (or a corrected, returned) request to the village office for checking."""
    request = _load(actor, request_id)
    _owner_or_counter(actor, request)
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, *EDITABLE_STATUSES)
        _submit(request, actor)
        audit.record(actor, "letters.request_submit", request, {})
    return request


def letter_request_cancel(*, actor: Any, request_id: int) -> LetterRequest:
    """The applicant withdraws a request that has not been decided."""
    request = _load(actor, request_id)
    if not is_applicant(actor, request):
        raise PermissionDenied(_("Only the applicant may withdraw the request."))
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, *EDITABLE_STATUSES, RequestStatus.SUBMITTED)
        _transition(request, to=RequestStatus.CANCELLED, actor=actor)
        audit.record(actor, "letters.request_cancel", request, {})
    return request


def letter_request_check(*, actor: Any, request_id: int, note: str = "") -> LetterRequest:
    """The operator confirms the data and documents: the request goes to the village head."""
    request = _load(actor, request_id)
    if not can_check(actor, request.letter_type.verifier_roles, request.village_id):
        raise PermissionDenied(_("Your role does not check letter requests."))
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, RequestStatus.SUBMITTED)
        _transition(request, to=RequestStatus.VERIFIED, actor=actor, note=note)
        audit.record(actor, "letters.request_check", request, {})
    return request


def letter_request_return(*, actor: Any, request_id: int, reason: str) -> LetterRequest:
    """Send the request back to the applicant to correct, with the reason."""
    request = _load(actor, request_id)
    roles_ok = can_check(
        actor, request.letter_type.verifier_roles, request.village_id
    ) or can_approve(actor, request.letter_type.approver_roles, request.village_id)
    if not roles_ok:
        raise PermissionDenied(_("Your role does not check letter requests."))
    reason = _reason(reason)
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, RequestStatus.SUBMITTED, RequestStatus.VERIFIED)
        _transition(request, to=RequestStatus.RETURNED, actor=actor, note=reason, reason=reason)
        _notify(
            request,
            gettext_noop("Your request for %(letter)s was returned for correction: %(reason)s"),
            {"letter": request.letter_type.title, "reason": reason},
        )
        audit.record(actor, "letters.request_return", request, {})
    return request


def letter_request_reject(*, actor: Any, request_id: int, reason: str) -> LetterRequest:
    """The village head refuses the letter, with the reason."""
    request = _load(actor, request_id)
    if not can_approve(actor, request.letter_type.approver_roles, request.village_id):
        raise PermissionDenied(_("Only the village head decides on letters."))
    reason = _reason(reason)
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, RequestStatus.SUBMITTED, RequestStatus.VERIFIED)
        _transition(request, to=RequestStatus.REJECTED, actor=actor, note=reason, reason=reason)
        _notify(
            request,
            gettext_noop("Your request for %(letter)s was rejected: %(reason)s"),
            {"letter": request.letter_type.title, "reason": reason},
        )
        audit.record(actor, "letters.request_reject", request, {})
    return request


def approval_checks() -> list[Any]:
    """The callables named in ``SK_LETTER_APPROVAL_CHECKS`` (``check(*, request, actor, reason)``
    returning a refusal message or None), resolved on each call like budgets'
    ``SK_DISBURSEMENT_CHECKS``: welfare registers its SPM check there, so letters never imports
    welfare."""
    return [import_string(path) for path in getattr(settings, "SK_LETTER_APPROVAL_CHECKS", [])]


def letter_request_approve(*, actor: Any, request_id: int, reason: str = "") -> LetterRequest:
    """The village head approves: the letter is numbered, then typeset and signed with the
    head's key. If signing fails the letter keeps its number and is signed on retry.

    Every check in ``SK_LETTER_APPROVAL_CHECKS`` runs first (``reason``: what the head typed,
    e.g. why an SPM is issued outside the welfare register); a refusal changes nothing."""
    request = _load(actor, request_id)
    if not can_approve(actor, request.letter_type.approver_roles, request.village_id):
        raise PermissionDenied(_("Only the village head decides on letters."))
    with transaction.atomic():
        request = _locked(request.pk)
        _require_state(request, RequestStatus.VERIFIED)
        for check in approval_checks():
            refusal = check(request=request, actor=actor, reason=reason)
            if refusal:
                raise LetterConflict(str(refusal), code="approval_refused")
        resident = Resident.objects.select_related("village__parent__parent", "household").get(
            pk=request.resident_id
        )
        letter = letter_create_numbered(
            letter_type=request.letter_type,
            village=resident.village,
            subject=subject_for(resident),
            values=request.values,
            signer=actor,
            now=timezone.now(),
            request=request,
        )
        _transition(request, to=RequestStatus.APPROVED, actor=actor)
        audit.record(
            actor,
            "letters.request_approve",
            request,
            {"letter": letter.pk, "number": letter.number},
        )
    letter_sign_or_defer(letter_id=letter.pk)
    request.refresh_from_db()
    return request


# --- hooks called by the letter services ------------------------------------------------------


def request_letter_signed(*, letter: Letter) -> None:
    """In the signing transaction: the request is done; record the service time; notify."""
    if letter.request_id is None:
        return
    request = _locked(letter.request_id)
    if request.submitted_at is not None and letter.signed_at is not None:
        seconds = max(0, int((letter.signed_at - request.submitted_at).total_seconds()))
        Letter.objects.filter(pk=letter.pk).update(issue_seconds=seconds)
        letter.issue_seconds = seconds
    _transition(request, to=RequestStatus.ISSUED, actor=None, note=letter.number)
    _notify(
        request,
        gettext_noop(
            "Your %(letter)s is signed (number %(number)s): download it from the request page."
        ),
        {"letter": request.letter_type.title, "number": letter.number},
    )


def request_letter_revoked(*, letter: Letter, actor: Any) -> None:
    """In the revoking transaction: note it in the request's history and tell the applicant."""
    if letter.request_id is None:
        return
    request = _locked(letter.request_id)
    RequestEvent.objects.create(
        request=request,
        status_from=request.status,
        status_to=request.status,
        actor=actor,
        note=_("Letter %(number)s revoked: %(reason)s")
        % {"number": letter.number, "reason": letter.revoke_reason},
    )
    _notify(
        request,
        gettext_noop("Your letter %(number)s was revoked by the village head: %(reason)s"),
        {"number": letter.number, "reason": letter.revoke_reason},
    )

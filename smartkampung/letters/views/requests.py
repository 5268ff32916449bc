"""Requests: citizens online, operators at the counter, checking and approving, attachments,
notifications. Thin views: parse input, call one service, show the result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.accounts.permissions import has_role_anywhere
from smartkampung.accounts.stepup import stepup_gate
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.navigation import collect_from_apps
from smartkampung.core.pagination import paginate
from smartkampung.core.privacy import mask_identifier
from smartkampung.core.uploads import read_limited
from smartkampung.population.selectors import ResidentFilters, resident_get, resident_list

from .. import selectors
from ..forms import LetterRequestForm, ReasonForm, ResidentSearchForm
from ..models import LetterType, RequestStatus
from ..permissions import (
    COUNTER_ROLES,
    VILLAGE_LETTER_STAFF,
    can_approve,
    can_check,
    can_take_request_at_counter,
    is_applicant,
)
from ..services import requests as services
from ..services.notifications import notifications_mark_read


def _subject_label(resident: Any) -> str:
    return f"{resident.full_name} ({mask_identifier(resident.nik)})"


def _uploads(form: LetterRequestForm) -> list[services.Upload]:
    limit = settings.SK_LETTERS_ATTACHMENT_MAX_BYTES
    return [
        services.Upload(
            document_key=key, name=upload.name or "", data=read_limited(upload, max_bytes=limit)
        )
        for key, upload in form.file_fields()
    ]


def _labelled(item: Any) -> list[tuple[Any, str]]:
    """The request's attachments with the document labels of its letter type."""
    labels = {doc.key: doc.display_label for doc in item.letter_type.document_specs}
    return [(a, labels.get(a.document_key, a.document_key)) for a in item.attachments.all()]


# --- citizens ---------------------------------------------------------------------------------


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    requests = selectors.letter_request_list_for_applicant(actor=request.user)
    page, qs_base = paginate(request, requests, per_page=20)
    notifications = selectors.notification_list(actor=request.user, unread_only=True)[:10]
    return render(
        request,
        "letters/my_requests.html",
        {
            "page_obj": page,
            "querystring_base": qs_base,
            "notifications": notifications,
            "can_request": bool(selectors.request_subjects_for_citizen(actor=request.user)),
        },
    )


@login_required
def choose_type(request: HttpRequest) -> HttpResponse:
    """Step 1: which letter (for a citizen; staff come here from the resident search)."""
    regency = selectors.actor_regency_code(request.user)
    if regency is None:
        raise NotFound()
    resident_id = request.GET.get("resident", "")
    return render(
        request,
        "letters/choose_type.html",
        {
            "types": selectors.letter_type_list(regency_code=regency),
            "resident_id": resident_id if resident_id.isdigit() else "",
        },
    )


def _subject_choices(request: HttpRequest, letter_type: LetterType) -> tuple[Any, list[Any]]:
    """(fixed resident for the counter, or None; the citizen's household choices)."""
    resident_id = request.GET.get("resident") or request.POST.get("for_resident")
    if resident_id and str(resident_id).isdigit():
        resident = resident_get(actor=request.user, resident_id=int(resident_id))
        if not can_take_request_at_counter(request.user, resident.village_id):
            raise NotFound()
        return resident, []
    subjects = selectors.request_subjects_for_citizen(actor=request.user)
    if not subjects:
        raise NotFound()
    return None, subjects


def _chosen_member(request: HttpRequest, subjects: list[Any]) -> Any:
    """The household member the letter is for: ``?for=`` on the page, the form's choice when
    it comes back with errors; the citizen themself by default. Anyone else: 404."""
    wanted = request.POST.get("resident") if request.method == "POST" else request.GET.get("for")
    if not wanted:
        return subjects[0]
    for member in subjects:
        if str(member.pk) == str(wanted):
            return member
    if request.method == "POST":
        return subjects[0]  # the form refuses the choice with its own message
    raise NotFound()


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the form, prefilled from the register, with the documents to attach."""
    regency = selectors.actor_regency_code(request.user)
    if regency is None:
        raise NotFound()
    letter_type = selectors.letter_type_get(regency_code=regency, code=code)
    fixed, subjects = _subject_choices(request, letter_type)
    choices = None if fixed else [(r.pk, _subject_label(r)) for r in subjects]
    first = fixed or _chosen_member(request, subjects)
    initial: dict[str, Any] = {
        f"f_{k}": v for k, v in services.prefill_values(letter_type, first).items()
    }
    if not fixed:
        initial["resident"] = first.pk
    form = LetterRequestForm(
        request.POST or None,
        request.FILES or None,
        letter_type=letter_type,
        subjects=choices,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        resident = fixed or next(r for r in subjects if r.pk == form.cleaned_data["resident"])
        try:
            created = services.letter_request_create(
                actor=request.user,
                letter_type=letter_type,
                resident=resident,
                values=form.values(),
                uploads=_uploads(form),
                submit=True,
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            if not form.apply_errors(exc.details):
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request has been sent to the village office."))
            return redirect("letters:request", request_id=created.pk)
    return render(
        request,
        "letters/request_form.html",
        {
            "form": form,
            "letter_type": letter_type,
            "resident": fixed,
            "subject": services.subject_for(first),
            # A citizen chooses whom the letter is for; the register card shows that person.
            "members": [] if fixed else [(r, _subject_label(r)) for r in subjects],
            "chosen": first,
        },
        status=400 if form.errors else 200,
    )


# --- one request ------------------------------------------------------------------------------


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = selectors.letter_request_get(actor=request.user, request_id=request_id)
    letter_type = item.letter_type
    user = request.user
    letter = getattr(item, "letter", None)
    return render(
        request,
        "letters/request_detail.html",
        {
            "item": item,
            "letter": letter,
            "values": [
                (spec.display_label, item.values.get(spec.key, ""))
                for spec in letter_type.field_specs
            ],
            "attachments": _labelled(item),
            "events": item.events.select_related("actor"),
            "is_applicant": is_applicant(user, item),
            "can_check": item.status == RequestStatus.SUBMITTED
            and can_check(user, letter_type.verifier_roles, item.village_id),
            "can_decide": item.status in (RequestStatus.SUBMITTED, RequestStatus.VERIFIED)
            and can_approve(user, letter_type.approver_roles, item.village_id),
            "can_approve": item.status == RequestStatus.VERIFIED
            and can_approve(user, letter_type.approver_roles, item.village_id),
            "can_edit": item.is_editable
            and (is_applicant(user, item) or can_take_request_at_counter(user, item.village_id)),
            "can_cancel": is_applicant(user, item)
            and item.status
            in (RequestStatus.DRAFT, RequestStatus.RETURNED, RequestStatus.SUBMITTED),
            "reason_form": ReasonForm(),
            "today": timezone.localdate(),
            # Sections other apps add (welfare: the SPM applicant's welfare status).
            "panels": collect_from_apps(
                "letter_request_panels",
                request,
                item,
                {
                    "can_approve": item.status == RequestStatus.VERIFIED
                    and can_approve(user, letter_type.approver_roles, item.village_id),
                    "approve_url": reverse("letters:request_action", args=[item.pk, "approve"]),
                },
            ),
        },
    )


# What each button of the request page does: the service, whether it takes the typed reason,
# and the message shown after it.
_ACTIONS: dict[str, tuple[Callable[..., Any], bool, Promise]] = {
    "check": (
        services.letter_request_check,
        False,
        gettext_lazy("The request has been checked and sent to the village head."),
    ),
    "return": (
        services.letter_request_return,
        True,
        gettext_lazy("The request has been returned to the applicant."),
    ),
    "approve": (
        services.letter_request_approve,
        True,  # optional: a check in SK_LETTER_APPROVAL_CHECKS may ask for a reason
        gettext_lazy("The letter has been approved and signed."),
    ),
    "reject": (
        services.letter_request_reject,
        True,
        gettext_lazy("The request has been rejected."),
    ),
    "cancel": (
        services.letter_request_cancel,
        False,
        gettext_lazy("The request has been withdrawn."),
    ),
    "submit": (
        services.letter_request_submit,
        False,
        gettext_lazy("The request has been sent to the village office."),
    ),
}


def _approval_stepup(request: HttpRequest, request_id: int) -> HttpResponse | None:
    """Signing asks twice (ADR 0112): the head confirms with a password or code, shown what
    the letter will say. Only where the approval could go ahead; the service refuses the rest."""
    item = selectors.letter_request_get(actor=request.user, request_id=request_id)
    letter_type = item.letter_type
    if item.status != RequestStatus.VERIFIED or not can_approve(
        request.user, letter_type.approver_roles, item.village_id
    ):
        return None
    resident = item.resident
    summary: list[tuple[str, object]] = [
        (_("Letter"), letter_type.title),
        (_("For"), resident.full_name if resident else ""),
        (_("NIK"), mask_identifier(resident.nik) if resident else ""),
        *[
            (spec.display_label, item.values.get(spec.key, ""))
            for spec in letter_type.field_specs
            if item.values.get(spec.key, "")
        ],
        (_("Signed as"), getattr(request.user, "display_name", "") or str(request.user)),
    ]
    return stepup_gate(
        request,
        purpose="letters.approve",
        title=_("Approve and sign this letter"),
        summary=summary,
        cancel_url=reverse("letters:request", kwargs={"request_id": request_id}),
        target=item,
    )


@login_required
@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise NotFound()
    service, takes_reason, success = _ACTIONS[action]
    if action == "approve":
        gate = _approval_stepup(request, request_id)
        if gate is not None:
            return gate
    extra = {"reason": request.POST.get("reason", "")} if takes_reason else {}
    try:
        service(actor=request.user, request_id=request_id, **extra)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(success))
    return redirect("letters:request", request_id=request_id)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    """Correct a returned (or draft) request: fields, more documents, then send it again."""
    item = selectors.letter_request_get(actor=request.user, request_id=request_id)
    if not item.is_editable:
        return redirect("letters:request", request_id=item.pk)
    letter_type = item.letter_type
    existing = set(item.attachments.values_list("document_key", flat=True))
    form = LetterRequestForm(
        request.POST or None,
        request.FILES or None,
        letter_type=letter_type,
        existing_documents=existing,
        initial={f"f_{k}": v for k, v in item.values.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_request_update(
                actor=request.user, request_id=item.pk, values=form.values()
            )
            uploads = _uploads(form)
            if uploads:
                services.letter_request_attach(
                    actor=request.user, request_id=item.pk, uploads=uploads
                )
            services.letter_request_submit(actor=request.user, request_id=item.pk)
        except DomainError as exc:
            if exc.status == 404:
                raise
            if not form.apply_errors(exc.details):
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request has been sent to the village office."))
            return redirect("letters:request", request_id=item.pk)
    return render(
        request,
        "letters/request_form.html",
        {
            "form": form,
            "letter_type": letter_type,
            "item": item,
            "attachments": _labelled(item),
            "subject": services.subject_for(item.resident),
        },
        status=400 if form.errors else 200,
    )


# --- the village office -----------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not has_role_anywhere(request.user, VILLAGE_LETTER_STAFF):
        raise NotFound()
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    requests = selectors.letter_request_queue(
        actor=request.user, status=status or None, open_only=not status
    )
    page, qs_base = paginate(request, requests)
    return render(
        request,
        "letters/queue.html",
        {
            "page_obj": page,
            "querystring_base": qs_base,
            "status": status,
            "statuses": RequestStatus.choices,
            "now": timezone.now(),
            "counter": has_role_anywhere(request.user, COUNTER_ROLES),
        },
    )


@login_required
def counter(request: HttpRequest) -> HttpResponse:
    """At the counter: find the resident in the register, then choose the letter."""
    if not has_role_anywhere(request.user, COUNTER_ROLES):
        raise NotFound()
    form = ResidentSearchForm(request.GET or None)
    residents: list[Any] = []
    error = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        try:
            residents = list(
                resident_list(
                    actor=request.user,
                    filters=ResidentFilters(search=form.cleaned_data["q"].strip()),
                    roles=frozenset(COUNTER_ROLES),
                ).select_related("village")[:20]
            )
        except DomainError as exc:  # e.g. a name search shorter than the register allows
            error = exc.message
    return render(
        request,
        "letters/counter.html",
        {"form": form, "residents": residents, "error": error},
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(actor=request.user)
        return redirect("letters:notifications")
    items = selectors.notification_list(actor=request.user)[:100]
    return render(request, "letters/notifications.html", {"items": items})

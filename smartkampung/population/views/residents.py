"""Resident pages: the searchable list, the full record (logged), forms and life events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.accounts.permissions import has_role_anywhere
from smartkampung.core.exceptions import DomainError, NotFound, ValidationFailed

from .. import selectors, services
from ..exceptions import ReasonRequired
from ..forms import (
    EventForm,
    FullViewReasonForm,
    MoveInForm,
    ResidentFilterForm,
    ResidentForm,
    TransferForm,
    add_record_errors,
)
from ..models import Resident, ResidentStatus
from ..paging import COUNT_CAP, SEARCH_COUNT_CAP, SearchOrder, capped_page
from ..permissions import REGISTER_READ_ROLES, can_edit_register, is_own_record
from ..validation import RESIDENT_FIELDS
from .common import actor, regency_villages, village_from_query, village_options

LIST_COLUMNS = (
    "id",
    "full_name",
    "name_search",
    "nik",
    "sex",
    "birth_date",
    "rt",
    "rw",
    "dusun",
    "status",
    "village_id",
    "village__name",
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if has_role_anywhere(user, REGISTER_READ_ROLES):
        return redirect("population:resident_list")
    if selectors.resident_for_citizen(user=user) is not None:
        return redirect("population:me")
    raise NotFound()


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    options = village_options(user)
    if not options:
        raise NotFound()
    codes = {code for code, _name, _label in options}
    wanted = request.GET.get("village")
    if wanted and wanted not in codes:
        raise NotFound()
    choices = [(code, label) for code, _name, label in options]
    form = ResidentFilterForm(request.GET, villages=choices)
    page = None
    querystring_base = ""
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        status = data.get("status") or ResidentStatus.ALIVE
        filters = selectors.ResidentFilters(
            search=data.get("q") or "",
            rt=data.get("rt") or "",
            rw=data.get("rw") or "",
            dusun=data.get("dusun") or "",
            sex=data.get("sex"),
            age_band=data.get("age") or "",
            status=None if status == "all" else status,
        )
        village = data.get("village") or (options[0][0] if len(options) == 1 else None)
        try:
            qs = selectors.resident_list(actor=user, village=village, filters=filters)
            rows = Resident.objects.select_related("village").only(*LIST_COLUMNS)
            page, querystring_base = capped_page(
                request,
                qs.select_related("village").only(*LIST_COLUMNS),
                cap=SEARCH_COUNT_CAP if filters.search else COUNT_CAP,
                search=(
                    SearchOrder("name_search", rows)
                    if selectors.is_name_search(filters.search)
                    else None
                ),
            )
        except ValidationFailed as exc:
            error = exc.message
    else:
        error = _("Check the filters.")
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    context: dict[str, Any] = {
        "form": form,
        "search_cap": SEARCH_COUNT_CAP,
        "village_options": choices if len(options) > 1 else [],
        "selected_village": request.GET.get("village", ""),
        "page_obj": page,
        "querystring_base": querystring_base,
        "error": error,
        "open_suffix": ("?" + urlencode({"reason": reason})) if reason else "",
        "many_villages": len(options) > 1,
        "editable_villages": [
            (code, name) for code, name, _label in options if can_edit_register(user, code)
        ],
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "population/partials/resident_results.html", context)
    return render(request, "population/resident_list.html", context)


@login_required
def resident_detail(request: HttpRequest, resident_id: int) -> HttpResponse:
    """The full record: NIK and KK unmasked, so every opening is logged (services)."""
    user = actor(request)
    asked = "reason" in request.GET
    try:
        resident = services.resident_full_view(
            actor=user, resident_id=resident_id, reason=request.GET.get("reason", ""), channel="web"
        )
    except ReasonRequired as exc:
        # Nothing was shown or logged: ask for the reason (an error only once one was sent).
        form = FullViewReasonForm(request.GET if asked else None)
        if asked:
            form.add_error("reason", exc.message)
        return render(
            request,
            "population/resident_reason.html",
            {"form": form, "resident": selectors.resident_get(actor=user, resident_id=resident_id)},
            status=400 if asked else 200,
        )
    if is_own_record(user, resident) and not can_edit_register(user, resident.village_id):
        return redirect("population:me")
    members = (
        list(resident.household.members.order_by("family_role", "birth_date"))
        if resident.household
        else []
    )
    return render(
        request,
        "population/resident_detail.html",
        {
            "resident": resident,
            "members": members,
            "history": selectors.resident_history(actor=user, resident=resident),
            "can_edit": can_edit_register(user, resident.village_id) and resident.is_living,
            "is_head": resident.household is not None and resident.household.head_id == resident.pk,
        },
    )


def record_url(resident_id: int, reason: str) -> str:
    """The full record, opened with the reason of the step the official has just taken."""
    url = reverse("population:resident_detail", args=[resident_id])
    return f"{url}?{urlencode({'reason': reason})}"


def _resident_initial(resident: Resident) -> dict[str, Any]:
    initial = {name: getattr(resident, name) for name in RESIDENT_FIELDS if name != "kk_number"}
    initial["kk_number"] = resident.household.kk_number if resident.household else ""
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request: HttpRequest, kind: str = "registered") -> HttpResponse:
    """Register a resident, a birth or a move-in (``kind``) in ``?village=``."""
    user = actor(request)
    village = village_from_query(request)
    form_class = MoveInForm if kind == "move_in" else ResidentForm
    form = form_class(request.POST or None, initial={"citizenship": 1, "blood_type": 13})
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        try:
            if kind == "birth":
                resident = services.birth_register(actor=user, village=village, data=data)
            elif kind == "move_in":
                resident = services.move_in_register(
                    actor=user,
                    village=village,
                    data=data,
                    occurred_on=form.cleaned_data["occurred_on"],
                    origin=form.cleaned_data.get("origin", ""),
                )
            else:
                resident = services.resident_register(actor=user, village=village, data=data)
        except DomainError as exc:
            add_record_errors(form, exc)
        else:
            messages.success(request, _("The resident has been registered."))
            return redirect(record_url(resident.pk, _("Registering the record")))
    titles = {
        "registered": _("Register a resident"),
        "birth": _("Register a birth"),
        "move_in": _("Register a move into the village"),
    }
    return render(
        request,
        "population/resident_form.html",
        {"form": form, "village": village, "title": titles[kind]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request: HttpRequest, resident_id: int) -> HttpResponse:
    user = actor(request)
    resident = selectors.resident_get(actor=user, resident_id=resident_id)
    services.require_edit(user, resident.village_id)
    if request.method == "GET":
        # The form shows the NIK and KK number: as good as a full view, so it is logged.
        services.resident_full_view(
            actor=user, resident_id=resident.pk, reason=_("Editing the record")
        )
    form = ResidentForm(request.POST or None, initial=_resident_initial(resident))
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_update(actor=user, resident=resident, changes=form.data_for_service())
        except DomainError as exc:
            add_record_errors(form, exc)
        else:
            messages.success(request, _("The record has been saved."))
            return redirect(record_url(resident.pk, _("Editing the record")))
    return render(
        request,
        "population/resident_form.html",
        {
            "form": form,
            "village": resident.village,
            "resident": resident,
            "title": _("Edit the record of %(name)s") % {"name": resident.full_name},
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_event(request: HttpRequest, resident_id: int, kind: str) -> HttpResponse:
    """Record a death or a move out of the regency."""
    user = actor(request)
    resident = selectors.resident_get(actor=user, resident_id=resident_id)
    services.require_edit(user, resident.village_id)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "death":
                services.death_record(
                    actor=user,
                    resident=resident,
                    occurred_on=data["occurred_on"],
                    place=data.get("place", ""),
                    details=data.get("details", ""),
                )
            else:
                services.move_out_record(
                    actor=user,
                    resident=resident,
                    occurred_on=data["occurred_on"],
                    destination=data.get("place", ""),
                    details=data.get("details", ""),
                )
        except DomainError as exc:
            add_record_errors(form, exc)
        else:
            messages.success(request, _("The event has been recorded."))
            return redirect(record_url(resident.pk, _("Recording a life event")))
    title = (
        _("Record the death of %(name)s")
        if kind == "death"
        else _("Record that %(name)s moved out of the regency")
    ) % {"name": resident.full_name}
    return render(
        request,
        "population/resident_event.html",
        {"form": form, "resident": resident, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_transfer(request: HttpRequest, resident_id: int) -> HttpResponse:
    user = actor(request)
    resident = selectors.resident_get(actor=user, resident_id=resident_id)
    services.require_edit(user, resident.village_id)
    choices = [c for c in regency_villages(resident.village_id) if c[0] != resident.village_id]
    form = TransferForm(request.POST or None, villages=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = {k: data.get(k) or "" for k in ("rt", "rw", "dusun", "address", "details")}
        try:
            if data["whole_household"] and resident.household is not None:
                transfer = services.household_transfer(
                    actor=user,
                    household=resident.household,
                    to_village=data["to_village"],
                    occurred_on=data["occurred_on"],
                    resident=resident,
                    **place,
                )
            else:
                transfer = services.resident_transfer(
                    actor=user,
                    resident=resident,
                    to_village=data["to_village"],
                    occurred_on=data["occurred_on"],
                    kk_number=data.get("kk_number") or "",
                    **place,
                )
        except DomainError as exc:
            add_record_errors(form, exc)
        else:
            if transfer.is_pending:
                # Nobody moves until the receiving village accepts (ADR 0064).
                messages.success(
                    request,
                    _(
                        "Request sent: %(village)s accepts or refuses the transfer; until then "
                        "the resident stays in this village."
                    )
                    % {"village": transfer.target_village.name},
                )
                return redirect("population:transfer_list")
            messages.success(request, _("The transfer has been recorded."))
            return redirect(reverse("population:resident_list") + f"?village={resident.village_id}")
    return render(
        request,
        "population/resident_event.html",
        {
            "form": form,
            "resident": resident,
            "title": _("Transfer %(name)s to another village") % {"name": resident.full_name},
            "intro": _(
                "The receiving village is asked to accept the transfer; the resident stays "
                "here until it does."
            ),
            "submit_label": _("Send the request"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resident_missing(request: HttpRequest, resident_id: int) -> HttpResponse:
    user = actor(request)
    resident = selectors.resident_get(actor=user, resident_id=resident_id)
    try:
        services.resident_status_set(
            actor=user, resident=resident, missing=request.POST.get("missing") == "1"
        )
        messages.success(request, _("The status has been changed."))
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect(record_url(resident.pk, _("Changing the status")))


@login_required
@require_POST
def activation_issue(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Issue a one-time activation code; it is shown once, on this response only."""
    user = actor(request)
    resident = selectors.resident_get(actor=user, resident_id=resident_id)
    code = services.activation_code_issue(actor=user, resident=resident)
    response = render(
        request,
        "population/activation_issued.html",
        {
            "resident": resident,
            "code": code,
            "hours": settings.SK_POPULATION_ACTIVATION_HOURS,
            "activate_url": reverse("population:activate"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response

"""Households (KK) and the list of life events."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartkampung.core.exceptions import DomainError, NotFound

from .. import selectors, services
from ..forms import HouseholdPlaceForm, VillageFilterForm, add_record_errors
from ..paging import capped_page
from ..permissions import can_edit_register, can_read_register
from .common import actor, village_options


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    options = village_options(user)
    if not options:
        raise NotFound()
    form = VillageFilterForm(request.GET, villages=[(c, label) for c, _n, label in options])
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    village = data.get("village") or (options[0][0] if len(options) == 1 else None)
    qs = selectors.household_list(actor=user, village=village, search=data.get("q") or "")
    page, querystring_base = capped_page(request, qs)
    return render(
        request,
        "population/household_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": querystring_base,
            "many_villages": len(options) > 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    user = actor(request)
    household = selectors.household_get(actor=user, household_id=household_id)
    if not can_read_register(user, household.village_id):
        return redirect("population:me")  # a citizen's own household is on their page
    can_edit = can_edit_register(user, household.village_id)
    form = HouseholdPlaceForm(
        request.POST or None,
        initial={f: getattr(household, f) for f in ("rt", "rw", "dusun", "address")},
    )
    if request.method == "POST":
        if not can_edit:
            services.require_edit(user, household.village_id)
        if form.is_valid():
            try:
                services.household_update(
                    actor=user, household=household, changes=form.cleaned_data
                )
            except DomainError as exc:
                add_record_errors(form, exc)
            else:
                messages.success(request, _("The household's address has been saved."))
                return redirect("population:household_detail", household_id=household.pk)
    return render(
        request,
        "population/household_detail.html",
        {
            "household": household,
            "members": household.members.all(),
            "form": form,
            "can_edit": can_edit,
        },
        status=400 if form.errors else 200,
    )


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    options = village_options(user)
    if not options:
        raise NotFound()
    form = VillageFilterForm(request.GET, villages=[(c, label) for c, _n, label in options])
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    village = data.get("village") or (options[0][0] if len(options) == 1 else None)
    qs = selectors.life_event_list(actor=user, village=village, kind=data.get("kind") or "")
    page, querystring_base = capped_page(request, qs)
    return render(
        request,
        "population/event_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": querystring_base,
            "many_villages": len(options) > 1,
        },
    )

"""The citizen's own page (record, household, who viewed it) and account activation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from smartkampung.accounts.services import client_address
from smartkampung.core.exceptions import DomainError, NotFound

from .. import selectors, services
from ..forms import ActivationForm
from .common import actor


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    resident = selectors.resident_for_citizen(user=user)
    if resident is None:
        raise NotFound()
    members = (
        list(resident.household.members.order_by("family_role", "birth_date"))
        if resident.household
        else []
    )
    return render(
        request,
        "population/me.html",
        {
            "resident": resident,
            "members": members,
            "history": selectors.resident_history(actor=user, resident=resident),
            "view_log": selectors.resident_view_log(resident=resident)[:200],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Set a password with the activation code from the village office (no login needed)."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.citizen_activate(
                nik=form.cleaned_data["nik"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                address=client_address(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your password has been set. Log in with your NIK and the password.")
            )
            return redirect("accounts:login")
    return render(
        request, "population/activate.html", {"form": form}, status=400 if form.errors else 200
    )

"""Pages for a forgotten staff password (ADR 0114): who to ask, and the reset by the village
head or the regency, behind a step-up."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from smartkampung.core.exceptions import NotFound

from .models import User
from .recovery import can_reset_password, password_reset_by_official, staff_for_reset
from .stepup import stepup_gate


@require_GET
def password_forgot(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_forgot.html")


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    people = [u for u in staff_for_reset(actor=request.user) if can_reset_password(request.user, u)]
    if not people and not staff_for_reset(actor=request.user).exists():
        raise NotFound()
    return render(request, "accounts/staff_list.html", {"people": people})


@never_cache
@login_required
@require_POST
def staff_password_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    target = User.objects.filter(pk=user_id, is_active=True).first()
    if target is None or not can_reset_password(request.user, target):
        raise NotFound()
    gate = stepup_gate(
        request,
        purpose="accounts.password_reset",
        title=_("Reset this person's password"),
        summary=[(_("Name"), target.display_name), (_("Username"), target.username)],
        cancel_url=reverse("accounts:staff_list"),
        target=target,
    )
    if gate is not None:
        return gate
    user, temporary = password_reset_by_official(actor=request.user, user_id=user_id)
    response = render(
        request, "accounts/password_reset_done.html", {"subject": user, "temporary": temporary}
    )
    response["Cache-Control"] = "no-store"
    return response

"""Transfers between villages: the list both villages see, and the decisions on a request
(accept or refuse by the receiving village, cancel by the origin; ADR 0064)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkampung.accounts.permissions import has_role_anywhere
from smartkampung.core.exceptions import Conflict, NotFound, ValidationFailed

from .. import selectors, services
from ..models import Household, TransferRequest
from ..permissions import REGISTER_READ_ROLES, can_cancel_transfer, can_decide_transfer
from .common import actor

# Decided requests shown under the open ones (the audit trail keeps them all).
RECENT_DECIDED = 20


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not has_role_anywhere(user, REGISTER_READ_ROLES):
        raise NotFound()
    pending = TransferRequest.Status.PENDING
    incoming = list(selectors.transfer_list(actor=user, direction="incoming", status=pending))
    outgoing = list(selectors.transfer_list(actor=user, direction="outgoing", status=pending))
    decided = list(selectors.transfer_list(actor=user).exclude(status=pending)[:RECENT_DECIDED])
    # Which requested family cards already exist in the receiving village (one query).
    existing = set(
        Household.objects.filter(
            kk_number__in=[t.kk_number for t in incoming if t.kk_number]
        ).values_list("kk_number", "village_id")
    )
    return render(
        request,
        "population/transfer_list.html",
        {
            "incoming": [
                (
                    t,
                    can_decide_transfer(user, t),
                    (t.kk_number, t.target_village_id) in existing,
                )
                for t in incoming
            ],
            "outgoing": [(t, can_cancel_transfer(user, t)) for t in outgoing],
            "decided": decided,
        },
    )


@login_required
@require_POST
def transfer_decide(request: HttpRequest, transfer_id: int, action: str) -> HttpResponse:
    user = actor(request)
    transfer = selectors.transfer_get(actor=user, transfer_id=transfer_id)
    note = request.POST.get("note", "")
    try:
        if action == "accept":
            services.transfer_accept(actor=user, transfer=transfer, note=note)
            messages.success(request, _("The transfer has been accepted; they now live here."))
        elif action == "refuse":
            services.transfer_refuse(actor=user, transfer=transfer, note=note)
            messages.success(request, _("The transfer has been refused; nobody moved."))
        else:
            services.transfer_cancel(actor=user, transfer=transfer, note=note)
            messages.success(request, _("The transfer request has been withdrawn."))
    except (Conflict, ValidationFailed) as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        problems = [str(m) for msgs in details.values() for m in msgs]
        messages.error(request, " ".join([exc.message, *problems]))
    return redirect("population:transfer_list")

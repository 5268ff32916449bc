"""/letters/: where each user finds the letter work their roles allow."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartkampung.accounts.permissions import Role, has_role_anywhere

from .. import selectors
from ..permissions import (
    COUNTER_ROLES,
    SPM_LIST_ROLES,
    VILLAGE_LETTER_STAFF,
    can_manage_letter_types,
    can_view_overview,
)


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "letters/hub.html",
        {
            "is_citizen": has_role_anywhere(user, {Role.CITIZEN}),
            "is_staff": has_role_anywhere(user, VILLAGE_LETTER_STAFF),
            "at_counter": has_role_anywhere(user, COUNTER_ROLES),
            "can_overview": can_view_overview(user),
            "can_spm_list": has_role_anywhere(user, SPM_LIST_ROLES),
            "can_manage": can_manage_letter_types(user),
            "unread": selectors.notification_list(actor=user, unread_only=True).count(),
        },
    )

"""/letters/: where each user finds the letter work their roles allow."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartkampung.accounts.permissions import has_role_anywhere

from ..permissions import VILLAGE_LETTER_STAFF, can_manage_letter_types, can_view_overview


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "letters/hub.html",
        {
            "is_staff": has_role_anywhere(user, VILLAGE_LETTER_STAFF),
            "can_overview": can_view_overview(user),
            "can_manage": can_manage_letter_types(user),
        },
    )

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartkampung.accounts.permissions import can_view_audit
from smartkampung.core.exceptions import NotFound
from smartkampung.core.pagination import paginate

from .forms import AuditFilterForm
from .selectors import audit_event_list
from .sentences import LOGIN_ACTIONS, sentences


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise NotFound()
    form = AuditFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    show_logins = bool(filters.pop("logins", False))
    events = audit_event_list(actor=request.user, **filters)
    if not show_logins:  # logins say nothing about what was done: hidden unless asked for
        events = events.exclude(action__in=LOGIN_ACTIONS)
    page, qs_base = paginate(request, events, per_page=50)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": qs_base,
            "sentences": sentences(page.object_list),
            "show_logins": show_logins,
        },
    )

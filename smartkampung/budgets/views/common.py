"""Helpers shared by the budget views (thin views: parse input, call one service)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from smartkampung.accounts.models import User
from smartkampung.accounts.permissions import actor_grants, covers
from smartkampung.core.exceptions import DomainError
from smartkampung.regions.models import Kind, Level, Region


def actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def current_year() -> int:
    return timezone.localdate().year


def year_param(request: HttpRequest, default: int | None = None) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2015 <= year <= 2100 else (default or current_year())


def villages_for(user: Any, roles: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) of the desa on which the actor holds one of ``roles``."""
    wanted = set(roles)
    scopes = [g.scope for g in actor_grants(user) if g.role in wanted]
    if not scopes:
        return []
    villages = Region.objects.filter(level=Level.VILLAGE, kind=Kind.DESA).only("code", "name")
    return [
        (v.code, f"{v.name} ({v.code})")
        for v in villages.order_by("code")
        if any(covers(scope, v.code) for scope in scopes)
    ]


def attempt(
    request: HttpRequest, call: Callable[[], Any], *, success: str, redirect_to: str
) -> HttpResponse:
    """Run a service call; show its message on failure. Always redirect (POST/redirect/GET)."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        for detail in (exc.details or [])[:10] if isinstance(exc.details, list) else []:
            messages.error(request, detail["message"] if isinstance(detail, dict) else detail)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(redirect_to)

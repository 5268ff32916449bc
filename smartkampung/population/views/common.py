"""Helpers shared by the population views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from smartkampung.accounts.models import User
from smartkampung.accounts.permissions import scope_q
from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level, Region

from ..permissions import REGISTER_READ_ROLES, REGISTER_WRITE_ROLES


def actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def villages_in_scope(user: Any, roles: frozenset[str] = REGISTER_READ_ROLES) -> list[Region]:
    return list(
        Region.objects.defer("boundary")
        .filter(level=Level.VILLAGE)
        .filter(scope_q(user, roles, field="code"))
        .select_related("parent")
        .order_by("code")
    )


def village_options(
    user: Any, roles: frozenset[str] = REGISTER_READ_ROLES
) -> list[tuple[str, str, str]]:
    """(code, name, "name (kecamatan)") of the villages in scope, without model instances
    (a regency officer's list page renders all 217)."""
    rows = (
        Region.objects.filter(level=Level.VILLAGE)
        .filter(scope_q(user, roles, field="code"))
        .order_by("code")
        .values_list("code", "name", "parent__name")
    )
    return [(code, name, f"{name} ({district})") for code, name, district in rows]


def village_choices(villages: list[Region]) -> list[tuple[str, str]]:
    return [(v.code, f"{v.name} ({v.parent.name if v.parent else ''})") for v in villages]


def village_from_query(
    request: HttpRequest, *, roles: frozenset[str] = REGISTER_WRITE_ROLES
) -> Region:
    """The ``?village=`` of a page that acts on one village; the actor's only village if they
    have one; NotFound otherwise."""
    code = request.GET.get("village") or request.POST.get("village") or ""
    villages = villages_in_scope(request.user, roles)
    if not code and len(villages) == 1:
        return villages[0]
    for village in villages:
        if village.code == code:
            return village
    raise NotFound()


def regency_villages(of_code: str) -> list[tuple[str, str]]:
    """Every village of the regency of ``of_code`` (destinations of a transfer)."""
    regency = ".".join(of_code.split(".")[:2])
    return village_choices(
        list(
            Region.objects.defer("boundary")
            .filter(level=Level.VILLAGE, code__startswith=regency + ".")
            .select_related("parent")
            .order_by("parent__name", "name")
        )
    )

"""Account reads, scoped to what the actor may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level

from .models import ApiToken, LoginFailure, Role, RoleAssignment, User
from .permissions import can_manage_users, scope_q


def user_list(*, actor: User, search: str = "") -> QuerySet[User]:
    if not can_manage_users(actor):
        return User.objects.none()
    qs = User.objects.order_by("username").prefetch_related("role_assignments__scope")
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return qs


def user_get(*, actor: User, user_id: int) -> User:
    user = user_list(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


def role_assignment_list(*, user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("scope", "scope__parent")
        .order_by("scope_id", "role")
    )


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def last_login_by_village(*, roles: Iterable[str]) -> dict[str, datetime]:
    """Aggregate for the regency dashboard: per village code, the most recent login of any active
    account holding one of ``roles`` on that village (villages without one are absent). No
    actor and no user names: only a time per village."""
    rows = (
        RoleAssignment.objects.filter(
            role__in=list(roles),
            scope__level=Level.VILLAGE,
            user__is_active=True,
            user__last_login__isnull=False,
        )
        .values("scope_id")
        .annotate(last=Max("user__last_login"))
        .values_list("scope_id", "last")
        .order_by()
    )
    return {code: last for code, last in rows if last is not None}


# How far back the village head's list of failed logins looks (the lockout window is shorter).
LOCKOUT_WATCH_HOURS = 24


@dataclass(frozen=True)
class LockoutRow:
    """One staff member of the head's village with failed logins: who, how many, the last one,
    and whether they are locked out now. Never the typed passwords or codes."""

    user_id: int
    name: str
    username: str
    village_code: str
    failures: int
    last_attempt: datetime
    locked: bool


def lockout_watch_list(*, actor: Any) -> list[LockoutRow]:
    """The village staff of the actor's villages (as village head) with failed logins in the
    last LOCKOUT_WATCH_HOURS, most recent first (ADR 0065). Two queries: the staff, then the
    failure counts by their accounts' counter keys (the keys are hashes, so no join)."""
    heads = frozenset({Role.VILLAGE_HEAD})
    staff = (
        RoleAssignment.objects.filter(scope_q(actor, heads, field="scope"), user__is_active=True)
        .exclude(role=Role.CITIZEN)
        .values_list("user_id", "user__full_name", "user__username", "scope_id")
        .order_by("user_id", "scope_id")
    )
    people: dict[int, tuple[str, str, str]] = {}
    for user_id, full_name, username, scope in staff:
        people.setdefault(user_id, (full_name or username, username, scope))
    if not people:
        return []
    keys = {}
    for user_id in people:
        keys[LoginFailure.user_key(user_id)] = user_id
        keys[LoginFailure.unlock_key(user_id)] = user_id
    now = timezone.now()
    window = now - timedelta(minutes=settings.SK_LOCKOUT_WINDOW_MINUTES)
    rows = (
        LoginFailure.objects.filter(
            account_key__in=list(keys), created_at__gte=now - timedelta(hours=LOCKOUT_WATCH_HOURS)
        )
        .values("account_key")
        .annotate(
            n=Count("pk"),
            last=Max("created_at"),
            recent=Count("pk", filter=Q(created_at__gte=window)),
        )
        .order_by()
    )
    totals: dict[int, list[Any]] = {}
    for row in rows:
        user_id = keys[row["account_key"]]
        total = totals.setdefault(user_id, [0, row["last"], False])
        total[0] += row["n"]
        total[1] = max(total[1], row["last"])
        is_login_key = row["account_key"] == LoginFailure.user_key(user_id)
        if is_login_key and row["recent"] >= settings.SK_LOCKOUT_ACCOUNT_FAILURES:
            total[2] = True
    result = [
        LockoutRow(
            user_id=user_id,
            name=people[user_id][0],
            username=people[user_id][1],
            village_code=people[user_id][2],
            failures=n,
            last_attempt=last,
            locked=locked,
        )
        for user_id, (n, last, locked) in totals.items()
    ]
    return sorted(result, key=lambda r: r.last_attempt, reverse=True)

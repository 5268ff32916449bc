"""Account reads, scoped to what the actor may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level

from .models import ApiToken, RoleAssignment, User
from .permissions import can_manage_users


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

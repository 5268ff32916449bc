"""Account reads, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound

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

"""A forgotten staff password: reset by someone who knows the person (ADR 0114).

Village offices have no dependable e-mail, so the reset is done face to face: the village head
resets the password of their village's operators, secretaries and treasurers; a regency officer
resets any official's whose roles all lie in their regency. The person gets a one-time password,
shown once, that must be changed at the next login; their open sessions end (the password hash
changes). Every reset is audited with who did it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied

from .models import VILLAGE_STAFF_ROLES, Role, User
from .permissions import scope_codes

RESETTABLE_BY_HEAD = VILLAGE_STAFF_ROLES - {Role.VILLAGE_HEAD}


def _within(code: str, scopes: set[str]) -> bool:
    return any(code == s or code.startswith(s + ".") for s in scopes)


def can_reset_password(actor: Any, target: User) -> bool:
    """Whether ``actor`` may reset ``target``'s password (never their own)."""
    if not getattr(actor, "is_authenticated", False) or actor.pk == target.pk:
        return False
    # role_assignments is prefetched on the staff list (no query per row there)
    grants = [(g.role, g.scope_id) for g in target.role_assignments.all()]
    if not grants or target.is_superuser:
        return False
    regencies = set(scope_codes(actor, {Role.REGENCY_OFFICER}))
    if regencies and all(_within(scope, regencies) for _role, scope in grants):
        return True
    villages = set(scope_codes(actor, {Role.VILLAGE_HEAD}))
    return bool(villages) and all(
        role in RESETTABLE_BY_HEAD and scope in villages for role, scope in grants
    )


def staff_for_reset(*, actor: Any) -> QuerySet[User]:
    """The officials whose password ``actor`` may reset (village heads: their village staff)."""
    villages = set(scope_codes(actor, {Role.VILLAGE_HEAD}))
    regencies = set(scope_codes(actor, {Role.REGENCY_OFFICER}))
    if not villages and not regencies:
        return User.objects.none()
    candidates = (
        User.objects.filter(role_assignments__isnull=False)
        .exclude(pk=actor.pk)
        .distinct()
        .prefetch_related("role_assignments__scope")
        .order_by("username")
    )
    if not regencies:
        candidates = candidates.filter(role_assignments__scope_id__in=villages)
    return candidates


def password_reset_by_official(*, actor: Any, user_id: int) -> tuple[User, str]:
    """Give ``user_id`` a one-time password (returned, to be handed over in person)."""
    target = User.objects.filter(pk=user_id, is_active=True).first()
    if target is not None and getattr(actor, "pk", None) == target.pk:
        raise PermissionDenied(_("Change your own password on your profile page."))
    if target is None or not can_reset_password(actor, target):
        raise NotFound(_("User not found."))
    temporary = secrets.token_urlsafe(9)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=target.pk)
        locked.set_password(temporary)
        locked.must_change_password = True
        locked.save(update_fields=["password", "must_change_password"])
        audit.record(actor, "accounts.password_reset", locked, {"username": locked.username})
    return locked, temporary

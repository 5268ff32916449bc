"""Test helpers every app uses: the permission matrix and the nothing-changed assertion.

Usage::

    @permission_matrix(allowed={"staff_with_role"})
    def test_submit(actor_kind, allowed, matrix_actor, village):
        actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
        call = lambda: budget_submit(actor=actor, budget=budget)
        if allowed:
            call()
        else:
            assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(Budget))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from smartkampung.core.exceptions import DomainError
from smartkampung.regions.models import Level, Region

from .models import ROLE_SCOPE_LEVEL, VILLAGE_STAFF_ROLES, Role, RoleAssignment, User

MATRIX_ACTORS = (
    "anonymous",
    "citizen",
    "other_village_staff",
    "staff_without_role",
    "staff_with_role",
)


def permission_matrix(allowed: Iterable[str]) -> Any:
    """Parametrise a test over every actor kind, with whether it is allowed."""
    allowed_set = set(allowed)
    unknown = allowed_set - set(MATRIX_ACTORS)
    if unknown:
        raise ValueError(f"unknown actor kinds: {unknown}")
    return pytest.mark.parametrize(
        "actor_kind,allowed", [(kind, kind in allowed_set) for kind in MATRIX_ACTORS]
    )


def _scope_for(role: str, village: Region) -> Region:
    level = ROLE_SCOPE_LEVEL[role]
    node = village
    while node.level != level and node.parent is not None:
        node = node.parent
    return node


def _other_village(village: Region) -> Region:
    """A village in another district (so that even a district role does not cover it)."""
    district_code = village.code.rsplit(".", 1)[0]
    other = (
        Region.objects.filter(level=Level.VILLAGE)
        .exclude(code__startswith=district_code + ".")
        .order_by("code")
        .first()
    )
    assert other is not None, "the test database needs villages in two districts"
    return other


def _village_of_another_regency() -> Region:
    regency, _ = Region.objects.get_or_create(
        code="99.01",
        defaults={"name": "Kabupaten Lain", "level": Level.REGENCY, "kind": "kabupaten"},
    )
    district, _ = Region.objects.get_or_create(
        code="99.01.01",
        defaults={
            "name": "Kecamatan Lain",
            "level": Level.DISTRICT,
            "kind": "kecamatan",
            "parent": regency,
        },
    )
    other, _ = Region.objects.get_or_create(
        code="99.01.01.2001",
        defaults={"name": "Desa Lain", "level": Level.VILLAGE, "kind": "desa", "parent": district},
    )
    return other


def build_matrix_actor(
    kind: str, *, village: Region, role: str, other_role: str | None = None
) -> Any:
    """The user of one matrix column.

    - ``staff_with_role``: holds ``role`` on the scope covering ``village``
    - ``staff_without_role``: village staff of ``village`` with ``other_role`` (another role)
    - ``other_village_staff``: holds ``role`` in a village of another district (for a
      regency-wide role: in another regency)
    - ``citizen``: a citizen of ``village``
    """
    if kind == "anonymous":
        return AnonymousUser()
    n = User.objects.count() + 1
    user = User.objects.create_user(username=f"matrix-{kind}-{n}", password="x-matrix-password")
    if kind == "citizen":
        RoleAssignment.objects.create(user=user, role=Role.CITIZEN, scope=village)
    elif kind == "staff_with_role":
        RoleAssignment.objects.create(user=user, role=role, scope=_scope_for(role, village))
    elif kind == "staff_without_role":
        if other_role is None:
            other_role = next(r for r in sorted(VILLAGE_STAFF_ROLES) if r != role)
        RoleAssignment.objects.create(
            user=user, role=other_role, scope=_scope_for(other_role, village)
        )
    elif kind == "other_village_staff":
        if ROLE_SCOPE_LEVEL[role] == Level.REGENCY:
            # Every village lies in our one regency: the same role in another regency.
            other = _village_of_another_regency()
        else:
            other = _other_village(village)
        RoleAssignment.objects.create(user=user, role=role, scope=_scope_for(role, other))
    else:
        raise ValueError(kind)
    return user


@pytest.fixture
def matrix_actor(db: Any) -> Callable[..., Any]:
    return build_matrix_actor


def snapshot_rows(*model_classes: type[models.Model]) -> list[Any]:
    """Every row of the given models, for before/after comparison."""
    return [
        (m._meta.label, list(m._default_manager.order_by("pk").values())) for m in model_classes
    ]


def assert_refused_unchanged(
    call: Callable[[], Any],
    *,
    snapshot: Callable[[], Any],
    errors: tuple[type[BaseException], ...] = (DomainError,),
) -> BaseException:
    """The call must raise one of ``errors`` and leave ``snapshot()`` exactly as it was."""
    before = snapshot()
    with pytest.raises(errors) as info:
        call()
    assert snapshot() == before, "a refused call changed data"
    return info.value


def totp_secret_of(user: User, *, pending: bool | None = None) -> str:
    """The clear TOTP secret of a user (to compute codes in tests): the one being enrolled if
    there is one (or ``pending=True``), else the active one."""
    from smartkampung.core.crypto import decrypt_text

    from .services import TOTP_PURPOSE

    user.refresh_from_db(fields=["totp_secret_encrypted", "totp_pending_secret_encrypted"])
    if pending is None:
        pending = bool(user.totp_pending_secret_encrypted)
    token = user.totp_pending_secret_encrypted if pending else user.totp_secret_encrypted
    return decrypt_text(token, purpose=TOTP_PURPOSE)

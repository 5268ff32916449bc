"""A forgotten staff password, reset by the village head or the regency (ADR 0114)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import REGENCY, SARONGAN
from smartkampung.accounts.models import Role, User
from smartkampung.accounts.recovery import password_reset_by_official
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

OTHER_VILLAGE = "35.10.01.2002"


@pytest.fixture
def operator(make_user: Any) -> User:
    return make_user("op.lupa", roles=[(Role.VILLAGE_OPERATOR, SARONGAN)], full_name="Lupa Sandi")


def _snapshot() -> Any:
    return snapshot_rows(User, AuditEvent)


@permission_matrix(allowed={"staff_with_role"})
def test_reset_permission_matrix(actor_kind, allowed, matrix_actor, village, operator) -> None:
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
    call = lambda: password_reset_by_official(actor=actor, user_id=operator.pk)  # noqa: E731
    if allowed:
        user, temporary = call()
        assert user.check_password(temporary) and user.must_change_password
        event = AuditEvent.objects.get(action="accounts.password_reset")
        assert event.actor_id == actor.pk
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


def test_a_head_cannot_reset_a_head_nor_anyone_with_roles_elsewhere(make_user: Any) -> None:
    head = make_user("kades", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    other_head = make_user("kades2", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    mixed = make_user(
        "op.dua",
        roles=[(Role.VILLAGE_OPERATOR, SARONGAN), (Role.VILLAGE_OPERATOR, OTHER_VILLAGE)],
    )
    officer = make_user("pmd2", roles=[(Role.REGENCY_OFFICER, REGENCY)])
    for target in (other_head, mixed, officer, head):
        assert_refused_unchanged(
            lambda t=target: password_reset_by_official(actor=head, user_id=t.pk),
            snapshot=_snapshot,
        )


def test_the_regency_resets_a_village_head(make_user: Any, regency_officer: User) -> None:
    head = make_user("kades", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    user, temporary = password_reset_by_official(actor=regency_officer, user_id=head.pk)
    assert user.check_password(temporary) and len(temporary) >= 12


def test_the_one_time_password_must_be_changed_at_login(make_user: Any, operator: User) -> None:
    head = make_user("kades", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    _user, temporary = password_reset_by_official(actor=head, user_id=operator.pk)
    client = Client()
    response = client.post("/accounts/login/", {"username": "op.lupa", "password": temporary})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


def test_the_head_resets_from_the_staff_page_after_a_step_up(
    make_user: Any, operator: User
) -> None:
    head = make_user("kades", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    client = Client()
    client.force_login(head)
    page = client.get("/accounts/staff/").content.decode()
    assert "op.lupa" in page and 'data-reset="op.lupa"' in page
    asked = client.post(f"/accounts/staff/{operator.pk}/reset/")
    assert "data-stepup-form" in asked.content.decode()
    operator.refresh_from_db()
    assert not operator.must_change_password  # nothing reset yet
    done = client.post(
        f"/accounts/staff/{operator.pk}/reset/", {"stepup_password": "correct-horse-battery"}
    )
    assert "no-store" in done["Cache-Control"]
    html = done.content.decode()
    start = html.index("data-temporary-password>") + len("data-temporary-password>")
    temporary = html[start : html.index("</code>", start)]
    operator.refresh_from_db()
    assert operator.check_password(temporary) and operator.must_change_password


def test_staff_page_and_reset_are_not_found_for_others(operator: User, make_user: Any) -> None:
    client = Client()
    client.force_login(operator)
    assert client.get("/accounts/staff/").status_code == 404
    other = make_user("op.lain", roles=[(Role.VILLAGE_OPERATOR, SARONGAN)])
    before = _snapshot()
    assert client.post(f"/accounts/staff/{other.pk}/reset/").status_code == 404
    assert _snapshot() == before


def test_the_login_page_says_whom_to_ask(db: Any) -> None:
    client = Client()
    assert "/accounts/password/forgot/" in client.get("/accounts/login/").content.decode()
    page = client.get("/accounts/password/forgot/")
    assert page.status_code == 200 and "Dinas PMD" in page.content.decode()

"""Full views are logged; activation codes; citizens log in with their NIK."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.models import LoginFailure, Role, RoleAssignment
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import NotFound
from smartkampung.population import services
from smartkampung.population.exceptions import PopulationError, ReasonRequired, ReasonTooLong
from smartkampung.population.models import ActivationCode, ResidentViewLog

pytestmark = pytest.mark.django_db
PASSWORD = "kopi-osing-2026"


def test_full_view_is_logged_and_audited(operator, resident) -> None:
    services.resident_full_view(
        actor=operator, resident_id=resident.pk, reason="SKTM untuk 3510011705900001"
    )
    log = ResidentViewLog.objects.get()
    assert log.viewer == operator
    assert log.viewer_role == "village_operator"
    assert log.reason == "SKTM untuk 3510••••••••0001"  # a typed NIK is masked
    assert log.channel == "web"
    event = AuditEvent.objects.get(action="population.resident_view")
    assert "3510011705900001" not in event.data_json
    assert "SKTM untuk 3510••••••••0001" in event.data_json  # the audit trail carries the why


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", ReasonRequired),
        ("   \t\n ", ReasonRequired),
        ("x" * 201, ReasonTooLong),
    ],
)
def test_full_view_without_a_usable_reason_is_refused_and_not_logged(
    operator, resident, reason, error
) -> None:
    before = snapshot_rows(ResidentViewLog, AuditEvent)
    with pytest.raises(error) as raised:
        services.resident_full_view(actor=operator, resident_id=resident.pk, reason=reason)
    assert raised.value.status == 422
    assert snapshot_rows(ResidentViewLog, AuditEvent) == before


def test_full_view_reason_is_kept_whole_up_to_the_limit(operator, resident) -> None:
    reason = "  Surat   domisili " + "y" * 182  # 200 characters once the spaces collapse
    services.resident_full_view(actor=operator, resident_id=resident.pk, reason=reason)
    assert ResidentViewLog.objects.get().reason == "Surat domisili " + "y" * 182


def test_citizen_opening_their_own_record_needs_no_reason(make_user, resident) -> None:
    citizen = make_user(roles=[(Role.CITIZEN, resident.village_id)])
    resident.user = citizen
    resident.save(update_fields=["user"])
    assert services.resident_full_view(actor=citizen, resident_id=resident.pk) == resident
    assert not ResidentViewLog.objects.exists()


def test_full_view_outside_scope_is_404_and_not_logged(make_user, resident, other_village) -> None:
    stranger = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, resident.village_id)])
    for actor in (stranger, treasurer):
        with pytest.raises(NotFound):
            services.resident_full_view(actor=actor, resident_id=resident.pk, reason="cek")
    assert not ResidentViewLog.objects.exists()


def _activate(resident: Any, code: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    return services.citizen_activate(
        nik=resident.nik, code=code, password=password, address=address
    )


@permission_matrix(allowed={"staff_with_role"})
def test_activation_code_permission_matrix(actor_kind, allowed, matrix_actor, village, resident):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)

    def call() -> str:
        return services.activation_code_issue(actor=actor, resident=resident)

    if allowed:
        assert len(call()) == 11
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(ActivationCode))


def test_activation_creates_a_citizen_who_logs_in_with_nik(operator, resident) -> None:
    code = services.activation_code_issue(actor=operator, resident=resident)
    stored = ActivationCode.objects.get()
    assert code.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64
    user = _activate(resident, code.lower().replace("-", " "))  # forgiving about case/spaces
    resident.refresh_from_db()
    assert resident.user == user
    assert resident.nik not in user.username  # the NIK never becomes a label
    assert RoleAssignment.objects.filter(user=user, role=Role.CITIZEN, scope=resident.village)
    assert authenticate(username=resident.nik, password=PASSWORD) == user
    assert authenticate(username=resident.nik, password="wrong-password-123") is None
    # The code is one-time.
    with pytest.raises(PopulationError):
        _activate(resident, code, password="another-pass-2026")
    assert authenticate(username=resident.nik, password=PASSWORD) == user


def test_wrong_expired_or_revoked_codes_are_refused_and_count_as_failures(operator, resident):
    first = services.activation_code_issue(actor=operator, resident=resident)
    second = services.activation_code_issue(actor=operator, resident=resident)
    with pytest.raises(PopulationError):
        _activate(resident, first)  # revoked by the second
    with pytest.raises(PopulationError):
        _activate(resident, "AAAAA-BBBBB")
    ActivationCode.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(PopulationError):
        _activate(resident, second)
    assert LoginFailure.objects.count() == 3
    resident.refresh_from_db()
    assert resident.user is None


def test_guessing_codes_locks_out(operator, resident, settings) -> None:
    settings.SK_LOCKOUT_ACCOUNT_FAILURES = 3
    code = services.activation_code_issue(actor=operator, resident=resident)
    for _ in range(3):
        with pytest.raises(PopulationError):
            _activate(resident, "ZZZZZ-ZZZZZ")
    with pytest.raises(Exception, match="Too many failed attempts"):
        _activate(resident, code)  # even the right code, while locked


def test_weak_password_is_refused_and_code_stays_usable(operator, resident) -> None:
    code = services.activation_code_issue(actor=operator, resident=resident)
    with pytest.raises(PopulationError):
        _activate(resident, code, password="12345678901")
    assert _activate(resident, code).is_active


def test_unknown_nik_gives_the_same_answer(db) -> None:
    with pytest.raises(PopulationError) as info:
        services.citizen_activate(
            nik="3510011705900099", code="AAAAA-BBBBB", password=PASSWORD, address=None
        )
    assert info.value.code == "activation_invalid"


def test_death_switches_the_login_off(operator, resident) -> None:
    code = services.activation_code_issue(actor=operator, resident=resident)
    user = _activate(resident, code)
    services.death_record(actor=operator, resident=resident, occurred_on=date(2025, 3, 3))
    user.refresh_from_db()
    assert not user.is_active
    assert authenticate(username=resident.nik, password=PASSWORD) is None


def test_transfer_moves_the_citizen_role(operator, make_user, resident, neighbour_village) -> None:
    from smartkampung.population.testing import make_kk

    user = _activate(resident, services.activation_code_issue(actor=operator, resident=resident))
    request = services.resident_transfer(
        actor=operator,
        resident=resident,
        to_village=neighbour_village,
        occurred_on=date(2025, 3, 3),
        kk_number=make_kk(),
        rt="1",
        rw="1",
    )
    receiving = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    services.transfer_accept(actor=receiving, transfer=request)
    scopes = set(RoleAssignment.objects.filter(user=user).values_list("scope_id", flat=True))
    assert scopes == {neighbour_village.code}


def test_login_page_accepts_the_nik(operator, resident) -> None:
    _activate(resident, services.activation_code_issue(actor=operator, resident=resident))
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": resident.nik, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert client.get("/population/me/").status_code == 200

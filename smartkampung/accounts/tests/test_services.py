from __future__ import annotations

import time

import pyotp
import pytest
from django.test import RequestFactory, override_settings

from conftest import KEC_PESANGGARAN, REGENCY, SARONGAN
from smartkampung.accounts import services
from smartkampung.accounts.exceptions import AccountError, LockedOut, LoginRefused
from smartkampung.accounts.models import ApiToken, LoginFailure, Role, RoleAssignment, User
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
    totp_secret_of,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import DomainError, PermissionDenied
from smartkampung.regions.models import Region

pytestmark = pytest.mark.django_db


def _request(address: str = "10.0.0.1"):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)


# --- role grants ------------------------------------------------------------------------------


@permission_matrix(allowed={"staff_with_role"})
def test_role_grant_permission_matrix(actor_kind, allowed, matrix_actor, village, make_user):
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)
    subject = make_user("subject")

    def call():
        return services.role_grant(
            actor=actor, user=subject, role=Role.VILLAGE_OPERATOR, scope=village
        )

    if allowed:
        grant = call()
        assert grant.scope_id == SARONGAN
        assert AuditEvent.objects.filter(action="accounts.role_grant").exists()
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(RoleAssignment, AuditEvent))


def test_role_must_be_granted_on_its_level(regency_officer, make_user):
    subject = make_user("subject")
    district = Region.objects.get(code=KEC_PESANGGARAN)
    with pytest.raises(AccountError) as info:
        services.role_grant(
            actor=regency_officer, user=subject, role=Role.VILLAGE_HEAD, scope=district
        )
    assert info.value.code == "wrong_scope_level"
    assert not RoleAssignment.objects.filter(user=subject).exists()


def test_duplicate_grant_is_refused_and_nothing_changes(regency_officer, make_user, village):
    subject = make_user("subject", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    assert_refused_unchanged(
        lambda: services.role_grant(
            actor=regency_officer, user=subject, role=Role.VILLAGE_HEAD, scope=village
        ),
        snapshot=lambda: snapshot_rows(RoleAssignment, AuditEvent),
    )


def test_revoke_outside_scope_is_not_found(make_user, village):
    officer_elsewhere = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    subject = make_user("subject", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    grant = RoleAssignment.objects.get(user=subject)
    assert_refused_unchanged(
        lambda: services.role_revoke(actor=officer_elsewhere, assignment_id=grant.pk),
        snapshot=lambda: snapshot_rows(RoleAssignment),
    )


def test_user_create_needs_regency_officer(operator):
    assert_refused_unchanged(
        lambda: services.user_create(actor=operator, username="x", password="long-password-1"),
        snapshot=lambda: snapshot_rows(User),
        errors=(PermissionDenied,),
    )


def test_user_create_hashes_with_argon2(regency_officer):
    user = services.user_create(
        actor=regency_officer, username="newbie", password="a-long-enough-pass"
    )
    assert user.password.startswith("argon2$argon2id$")


def test_user_create_refuses_weak_password(regency_officer):
    assert_refused_unchanged(
        lambda: services.user_create(actor=regency_officer, username="weak", password="12345678"),
        snapshot=lambda: snapshot_rows(User),
    )


# --- login and lockout ------------------------------------------------------------------------


def test_login_succeeds_and_is_audited(operator):
    user = services.login_authenticate(
        request=_request(), username="op.sarongan", password="correct-horse-battery"
    )
    assert user == operator
    assert AuditEvent.objects.filter(action="accounts.login", actor=operator).exists()


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3)
def test_account_locks_after_repeated_failures_even_with_right_password(operator):
    for i in range(3):
        with pytest.raises(LoginRefused):
            services.login_authenticate(
                request=_request(f"10.0.0.{i}"), username="op.sarongan", password="wrong"
            )
    with pytest.raises(LockedOut):
        services.login_authenticate(
            request=_request("10.9.9.9"), username="op.sarongan", password="correct-horse-battery"
        )


@override_settings(SK_LOCKOUT_ADDRESS_FAILURES=4, SK_LOCKOUT_ACCOUNT_FAILURES=100)
def test_address_locks_after_failures_across_accounts(operator):
    for i in range(4):
        with pytest.raises(LoginRefused):
            services.login_authenticate(
                request=_request("10.1.1.1"), username=f"nobody{i}", password="wrong"
            )
    with pytest.raises(LockedOut):
        services.login_authenticate(
            request=_request("10.1.1.1"), username="op.sarongan", password="correct-horse-battery"
        )
    # Another address is not affected.
    services.login_authenticate(
        request=_request("10.2.2.2"), username="op.sarongan", password="correct-horse-battery"
    )


def test_failed_login_of_a_nik_is_not_stored_in_clear():
    nik = "3510014507900003"
    with pytest.raises(LoginRefused):
        services.login_authenticate(request=_request(), username=nik, password="wrong")
    failure = LoginFailure.objects.get()
    assert nik not in failure.account_key
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert nik not in event.data_json


@override_settings(SK_TRUSTED_PROXIES=1)
def test_client_address_from_trusted_proxy():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert services.client_address(request) == "203.0.113.9"


def test_forwarded_header_ignored_without_trusted_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert services.client_address(request) == "10.0.0.1"


# --- two-factor -------------------------------------------------------------------------------


def test_totp_setup_and_login(operator):
    uri = services.totp_begin(actor=operator, password="correct-horse-battery")
    assert uri.startswith("otpauth://totp/")
    secret = totp_secret_of(operator)
    assert secret not in operator.totp_secret_encrypted  # encrypted at rest
    services.totp_confirm(actor=operator, code=pyotp.TOTP(secret).now())
    operator.refresh_from_db()
    assert operator.totp_enabled
    with pytest.raises(AccountError) as info:
        services.login_authenticate(
            request=_request(), username="op.sarongan", password="correct-horse-battery"
        )
    assert info.value.code == "totp_required"
    with pytest.raises(LoginRefused):
        services.login_authenticate(
            request=_request(),
            username="op.sarongan",
            password="correct-horse-battery",
            totp_code="000000",
        )
    # Next time step, so the code has not been used by the confirmation above.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    user = services.login_authenticate(
        request=_request(),
        username="op.sarongan",
        password="correct-horse-battery",
        totp_code=code,
    )
    assert user == operator
    # The same code cannot be replayed.
    with pytest.raises(LoginRefused):
        services.login_authenticate(
            request=_request(),
            username="op.sarongan",
            password="correct-horse-battery",
            totp_code=code,
        )


def test_totp_disable_needs_password(operator):
    services.totp_begin(actor=operator, password="correct-horse-battery")
    services.totp_confirm(actor=operator, code=pyotp.TOTP(totp_secret_of(operator)).now())
    with pytest.raises(AccountError):
        services.totp_disable(actor=operator, password="wrong")
    operator.refresh_from_db()
    assert operator.totp_enabled


# --- API tokens -------------------------------------------------------------------------------


def test_token_is_stored_hashed_and_authenticates(operator):
    token, secret = services.api_token_create(actor=operator, name="field app")
    assert secret not in token.key_hash
    assert services.api_token_authenticate(secret) == operator
    services.api_token_revoke(actor=operator, token_id=token.pk)
    assert services.api_token_authenticate(secret) is None


def test_expired_token_does_not_authenticate(operator):
    token, secret = services.api_token_create(actor=operator, name="old", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at)
    assert services.api_token_authenticate(secret) is None


def test_cannot_revoke_someone_elses_token(operator, make_user):
    other = make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)])
    token, _ = services.api_token_create(actor=operator, name="mine")
    assert_refused_unchanged(
        lambda: services.api_token_revoke(actor=other, token_id=token.pk),
        snapshot=lambda: snapshot_rows(ApiToken),
    )


@pytest.mark.parametrize("name,days", [("", None), ("x" * 81, None), ("ok", 0), ("ok", 99999)])
def test_bad_token_requests_are_refused(operator, name, days):
    assert_refused_unchanged(
        lambda: services.api_token_create(actor=operator, name=name, expires_in_days=days),
        snapshot=lambda: snapshot_rows(ApiToken),
        errors=(DomainError,),
    )


@pytest.mark.parametrize("secret", ["", "skt_nope", "Bearer x", "skt_" + "a" * 500])
def test_garbage_tokens_do_not_authenticate(secret):
    assert services.api_token_authenticate(secret) is None

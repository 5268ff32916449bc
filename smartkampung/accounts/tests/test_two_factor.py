"""Two-factor re-enrolment: it needs the password, and the current factor stays in force
until the new one is confirmed (starting an enrolment used to switch two-factor login off)."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client, RequestFactory

from smartkampung.accounts import services
from smartkampung.accounts.exceptions import AccountError, LoginRefused
from smartkampung.accounts.models import User
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows, totp_secret_of
from smartkampung.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _request():
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.1")


def _enrolled(user: User) -> str:
    services.totp_begin(actor=user, password=PASSWORD)
    secret = totp_secret_of(user, pending=True)
    services.totp_confirm(actor=user, code=pyotp.TOTP(secret).now())
    user.refresh_from_db()
    return secret


def _login(user: User, code: str) -> User:
    return services.login_authenticate(
        request=_request(), username=user.username, password=PASSWORD, totp_code=code
    )


def _snapshot():
    return snapshot_rows(User, AuditEvent)


@pytest.mark.parametrize("password", ["", "wrong-password"])
def test_starting_an_enrolment_needs_the_password(operator, password):
    _enrolled(operator)
    error = assert_refused_unchanged(
        lambda: services.totp_begin(actor=operator, password=password), snapshot=_snapshot
    )
    assert error.code == "invalid_credentials"
    operator.refresh_from_db()
    assert operator.totp_enabled and not operator.totp_pending_secret_encrypted


def test_the_old_factor_stays_until_the_new_one_is_confirmed(operator):
    old = _enrolled(operator)
    services.totp_begin(actor=operator, password=PASSWORD)
    operator.refresh_from_db()
    assert operator.totp_enabled  # still on
    new = totp_secret_of(operator, pending=True)
    assert new != old
    # The old app still logs in; a code of the unconfirmed new app does not.
    with pytest.raises(LoginRefused):
        _login(operator, pyotp.TOTP(new).at(time.time() + 30))
    assert _login(operator, pyotp.TOTP(old).at(time.time() + 30)) == operator
    # A wrong confirmation changes nothing.
    with pytest.raises(AccountError):
        services.totp_confirm(actor=operator, code="000000")
    operator.refresh_from_db()
    assert totp_secret_of(operator, pending=False) == old
    # Confirmed: the new app logs in, the old one no longer does.
    services.totp_confirm(actor=operator, code=pyotp.TOTP(new).now())
    operator.refresh_from_db()
    assert operator.totp_enabled and not operator.totp_pending_secret_encrypted
    later = time.time() + 30
    with pytest.raises(LoginRefused):
        _login(operator, pyotp.TOTP(old).at(later))
    assert _login(operator, pyotp.TOTP(new).at(later)) == operator
    actions = list(
        AuditEvent.objects.filter(action__startswith="accounts.totp").values_list(
            "action", flat=True
        )
    )
    assert actions.count("accounts.totp_begin") == 2 and actions.count("accounts.totp_enable") == 2


def test_confirm_without_an_enrolment_is_refused(operator):
    error = assert_refused_unchanged(
        lambda: services.totp_confirm(actor=operator, code="123456"), snapshot=_snapshot
    )
    assert error.code == "totp_invalid"


def test_the_page_asks_for_the_password_and_keeps_the_factor(operator):
    _enrolled(operator)
    client = Client()
    client.force_login(operator)
    page = client.post("/accounts/2fa/", {"action": "begin", "password": "wrong"})
    assert page.status_code == 200
    operator.refresh_from_db()
    assert operator.totp_enabled and not operator.totp_pending_secret_encrypted
    page = client.post("/accounts/2fa/", {"action": "begin", "password": PASSWORD})
    assert b"<svg" in page.content
    operator.refresh_from_db()
    assert operator.totp_enabled and operator.totp_pending_secret_encrypted

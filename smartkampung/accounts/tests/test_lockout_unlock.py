"""Lockout as a weapon (ADR 0065): the lock stays, but its owner lifts it with their second
factor, and the village head sees who is being locked out in the village."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.test import Client, RequestFactory, override_settings

from conftest import PESANGGARAN, SARONGAN
from smartkampung.accounts import selectors, services
from smartkampung.accounts.apps import AccountsConfig
from smartkampung.accounts.exceptions import LockedOut, LoginRefused
from smartkampung.accounts.models import LoginFailure, Role, User
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows, totp_secret_of
from smartkampung.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
GUESS = "Tebakan-Salah-77"


def _request(address: str = "10.0.0.1") -> Any:
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)


def _enrol(user: User) -> pyotp.TOTP:
    services.totp_begin(actor=user, password=PASSWORD)
    totp = pyotp.TOTP(totp_secret_of(user, pending=True))
    services.totp_confirm(actor=user, code=totp.now())
    User.objects.filter(pk=user.pk).update(totp_last_step=0)  # as if a minute had passed
    user.refresh_from_db()
    return totp


def _lock(username: str, times: int = 3, address: str = "10.0.0.9") -> None:
    for _ in range(times):
        with pytest.raises((LoginRefused, LockedOut)):
            services.login_check_password(
                request=_request(address), username=username, password=GUESS
            )


def _password_login(username: str, address: str = "10.0.0.1", **extra: Any) -> User:
    return services.login_check_password(
        request=_request(address), username=username, password=PASSWORD, **extra
    )


def _snapshot() -> Any:
    return snapshot_rows(User, LoginFailure)


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3)
def test_the_authenticator_code_lifts_the_lock_but_does_not_log_in(operator) -> None:
    totp = _enrol(operator)
    _lock("op.sarongan")
    with pytest.raises(LockedOut):
        _password_login("op.sarongan")
    user = services.lockout_unlock(request=_request(), username="op.sarongan", code=totp.now())
    assert user == operator
    assert not LoginFailure.objects.filter(account_key=LoginFailure.user_key(operator.pk)).exists()
    assert AuditEvent.objects.filter(action="accounts.lockout_unlocked", actor_id=operator.pk)
    # The password is still needed: a wrong one is refused and counted again.
    with pytest.raises(LoginRefused):
        services.login_check_password(request=_request(), username="op.sarongan", password="x")
    assert _password_login("op.sarongan") == operator
    # A code once used does not unlock twice.
    _lock("op.sarongan")
    with pytest.raises(LoginRefused):
        services.lockout_unlock(request=_request(), username="op.sarongan", code=totp.now())


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3)
@pytest.mark.parametrize("code", ["000000", "", "12345x", "9" * 10])
def test_a_wrong_code_changes_nothing_but_its_own_count(operator, code) -> None:
    _enrol(operator)
    _lock("op.sarongan")
    locks = list(LoginFailure.objects.filter(account_key=LoginFailure.user_key(operator.pk)))
    with pytest.raises(LoginRefused):
        services.lockout_unlock(request=_request(), username="op.sarongan", code=code)
    assert (
        list(LoginFailure.objects.filter(account_key=LoginFailure.user_key(operator.pk))) == locks
    )
    assert (
        LoginFailure.objects.filter(account_key=LoginFailure.unlock_key(operator.pk)).count() == 1
    )
    assert AuditEvent.objects.filter(action="accounts.lockout_unlock_failed").count() == 1
    with pytest.raises(LockedOut):
        _password_login("op.sarongan")


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3)
def test_wrong_codes_are_limited_even_for_the_right_one_after(operator) -> None:
    totp = _enrol(operator)
    _lock("op.sarongan")
    for _ in range(3):
        with pytest.raises(LoginRefused):
            services.lockout_unlock(request=_request(), username="op.sarongan", code="000000")
    before = _snapshot()
    with pytest.raises(LockedOut):
        services.lockout_unlock(request=_request(), username="op.sarongan", code=totp.now())
    assert _snapshot() == before


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3)
def test_no_authenticator_or_no_account_gets_the_same_answer(operator, make_user) -> None:
    _lock("op.sarongan")
    messages = set()
    for name in ("op.sarongan", "nobody.here"):
        error = assert_refused_unchanged(
            lambda name=name: services.lockout_unlock(
                request=_request(), username=name, code="123456"
            ),
            snapshot=lambda: snapshot_rows(User),
            errors=(LoginRefused,),
        )
        messages.add((error.code, error.message))
    assert len(messages) == 1
    with pytest.raises(LockedOut):
        _password_login("op.sarongan")


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3, SK_LOCKOUT_ADDRESS_FAILURES=4)
def test_an_unlocked_user_is_not_held_by_the_shared_address(operator, make_user) -> None:
    colleague = make_user("sekdes", roles=[(Role.VILLAGE_SECRETARY, SARONGAN)], password=PASSWORD)
    totp = _enrol(operator)
    office = "10.9.9.9"
    for name in ("a", "b", "c", "d"):  # someone in the office (or its NAT) fills the address
        _lock(name, times=1, address=office)
    with pytest.raises(LockedOut):
        _password_login("op.sarongan", address=office)
    services.lockout_unlock(request=_request(office), username="op.sarongan", code=totp.now())
    assert _password_login("op.sarongan", address=office, unlocked_user_id=operator.pk)
    # The exemption is the unlocked account's only.
    with pytest.raises(LockedOut):
        _password_login(colleague.username, address=office, unlocked_user_id=operator.pk)


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=2)
def test_login_page_offers_the_unlock_and_it_works(operator) -> None:
    totp = _enrol(operator)
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "op.sarongan", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "op.sarongan", "password": PASSWORD})
    html = locked.content.decode()
    assert locked.status_code == 400
    assert "Buka kunci dengan kode autentikator Anda" in html
    assert 'name="unlock-code"' in html and PASSWORD not in html
    # Offered for an unknown name too, so the page tells nothing about the account.
    client2 = Client()
    for _ in range(2):
        client2.post("/accounts/login/", {"username": "ghost", "password": "x"})
    assert (
        'name="unlock-code"'
        in client2.post("/accounts/login/", {"username": "ghost", "password": "x"}).content.decode()
    )
    wrong = client.post(
        "/accounts/login/unlock/", {"unlock-username": "op.sarongan", "unlock-code": "000000"}
    )
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    unlocked = client.post(
        "/accounts/login/unlock/", {"unlock-username": "op.sarongan", "unlock-code": totp.now()}
    )
    assert unlocked.status_code == 302 and "_auth_user_id" not in client.session
    response = client.post("/accounts/login/", {"username": "op.sarongan", "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/login/2fa/" in response["Location"]
    next_code = totp.at(time.time() + 30)
    assert client.post("/accounts/login/2fa/", {"code": next_code}).status_code == 302
    assert "_auth_user_id" in client.session


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=2)
def test_the_unlock_offer_in_english(operator) -> None:
    client = Client()
    client.cookies["sk_language"] = "en"
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "op.sarongan", "password": "x"})
    assert "Unlock with your authenticator code" in response.content.decode()


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=3)
def test_the_village_head_sees_who_is_being_locked_out(operator, make_user) -> None:
    head = make_user("kades", roles=[(Role.VILLAGE_HEAD, SARONGAN)])
    other_head = make_user("kades.lain", roles=[(Role.VILLAGE_HEAD, PESANGGARAN)])
    citizen = make_user("warga.x", roles=[(Role.CITIZEN, SARONGAN)])
    _lock("op.sarongan", times=4)
    _lock(citizen.username, times=2)
    _lock("nobody", times=2)
    rows = selectors.lockout_watch_list(actor=head)
    assert [(r.username, r.failures, r.locked) for r in rows] == [("op.sarongan", 3, True)]
    assert rows[0].last_attempt is not None
    assert selectors.lockout_watch_list(actor=other_head) == []
    assert selectors.lockout_watch_list(actor=operator) == []

    section = {s.key: s for s in _config().inbox_sections(head)}
    lockouts = section["accounts.lockouts"]
    assert lockouts.count == 1 and lockouts.tone == "urgent"
    assert "3 failed attempts" in lockouts.items[0].note
    assert _config().inbox_sections(operator) == []

    page = Client()
    page.force_login(head)
    html = page.get("/accounts/lockouts/").content.decode()
    assert "op.sarongan" in html and "Ya" in html and GUESS not in html
    assert citizen.username not in html
    nosy = Client()
    nosy.force_login(operator)
    assert nosy.get("/accounts/lockouts/").status_code == 404
    # After a successful login the list empties.
    services.login_succeeded(user=operator)
    assert selectors.lockout_watch_list(actor=head) == []


def _config() -> AccountsConfig:
    from django.apps import apps

    config = apps.get_app_config("accounts")
    assert isinstance(config, AccountsConfig)
    return config

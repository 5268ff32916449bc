from __future__ import annotations

import re

import pyotp
import pytest
from django.test import Client, override_settings

from smartkampung.accounts import services
from smartkampung.accounts.models import ApiToken, Role, RoleAssignment
from smartkampung.accounts.testing import totp_secret_of

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_login_page_renders_in_indonesian_by_default():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html


def test_login_and_logout(operator):
    client = Client()
    response = _login(client, "op.sarongan", "correct-horse-battery")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # logout is POST only
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_shows_error_and_keeps_user_out(operator):
    client = Client()
    response = _login(client, "op.sarongan", "wrong")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@override_settings(SK_LOCKOUT_ACCOUNT_FAILURES=2)
def test_lockout_message_after_failures(operator):
    client = Client()
    _login(client, "op.sarongan", "wrong")
    _login(client, "op.sarongan", "wrong")
    response = _login(client, "op.sarongan", "correct-horse-battery")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_open_redirect_is_ignored(operator):
    response = Client().post(
        "/accounts/login/",
        {
            "username": "op.sarongan",
            "password": "correct-horse-battery",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_two_factor_login_flow(operator):
    services.totp_begin(actor=operator, password="correct-horse-battery")
    secret = totp_secret_of(operator)
    services.totp_confirm(actor=operator, code=pyotp.TOTP(secret).now())
    client = Client()
    response = _login(client, "op.sarongan", "correct-horse-battery")
    assert response.status_code == 302
    assert "/accounts/login/2fa/" in response["Location"]
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/login/2fa/", {"code": "123456"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    import time

    code = pyotp.TOTP(secret).at(time.time() + 30)
    ok = client.post("/accounts/login/2fa/", {"code": code})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)


def test_csrf_is_enforced_on_login(operator):
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "op.sarongan", "correct-horse-battery")
    assert response.status_code == 403


def test_security_headers(operator):
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_password_change(operator, login_client):
    client = login_client(operator)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password": "a-brand-new-secret",
            "new_password_again": "a-brand-new-secret",
        },
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password("a-brand-new-secret")


def test_token_page_shows_secret_once(operator, login_client):
    client = login_client(operator)
    response = client.post("/accounts/tokens/", {"action": "create", "name": "hp lapangan"})
    secret = re.search(r"skt_[\w-]+", response.content.decode())
    assert secret
    assert ApiToken.objects.filter(user=operator).count() == 1
    again = client.get("/accounts/tokens/").content.decode()
    assert secret.group(0) not in again


def test_user_management_is_for_regency_officers(operator, regency_officer, login_client):
    assert login_client(operator).get("/accounts/users/").status_code == 404
    client = login_client(regency_officer)
    assert client.get("/accounts/users/").status_code == 200
    response = client.post(
        "/accounts/users/new/",
        {"username": "baru", "full_name": "Operator Baru", "password": "long-enough-pass-1"},
    )
    assert response.status_code == 302
    user_id = int(response["Location"].rstrip("/").split("/")[-1])
    response = client.post(
        f"/accounts/users/{user_id}/",
        {"action": "grant", "role": Role.VILLAGE_OPERATOR, "scope": "35.10.01.2001"},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user_id=user_id, role=Role.VILLAGE_OPERATOR).exists()


def test_navigation_shows_each_role_only_what_it_may_use(operator, regency_officer, login_client):
    operator_html = login_client(operator).get("/").content.decode()
    officer_html = login_client(regency_officer).get("/").content.decode()
    assert "/accounts/users/" not in operator_html
    assert "/audit/" not in operator_html
    assert "/accounts/users/" in officer_html
    assert "/audit/" in officer_html

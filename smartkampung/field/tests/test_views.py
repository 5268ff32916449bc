"""Field pages: the shell (kept offline, no personal data), service worker, manifest, the
connect page and the device sessions page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from smartkampung.accounts.models import User
from smartkampung.audit.models import AuditEvent
from smartkampung.field.models import DeviceSession
from smartkampung.field.services import devices

pytestmark = pytest.mark.django_db


def test_the_shell_is_the_same_for_everyone_and_holds_no_personal_data(
    client: Client, operator: User
) -> None:
    anonymous = client.get("/field/").content
    client.force_login(operator)
    logged_in = client.get("/field/").content
    strip = lambda html: re.sub(rb"csrf[^\"]*\"[^\"]*\"", b"", html)  # noqa: E731
    assert strip(anonymous) == strip(logged_in)
    assert b"csrfmiddlewaretoken" not in logged_in and operator.username.encode() not in logged_in
    assert b'type="module"' in logged_in


def test_the_service_worker_keeps_the_versioned_shell_only(client: Client) -> None:
    response = client.get("/field/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    body = response.content.decode()
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', body)
    shell = json.loads(re.search(r"const SHELL = (\[.*\]);", body).group(1))  # type: ignore[union-attr]
    assert version
    assert "/field/" in shell and "/static/field/app.js" in shell
    assert not any(url.startswith("/api/") for url in shell)
    assert not any(url.startswith(("/field/connect", "/field/devices")) for url in shell)


def test_the_service_worker_version_follows_the_shell(client: Client, settings: Any) -> None:
    first = client.get("/field/sw.js").content
    english = client.get("/field/sw.js", HTTP_COOKIE="sk_language=en").content
    assert first.split(b"\n")[0] != english.split(b"\n")[0]


def test_the_manifest_installs_the_app(client: Client) -> None:
    data = client.get("/field/manifest.webmanifest").json()
    assert data["start_url"] == "/field/" and data["scope"] == "/field/"
    assert data["display"] == "standalone" and data["icons"]


def test_connecting_a_device_hands_the_token_once(client: Client, operator: User) -> None:
    assert client.get("/field/connect/").status_code == 302  # login first
    client.force_login(operator)
    page = client.get("/field/connect/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    response = client.post("/field/connect/", {"name": "HP Samsung"})
    assert response["Cache-Control"] == "no-store"
    token = re.search(rb'data-token="(skd_[^"]+)"', response.content)
    assert token
    assert devices.device_session_authenticate(token.group(1).decode()) is not None
    assert DeviceSession.objects.get().name == "HP Samsung"


def test_connecting_without_a_name_changes_nothing(client: Client, operator: User) -> None:
    client.force_login(operator)
    response = client.post("/field/connect/", {"name": ""})
    assert response.status_code == 200 and b"data-token" not in response.content
    assert DeviceSession.objects.count() == 0


def test_a_citizen_is_told_the_app_is_for_field_staff(
    client: Client, make_user: Any, village: Any
) -> None:
    from smartkampung.accounts.models import Role

    client.force_login(make_user("warga", roles=[(Role.CITIZEN, village.code)]))
    client.post("/field/connect/", {"name": "HP"})
    assert DeviceSession.objects.count() == 0


def test_the_village_head_revokes_a_device_on_the_devices_page(
    client: Client, operator: User, head: User, make_user: Any, other_village: Any
) -> None:
    from smartkampung.accounts.models import Role

    device, secret = devices.device_session_create(actor=operator, name="HP operator")
    elsewhere = make_user("op.sukorejo", roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    foreign, _ = devices.device_session_create(actor=elsewhere, name="HP Sukorejo")
    client.force_login(head)
    page = client.get("/field/devices/").content.decode()
    assert "HP operator" in page and "HP Sukorejo" not in page
    response = client.post(f"/field/devices/{device.pk}/revoke/")
    assert response.status_code == 302
    assert devices.device_session_authenticate(secret) is None
    # A device outside the head's village answers 404 and stays.
    assert client.post(f"/field/devices/{foreign.pk}/revoke/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    assert AuditEvent.objects.filter(action="field.device_revoke").count() == 1

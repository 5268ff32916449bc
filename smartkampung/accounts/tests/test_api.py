from __future__ import annotations

import pytest
from django.test import Client

from smartkampung.accounts import services

pytestmark = pytest.mark.django_db


def test_me_needs_authentication():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_me_with_token(operator):
    _, secret = services.api_token_create(actor=operator, name="t")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "op.sarongan"
    assert body["roles"] == [
        {"role": "village_operator", "scope": "35.10.01.2001", "scope_name": "Sarongan"}
    ]


def test_token_lifecycle_over_api(operator):
    _, secret = services.api_token_create(actor=operator, name="bootstrap")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    created = client.post(
        "/api/v1/tokens",
        {"name": "second", "expires_in_days": 30},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    assert created.json()["token"].startswith("skt_")
    assert len(client.get("/api/v1/tokens", **auth).json()) == 2
    assert client.delete(f"/api/v1/tokens/{new_id}", **auth).status_code == 204
    assert client.delete(f"/api/v1/tokens/{new_id}", **auth).status_code == 404


@pytest.mark.parametrize(
    "body",
    ['{"name": ""}', '{"name": "x", "expires_in_days": -1}', "not json", '{"name": 5}', "[]"],
)
def test_bad_token_bodies_are_4xx_json(operator, body):
    _, secret = services.api_token_create(actor=operator, name="bootstrap")
    response = Client().post(
        "/api/v1/tokens",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "message"}


def test_session_api_calls_need_csrf(operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_openapi_document_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/regions/" in response.json()["paths"]

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import KEC_BANGOREJO, KEC_PESANGGARAN, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_operator_sees_own_village_page(operator, login_client) -> None:
    response = login_client(operator).get(f"/villages/{SARONGAN}/")
    assert response.status_code == 200
    assert "Sarongan" in response.content.decode()


def test_operator_gets_404_for_another_village(operator, login_client) -> None:
    assert login_client(operator).get(f"/villages/{SUKOREJO}/").status_code == 404


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(f"/villages/{SARONGAN}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_district_officer_sees_own_villages_only(make_user, login_client) -> None:
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    client = login_client(camat)
    assert client.get(f"/villages/{SARONGAN}/").status_code == 200
    assert client.get(f"/villages/{SUKOREJO}/").status_code == 404
    assert client.get(f"/regions/{KEC_PESANGGARAN}/").status_code == 200
    assert client.get(f"/regions/{KEC_BANGOREJO}/").status_code == 404


def test_map_page_configures_our_geojson_and_scopes(operator, login_client) -> None:
    response = login_client(operator).get("/map/")
    assert response.status_code == 200
    config = json.loads(response.context["map_config"])
    assert config["geojson"].startswith("/api/v1/regions/35.10/boundaries.geojson")
    assert config["scopes"] == [SARONGAN]


def test_unknown_village_is_404(operator, login_client) -> None:
    assert login_client(operator).get("/villages/99.99.99.9999/").status_code == 404

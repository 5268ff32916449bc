"""The probe's out-of-range inputs, each a 4xx with the API's error body (they were 500s),
and every /api/v1/ answer JSON — non-integer ids and unknown paths included."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = str(2**64 + 1)


@pytest.fixture
def officer(regency_officer: Any) -> Client:
    secret = api_token_create(actor=regency_officer, name="probe")[1]
    return Client(raise_request_exception=True, HTTP_AUTHORIZATION=f"Bearer {secret}")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] and body["message"]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/?year=10000",
        "/api/v1/projects/export.geojson?year=10000",
        "/api/v1/letters/overview?year=10000",
        "/api/v1/letters/overview?year=-1",
        "/api/v1/dashboards/?year=99999",
        "/api/v1/budgets/?year=10000",
    ],
)
def test_years_outside_the_window_are_422(officer: Any, url: Any) -> None:
    assert _error(officer.get(url), 422)["code"] == "invalid_input"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/projects/?offset={BEYOND_64_BITS}",
        f"/api/v1/projects/flags/?offset={BEYOND_64_BITS}",
        "/api/v1/projects/?limit=100000",
        "/api/v1/projects/flags/?limit=0",
        "/api/v1/projects/?offset=-1",
    ],
)
def test_offsets_and_limits_are_bounded_in_the_schema(officer: Any, url: Any) -> None:
    assert _error(officer.get(url), 422)["code"] == "invalid_input"


def test_a_year_in_the_window_still_works(officer: Any) -> None:
    assert officer.get("/api/v1/projects/?year=2025").status_code == 200
    assert officer.get("/api/v1/letters/overview?year=2025").status_code == 200


def test_the_letters_overview_page_ignores_an_impossible_year(regency_officer: Any) -> None:
    client = Client(raise_request_exception=True)
    client.force_login(regency_officer)
    assert client.get("/letters/overview/?year=10000").status_code == 200
    assert client.get("/projects/?year=10000").status_code == 200
    assert client.get("/projects/map.geojson?year=10000").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/budgets/abc",
        "/api/v1/budgets/1/activities/null",
        "/api/v1/projects/flags/x",
        "/api/v1/no/such/operation",
        "/api/v1/",
    ],
)
def test_every_api_answer_is_json_even_for_non_integer_ids(officer: Any, url: Any) -> None:
    response = officer.get(url)
    assert response.status_code in (404, 422)
    _error(response, response.status_code)


def test_a_non_integer_id_in_a_delete_is_json_not_a_csrf_page(make_user: Any, village: Any) -> None:
    user = make_user(roles=[(Role.VILLAGE_OPERATOR, village.code)])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)  # a browser session, no CSRF token
    response = client.delete("/api/v1/budgets/1/items/true")
    _error(response, 404)


def test_an_id_beyond_64_bits_is_a_4xx(officer: Any) -> None:
    response = officer.get(f"/api/v1/letters/requests/{BEYOND_64_BITS}")
    assert 400 <= response.status_code < 500
    _error(response, response.status_code)


def test_a_path_without_its_slash_is_still_redirected(officer: Any) -> None:
    response = officer.get("/api/v1/regions")
    assert response.status_code == 301 and response["Location"].endswith("/api/v1/regions/")


def test_a_nul_character_is_never_a_server_error(officer: Any) -> None:
    """PostgreSQL refuses NUL in text: the probe's generated names made that a 500."""
    response = officer.post(
        "/api/v1/tokens", {"name": "field\x00app"}, content_type="application/json"
    )
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")

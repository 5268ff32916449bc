"""Who sees the dashboard: regency officers and inspectors the regency, kecamatan officers
their kecamatan only; village staff and citizens get 404; anonymous visitors log in first."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from conftest import KEC_BANGOREJO, KEC_PESANGGARAN, REGENCY, SARONGAN
from smartkampung.accounts.models import Role
from smartkampung.dashboards.permissions import can_view_dashboard

PAGES = [
    "/dashboards/",
    "/dashboards/tables/rollout-villages/",
    "/dashboards/tables/ceilings/?format=csv",
    "/dashboards/map.json",
    "/api/v1/dashboards/",
    "/api/v1/dashboards/tables/budget-villages",
]
VILLAGE_ROLES = [
    Role.CITIZEN,
    Role.VILLAGE_OPERATOR,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_TREASURER,
    Role.VILLAGE_HEAD,
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", VILLAGE_ROLES)
def test_village_staff_and_citizens_get_404(
    url: str, role: str, make_user: Any, login_client: Any
) -> None:
    client = login_client(make_user(roles=[(role, SARONGAN)]))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES[:4])
def test_anonymous_visitors_are_asked_to_log_in(url: str, client: Any, db: Any) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_api_call_is_refused(client: Any, db: Any) -> None:
    assert client.get("/api/v1/dashboards/").status_code == 401


@pytest.mark.parametrize("role", [Role.REGENCY_OFFICER, Role.INSPECTOR])
def test_regency_roles_see_the_regency_and_every_kecamatan(
    role: str, make_user: Any, login_client: Any
) -> None:
    client = login_client(make_user(roles=[(role, REGENCY)]))
    assert client.get("/dashboards/").status_code == 200
    assert client.get(f"/dashboards/?region={KEC_BANGOREJO}").status_code == 200
    assert client.get(f"/api/v1/dashboards/?region={KEC_PESANGGARAN}").status_code == 200


def test_a_kecamatan_officer_sees_only_the_villages_of_their_kecamatan(
    make_user: Any, login_client: Any
) -> None:
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    client = login_client(camat)

    page = client.get("/dashboards/")
    assert page.status_code == 200
    assert page.context["data"].region.code == KEC_PESANGGARAN
    assert {v.code[:8] for v in page.context["data"].villages} == {KEC_PESANGGARAN}

    for other in (REGENCY, KEC_BANGOREJO, "35.10.02.2001", "99.99"):
        assert client.get(f"/dashboards/?region={other}").status_code == 404
        assert client.get(f"/dashboards/map.json?region={other}").status_code == 404
        assert client.get(f"/api/v1/dashboards/?region={other}").status_code == 404

    for key in (
        "rollout-villages",
        "budget-villages",
        "ceilings",
        "projects-villages",
        "letters-villages",
    ):
        body = client.get(f"/dashboards/tables/{key}/?format=csv").content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))[1:]
        names = {r[0] for r in rows}
        assert "Sarongan" in names or key in {"ceilings", "projects-villages"}
        assert "Sukorejo" not in names  # Bangorejo's village

    codes = set(client.get("/dashboards/map.json").json()["villages"])
    assert codes and all(c.startswith(KEC_PESANGGARAN + ".") for c in codes)


def test_the_menu_offers_the_dashboard_only_to_those_who_may_see_it(
    make_user: Any, login_client: Any
) -> None:
    officer = login_client(make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)]))
    operator = login_client(make_user(roles=[(Role.VILLAGE_OPERATOR, SARONGAN)]))
    assert b'href="/dashboards/"' in officer.get("/accounts/profile/").content
    assert b'href="/dashboards/"' not in operator.get("/accounts/profile/").content


def test_permission_predicate(make_user: Any) -> None:
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    assert can_view_dashboard(camat)
    assert can_view_dashboard(camat, SARONGAN)
    assert not can_view_dashboard(camat, REGENCY)
    assert not can_view_dashboard(make_user(roles=[(Role.VILLAGE_HEAD, SARONGAN)]))

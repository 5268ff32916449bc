"""The economy API: the same services as the pages, errors as JSON with nothing saved."""

from __future__ import annotations

import json

import pytest

from smartkampung.accounts.models import Role
from smartkampung.budgets.tests.helpers import YEAR
from smartkampung.economy.models import CapitalPlacement, EnterpriseReport

from .conftest import report_data

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_manager_submits_and_head_checks_over_the_api(login_client, manager, enterprise, staff):
    body = {**report_data(), "year": YEAR, "employees": 7}
    r = _post(login_client(manager), f"/api/v1/economy/enterprises/{enterprise.pk}/reports", body)
    assert r.status_code == 201 and r.json()["profit"] == "30000000.00"
    report_id = r.json()["id"]
    r = _post(
        login_client(staff.head), f"/api/v1/economy/reports/{report_id}/check", {"accept": True}
    )
    assert r.status_code == 200 and r.json()["status"] == "checked"
    listed = login_client(staff.head).get(f"/api/v1/economy/enterprises/{enterprise.pk}/reports")
    assert [x["year"] for x in listed.json()] == [YEAR]


def test_negative_revenue_is_422_and_nothing_saved(login_client, manager, enterprise):
    body = {**report_data(revenue="-1"), "year": YEAR, "employees": 7}
    r = _post(login_client(manager), f"/api/v1/economy/enterprises/{enterprise.pk}/reports", body)
    assert r.status_code == 422 and r.json()["code"] == "invalid_report"
    assert "revenue" in r.json()["details"]
    assert not EnterpriseReport.objects.exists()


def test_capital_above_the_budget_is_422(login_client, staff, enterprise, approved):
    r = _post(
        login_client(staff.operator),
        f"/api/v1/economy/enterprises/{enterprise.pk}/capital",
        {"year": YEAR, "amount": "99000000"},
    )
    assert r.status_code == 422 and r.json()["code"] == "capital_above_budget"
    assert not CapitalPlacement.objects.exists()
    r = _post(
        login_client(staff.operator),
        f"/api/v1/economy/enterprises/{enterprise.pk}/capital",
        {"year": YEAR},
    )
    assert r.status_code == 201 and r.json()["amount"] == "50000000.00"


def test_enterprise_outside_scope_is_404(login_client, make_user, enterprise, other_village):
    outsider = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    r = login_client(outsider).get(f"/api/v1/economy/enterprises/{enterprise.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert login_client(outsider).get("/api/v1/economy/enterprises").json() == []


def test_overview_over_the_api(login_client, regency_officer, staff, enterprise, approved):
    _post(
        login_client(staff.operator),
        f"/api/v1/economy/enterprises/{enterprise.pk}/capital",
        {"year": YEAR},
    )
    r = login_client(regency_officer).get("/api/v1/economy/overview/35.10", {"year": YEAR})
    assert r.status_code == 200
    row = next(v for v in r.json()["villages"] if v["village_code"] == enterprise.village_id)
    assert row["capital_placed"] == "50000000.00"
    assert row["without_report_last_year"] == ["BUMDes Sarongan Makmur"]
    denied = login_client(staff.operator).get("/api/v1/economy/overview/35.10")
    assert denied.status_code == 404

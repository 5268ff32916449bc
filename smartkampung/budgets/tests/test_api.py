"""/api/v1/budgets/: budgets, items, ceilings, disbursements, receipts, reports."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import SARONGAN, SUKOREJO
from smartkampung.accounts import services as account_services
from smartkampung.budgets.models import BudgetItem, Ceiling, Disbursement, VillageBudget

from .helpers import YEAR, approved_budget, cement, draft_budget, make_staff, set_ceilings
from .test_siskeudes import EXAMPLE_ZIP

pytestmark = pytest.mark.django_db

API = "/api/v1/budgets"


def token_client(user) -> Client:
    _token, secret = account_services.api_token_create(actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_anonymous_is_refused():
    response = Client().get(f"{API}/")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_draft_a_budget_through_the_api(staff):
    set_ceilings(staff)
    client = token_client(staff.operator)
    created = post(client, f"{API}/", {"village": SARONGAN, "year": YEAR})
    assert created.status_code == 201
    budget_id = created.json()["id"]
    revenue = post(
        client,
        f"{API}/{budget_id}/revenues",
        {"account": "4.2.1.01", "fund_source": "DDS", "amount": "100000000.00"},
    )
    assert revenue.status_code == 201 and revenue.json()["amount"] == "100000000.00"
    activity = post(
        client, f"{API}/{budget_id}/activities", {"activity": "02.03.10", "location": "Krajan"}
    ).json()
    item = post(
        client,
        f"{API}/{budget_id}/activities/{activity['id']}/items",
        {
            "description": "Semen",
            "volume": "250",
            "unit": "zak",
            "unit_price": "75000",
            "fund_source": "DDS",
            "account": "5.3.5.03",
        },
    )
    assert item.status_code == 201 and item.json()["amount"] == "18750000.00"
    patched = client.patch(
        f"{API}/{budget_id}/items/{item.json()['id']}",
        json.dumps({"volume": "200"}),
        content_type="application/json",
    )
    assert patched.json()["amount"] == "15000000.00"
    detail = client.get(f"{API}/{budget_id}").json()
    assert detail["totals"]["expenditure"] == "15000000.00"
    assert detail["totals"]["balance"] == "85000000.00"
    assert client.get(f"{API}/{budget_id}/items").json()[0]["description"] == "Semen"


@pytest.mark.parametrize(
    "body",
    [
        {"account": "4.2.1.01", "fund_source": "DDS", "amount": "-1"},
        {"account": "4.2.1.01", "fund_source": "DDS", "amount": "1.001"},
        {"account": "4.2.1.01", "fund_source": "DDS", "amount": "1e40"},
        {"account": "4.2.1.01", "fund_source": "DDS"},
        {"account": "5.3.5.03", "fund_source": "DDS", "amount": "1"},
        {"account": "4.2.1.01", "fund_source": "ZZZ", "amount": "1"},
        {"account": "x" * 500, "fund_source": "DDS", "amount": "1"},
    ],
)
def test_bad_input_is_a_4xx_and_changes_nothing(staff, body):
    budget = draft_budget(staff)
    before = list(budget.revenues.values_list("pk", flat=True))
    response = post(token_client(staff.operator), f"{API}/{budget.pk}/revenues", body)
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "message"}
    assert list(budget.revenues.values_list("pk", flat=True)) == before


def test_malformed_json_is_a_4xx(staff):
    budget = draft_budget(staff)
    response = token_client(staff.operator).post(
        f"{API}/{budget.pk}/revenues", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_out_of_scope_is_404(staff):
    draft = draft_budget(staff)
    outsider = make_staff(SUKOREJO)
    for user in (outsider.operator, staff.camat):
        assert token_client(user).get(f"{API}/{draft.pk}").status_code == 404
    assert token_client(staff.operator).get(f"{API}/999999").status_code == 404


def test_workflow_and_diff_through_the_api(staff):
    set_ceilings(staff)
    budget = draft_budget(staff)
    assert post(token_client(staff.operator), f"{API}/{budget.pk}/submit", {}).status_code == 403
    assert post(token_client(staff.head), f"{API}/{budget.pk}/submit", {}).json()["status"] == (
        "submitted"
    )
    camat = token_client(staff.camat)
    assert post(camat, f"{API}/{budget.pk}/decide", {"approve": True}).status_code == 403
    post(camat, f"{API}/{budget.pk}/evaluate", {"approve": True})
    pmd = token_client(staff.pmd)
    unconfirmed = post(pmd, f"{API}/{budget.pk}/decide", {"approve": True})
    assert unconfirmed.status_code == 403 and unconfirmed.json()["code"] == "step_up_required"
    assert VillageBudget.objects.get(pk=budget.pk).status == "evaluated"
    staff.pmd.set_password("pmd-password-2026")
    staff.pmd.save()
    decided = pmd.post(
        f"{API}/{budget.pk}/decide",
        json.dumps({"approve": True}),
        content_type="application/json",
        HTTP_X_STEP_UP_PASSWORD="pmd-password-2026",
    )
    assert decided.json()["status"] == "approved"
    conflict = post(token_client(staff.head), f"{API}/{budget.pk}/submit", {})
    assert conflict.status_code == 409 and conflict.json()["code"] == "budget_wrong_status"
    revision = post(token_client(staff.operator), f"{API}/{budget.pk}/revise", {})
    assert revision.status_code == 201 and revision.json()["version"] == 2
    diff = token_client(staff.operator).get(f"{API}/{revision.json()['id']}/diff").json()
    assert diff["rows"] == [] and diff["old"] == budget.pk


def test_checks_failed_lists_the_findings(staff):
    budget = draft_budget(staff)
    response = post(token_client(staff.head), f"{API}/{budget.pk}/submit", {})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "budget_checks_failed"
    assert {d["code"] for d in body["details"]} == {"ceiling_missing"}


def test_ceilings_endpoints(staff):
    client = token_client(staff.pmd)
    response = client.put(
        f"{API}/ceilings",
        json.dumps({"village": SARONGAN, "year": YEAR, "fund_source": "DDS", "amount": "5"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["amount"] == "5.00"
    listed = client.get(f"{API}/ceilings?year={YEAR}&region=35.10.01").json()
    assert listed["count"] == 1
    upload = SimpleUploadedFile(
        "c.csv", f"village_code,year,fund_source,amount\n{SUKOREJO},{YEAR},ADD,7\n".encode()
    )
    report = client.post(f"{API}/ceilings/import", {"file": upload})
    assert report.json()["created"] == 1
    operator = token_client(staff.operator)
    assert operator.get(f"{API}/ceilings?year={YEAR}").json()["count"] == 1  # own village only
    forbidden = operator.put(
        f"{API}/ceilings",
        json.dumps({"village": SARONGAN, "year": YEAR, "fund_source": "DDS", "amount": "9"}),
        content_type="application/json",
    )
    assert forbidden.status_code == 403
    assert Ceiling.objects.get(village_id=SARONGAN).amount == 5


def test_disbursements_receipts_and_reports(staff):
    budget = approved_budget(staff)
    treasurer = token_client(staff.treasurer)
    created = post(
        treasurer,
        f"{API}/disbursements",
        {"item": cement(budget).pk, "amount": "1000000", "description": "Semen"},
    )
    assert created.status_code == 201
    too_much = post(
        treasurer,
        f"{API}/disbursements",
        {"item": cement(budget).pk, "amount": "99999999", "description": "Semen"},
    )
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "disbursement_exceeds_remaining"
    disbursement_id = created.json()["id"]
    assert post(treasurer, f"{API}/disbursements/{disbursement_id}/approve", {}).status_code == 403
    head = token_client(staff.head)
    wrong = head.post(
        f"{API}/disbursements/{disbursement_id}/approve",
        "{}",
        content_type="application/json",
        HTTP_X_STEP_UP_PASSWORD="not-it",
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "step_up_invalid"
    staff.head.set_password("head-password-2026")
    staff.head.save()
    approved = head.post(
        f"{API}/disbursements/{disbursement_id}/approve",
        "{}",
        content_type="application/json",
        HTTP_X_STEP_UP_PASSWORD="head-password-2026",
    )
    assert approved.json()["status"] == "approved" and approved.json()["paid_at"] is None
    assert post(head, f"{API}/disbursements/{disbursement_id}/paid", {}).status_code == 403
    paid = post(treasurer, f"{API}/disbursements/{disbursement_id}/paid", {})
    assert paid.status_code == 200 and paid.json()["paid_at"]
    again = post(treasurer, f"{API}/disbursements/{disbursement_id}/paid", {})
    assert again.status_code == 409 and again.json()["code"] == "disbursement_already_paid"
    outsider = token_client(make_staff(SUKOREJO).treasurer)
    assert post(outsider, f"{API}/disbursements/{disbursement_id}/paid", {}).status_code == 404
    receipt = post(
        treasurer,
        f"{API}/receipts",
        {
            "village": SARONGAN,
            "year": YEAR,
            "account": "4.2.1.01",
            "fund_source": "DDS",
            "amount": "40000000",
            "received_on": f"{YEAR}-03-01",
            "description": "DD tahap I",
        },
    )
    assert receipt.status_code == 201
    assert treasurer.get(f"{API}/receipts?village={SARONGAN}").json()["count"] == 1
    assert treasurer.get(f"{API}/disbursements?status=approved").json()["count"] == 1
    lra = (
        token_client(staff.camat)
        .get(f"{API}/reports/lra?village={SARONGAN}&year={YEAR}&period=year")
        .json()
    )
    rows = {r["code"]: r for r in lra["rows"]}
    assert rows["02.03.10"]["realised"] == "1000000.00"
    assert rows["4.2.1.01"]["realised"] == "40000000.00"
    consolidation = token_client(staff.pmd).get(
        f"{API}/reports/consolidation?year={YEAR}&region=35.10"
    )
    body = consolidation.json()
    assert body["total"]["realised"] == "1000000.00"
    assert len(body["by_district"]) == 25
    assert (
        token_client(staff.operator)
        .get(f"{API}/reports/consolidation?year={YEAR}&region=35.10")
        .status_code
        == 404
    )
    assert Disbursement.objects.count() == 1


def test_reference_lists_and_ssh(staff):
    client = token_client(staff.operator)
    sources = client.get(f"{API}/reference/fund-sources").json()
    assert {s["code"] for s in sources} >= {"DDS", "ADD", "PAD"}
    assert len(client.get(f"{API}/reference/activities").json()) == 151
    accounts = client.get(f"{API}/reference/accounts?prefix=6").json()
    assert all(a["code"].startswith("6") for a in accounts)
    upload = SimpleUploadedFile("s.csv", b"code,name,unit,price\nS-1,Semen,zak,72000\n")
    pmd = token_client(staff.pmd)
    assert pmd.post(f"{API}/ssh/import", {"year": YEAR, "file": upload}).json()["created"] == 1
    assert client.get(f"{API}/ssh?year={YEAR}&q=sem").json()["items"][0]["price"] == "72000.00"


def test_siskeudes_upload_through_the_api(staff):
    client = token_client(staff.operator)
    response = client.post(
        f"{API}/siskeudes",
        {"village": SARONGAN, "file": SimpleUploadedFile("x.zip", EXAMPLE_ZIP.read_bytes())},
    )
    assert response.status_code == 201
    assert response.json()["report"]["counts"]["items"] == 9
    bad = client.post(
        f"{API}/siskeudes",
        {"village": SARONGAN, "file": SimpleUploadedFile("x.zip", b"not a zip")},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "not_a_zip"
    assert VillageBudget.objects.count() == 1 and BudgetItem.objects.count() == 9

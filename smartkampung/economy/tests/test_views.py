"""The BUMDes pages: the manager submits a report and the head checks it through the page;
a refused form shows why and saves nothing; Indonesian by default, English on request."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.budgets.tests.helpers import YEAR
from smartkampung.economy.models import EnterpriseReport, ReportStatus

from .conftest import report_data

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "id") -> Client:
    """A logged-in client whose chosen language (the language cookie) is ``language``."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_manager_submits_and_head_checks_through_the_page(manager, enterprise, staff):
    page = _client(manager).get("/economy/")
    assert page.status_code == 302 and page["Location"].endswith(f"/{enterprise.pk}/")
    response = _client(manager).post(
        f"/economy/enterprises/{enterprise.pk}/reports/", report_data()
    )
    assert response.status_code == 302
    report = EnterpriseReport.objects.get()
    head_page = _client(staff.head).get(f"/economy/enterprises/{enterprise.pk}/")
    assert "Terima" in head_page.content.decode()  # the head's accept button, in Indonesian
    _client(staff.head).post(f"/economy/reports/{report.pk}/check/", {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.CHECKED


def test_future_year_report_shows_the_error_and_saves_nothing(manager, enterprise):
    response = _client(manager, "en").post(
        f"/economy/enterprises/{enterprise.pk}/reports/", report_data(year=str(YEAR + 1))
    )
    assert response.status_code == 422
    assert "A report cannot be for a future year." in response.content.decode()
    assert not EnterpriseReport.objects.exists()
    response = _client(manager, "id").post(
        f"/economy/enterprises/{enterprise.pk}/reports/", report_data(year=str(YEAR + 1))
    )
    assert "Laporan tidak bisa untuk tahun yang akan datang." in response.content.decode()


def test_pages_in_both_languages(staff, enterprise, approved):
    english = _client(staff.operator, "en").get(f"/economy/enterprises/{enterprise.pk}/")
    indonesian = _client(staff.operator, "id").get(f"/economy/enterprises/{enterprise.pk}/")
    assert "Capital from the APBDes" in english.content.decode()
    assert "Modal dari APBDes" in indonesian.content.decode()
    village = _client(staff.operator, "id").get(f"/economy/villages/{enterprise.village_id}/")
    assert "Catat BUMDes desa" in village.content.decode()


def test_capital_above_the_budget_through_the_page(staff, enterprise, approved):
    response = _client(staff.operator, "en").post(
        f"/economy/enterprises/{enterprise.pk}/capital/", {"year": YEAR, "amount": "60000000"}
    )
    assert response.status_code == 422
    assert "more than the approved APBDes" in response.content.decode()
    assert not enterprise.placements.exists()


def test_enterprise_of_another_village_is_404(enterprise, make_user, other_village):
    outsider = make_user("op.elsewhere", roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    assert _client(outsider).get(f"/economy/enterprises/{enterprise.pk}/").status_code == 404
    response = _client(outsider).post(
        f"/economy/enterprises/{enterprise.pk}/capital/", {"year": YEAR}
    )
    assert response.status_code == 404
    assert not enterprise.placements.exists()


def test_anonymous_is_sent_to_login(enterprise):
    response = Client().get(f"/economy/enterprises/{enterprise.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_report_shows_the_pad_line_of_the_next_apbdes(manager, enterprise, staff):
    from smartkampung.budgets import services as budget_services
    from smartkampung.budgets.tests.helpers import approve, draft_budget, set_ceilings

    set_ceilings(staff, YEAR)
    budget = draft_budget(staff, YEAR)
    budget_services.revenue_add(
        actor=staff.operator,
        budget=budget,
        account_code="4.1.1.01",
        fund_source_code="PAD",
        amount="7500000",
    )
    approve(staff, budget)
    from smartkampung.economy import services

    services.report_submit(
        actor=manager, enterprise=enterprise, data=report_data(year=str(YEAR - 1))
    )
    html = _client(staff.head, "en").get(f"/economy/enterprises/{enterprise.pk}/").content.decode()
    assert "PAD from the BUMDes in the next APBDes" in html
    assert "7.500.000" in html  # the 4.1.1.01 line of APBDes YEAR against the YEAR−1 report

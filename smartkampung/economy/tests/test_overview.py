"""Given capital placed from APBDes and yearly reports, the regency sees per village what went
in and what came back, which BUMDes did not report last year, and a red flag where capital
was placed although the previous year's report is missing; the kecamatan sees only its own."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.budgets.tests.helpers import YEAR
from smartkampung.core.exceptions import NotFound
from smartkampung.economy import services
from smartkampung.economy.overview import economy_overview

from .conftest import budget_with_equity, report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(staff, enterprise, approved):
    """Rp 25 M placed in YEAR−1 and Rp 50 M in YEAR; no report for YEAR−1 yet."""
    budget_with_equity(staff, YEAR - 1, amount="25000000")
    services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR - 1)
    services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR)
    return enterprise


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def test_overview_flags_capital_without_the_previous_report(two_years, regency_officer, village):
    _region, due, rows = economy_overview(
        actor=regency_officer, region_code="35.10", last_year=YEAR - 1
    )
    row = _row(rows, village.code)
    assert due == YEAR - 1
    assert row.placed == Decimal("75000000.00") and row.budgeted == Decimal("75000000.00")
    assert row.without_report == ["BUMDes Sarongan Makmur"]
    assert row.flags == [f"BUMDes Sarongan Makmur: {YEAR}"]
    assert row.return_percent == 0.0


def test_a_report_clears_the_flag_and_counts_as_return(
    two_years, manager, regency_officer, village
):
    services.report_submit(
        actor=manager, enterprise=two_years, data=report_data(year=str(YEAR - 1))
    )
    _region, _due, rows = economy_overview(
        actor=regency_officer, region_code="35.10", last_year=YEAR - 1
    )
    row = _row(rows, village.code)
    assert row.flags == [] and row.without_report == []
    assert row.returned == Decimal("6000000.00") and row.profit == Decimal("30000000.00")
    assert row.return_percent == 8.0  # 6 M back on 75 M placed


def test_a_returned_report_does_not_count(two_years, manager, staff, regency_officer, village):
    report = services.report_submit(
        actor=manager, enterprise=two_years, data=report_data(year=str(YEAR - 1))
    )
    services.report_check(actor=staff.head, report=report, accept=False, note="Salah hitung")
    _region, _due, rows = economy_overview(
        actor=regency_officer, region_code="35.10", last_year=YEAR - 1
    )
    assert _row(rows, village.code).flags == [f"BUMDes Sarongan Makmur: {YEAR}"]


def test_overview_is_scoped(two_years, make_user, village):
    other_camat = make_user("camat.bangorejo", roles=[(Role.DISTRICT_OFFICER, "35.10.02")])
    with pytest.raises(NotFound):
        economy_overview(actor=other_camat, region_code="35.10")
    with pytest.raises(NotFound):
        economy_overview(actor=other_camat, region_code="35.10.01")
    own = make_user("camat.pesanggaran", roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    _region, _due, rows = economy_overview(actor=own, region_code="35.10.01")
    assert [r.code for r in rows] == [village.code]
    operator = make_user("op.only", roles=[(Role.VILLAGE_OPERATOR, village.code)])
    with pytest.raises(NotFound):
        economy_overview(actor=operator, region_code=village.code)


def test_overview_page_and_csv(two_years, regency_officer, village):
    client = Client()
    client.force_login(regency_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/economy/overview/35.10/", {"year": YEAR - 1})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Capital placed without the previous year's report" in html
    response = client.get("/economy/overview/35.10/bumdes.csv", {"year": YEAR - 1})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in table if r["village_code"] == village.code)
    assert row["capital_placed"] == "75000000.00"
    assert row["capital_without_previous_report"] == f"BUMDes Sarongan Makmur: {YEAR}"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert (
        "Modal disertakan tanpa laporan tahun sebelumnya"
        in client.get("/economy/overview/35.10/", {"year": YEAR - 1}).content.decode()
    )


def test_overview_page_is_404_for_village_staff(enterprise, staff):
    client = Client()
    client.force_login(staff.operator)
    assert client.get("/economy/overview/35.10/").status_code == 404
    assert client.get("/economy/overview/35.10/bumdes.csv").status_code == 404


def test_overview_in_a_fixed_number_of_queries(
    two_years, regency_officer, django_assert_max_num_queries, staff, village
):
    services.enterprise_register(
        actor=staff.operator, village=village, name="BUMDes Dua", registration_number="AHU-9/2024"
    )
    with django_assert_max_num_queries(8):
        economy_overview(actor=regency_officer, region_code="35.10")

"""The actor-less aggregates the dashboard and the portal read: approved businesses per KBLI
sector and village, BUMDes capital placed and PAD returned — the same sums as the regency
view, in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smartkampung.budgets.tests.helpers import YEAR
from smartkampung.economy import public, services
from smartkampung.economy.overview import economy_overview

from .conftest import budget_with_equity, report_data

pytestmark = pytest.mark.django_db


def register(staff: Any, village: Any, resident: Any, name: str, kbli: str, approve: bool) -> Any:
    business = services.business_register(
        actor=staff.operator, village=village, name=name, kbli_code=kbli, owner_id=resident.pk
    )
    if approve:
        services.business_decide(actor=staff.head, business=business, approve=True)
    return business


def test_only_approved_businesses_count_per_sector(staff, village, resident):
    register(staff, village, resident, "Kopi Rajegwesi", "10761", approve=True)  # C
    register(staff, village, resident, "Gula Kelapa", "10721", approve=True)  # C
    register(staff, village, resident, "Toko Kelontong", "47111", approve=True)  # G
    register(staff, village, resident, "Warung Belum", "56101", approve=False)  # I, pending
    rejected = register(staff, village, resident, "Ditolak", "56102", approve=False)
    services.business_decide(actor=staff.head, business=rejected, approve=False)
    counts = public.business_counts_by_village(region_code="35.10")
    assert counts == {village.code: {"C": 2, "G": 1}}
    assert public.business_counts_by_village(region_code="35.10.02") == {}


def test_bumdes_figures_equal_the_regency_view(
    staff, enterprise, approved, manager, village, regency_officer
):
    budget_with_equity(staff, YEAR - 1, amount="25000000")
    services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR - 1)
    services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR)
    services.report_submit(
        actor=manager, enterprise=enterprise, data=report_data(year=str(YEAR - 1))
    )
    figures = public.bumdes_figures_by_village(region_code="35.10")
    _region, _due, rows = economy_overview(actor=regency_officer, region_code="35.10")
    row = next(r for r in rows if r.code == village.code)
    mine = figures[village.code]
    assert (mine.enterprises, mine.placed, mine.returned) == (
        row.enterprises,
        row.placed,
        row.returned,
    )
    assert mine.placed == Decimal("75000000.00") and mine.returned == Decimal("6000000.00")
    assert mine.return_percent == row.return_percent == 8.0
    # Up to the year before: only that year's capital and report.
    before = public.bumdes_figures_by_village(region_code="35.10", up_to_year=YEAR - 1)
    assert before[village.code].placed == Decimal("25000000.00")
    assert public.bumdes_figures_by_village(region_code="35.10.02") == {}


def test_a_returned_report_is_not_a_return(staff, enterprise, approved, manager, village):
    services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR)
    report = services.report_submit(actor=manager, enterprise=enterprise, data=report_data())
    services.report_check(actor=staff.head, report=report, accept=False, note="Salah hitung")
    assert public.bumdes_figures_by_village()[village.code].returned == Decimal("0")


def test_aggregates_in_a_fixed_number_of_queries(
    staff, enterprise, village, resident, django_assert_num_queries
):
    for i in range(5):
        register(staff, village, resident, f"Usaha {i}", f"1{i}101", approve=True)
    with django_assert_num_queries(1):
        public.business_counts_by_village(region_code="35.10")
    with django_assert_num_queries(3):
        public.bumdes_figures_by_village(region_code="35.10")

"""Given a village's BUMDes, its capital comes from the approved APBDes (financing 6.2.2), its
manager submits yearly reports and the village head checks them; bad input saves nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conftest import SARONGAN
from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.budgets.tests.helpers import YEAR
from smartkampung.core.exceptions import DomainError, NotFound, PermissionDenied
from smartkampung.economy import selectors, services
from smartkampung.economy.exceptions import (
    CapitalAboveBudget,
    EnterpriseInvalid,
    ManagerInvalid,
    ReportExists,
    ReportInvalid,
    ReportState,
)
from smartkampung.economy.models import (
    CapitalPlacement,
    EnterpriseManager,
    EnterpriseReport,
    ReportStatus,
    VillageEnterprise,
)
from smartkampung.population.testing import make_resident

from .conftest import budget_with_equity, report_data

pytestmark = pytest.mark.django_db


def economy_rows() -> list[Any]:
    return snapshot_rows(
        VillageEnterprise, EnterpriseManager, CapitalPlacement, EnterpriseReport, AuditEvent
    )


# --- the enterprise record --------------------------------------------------------------------


@permission_matrix(allowed={"staff_with_role"})
def test_register_permission_matrix(actor_kind, allowed, matrix_actor, village):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)

    def call() -> VillageEnterprise:
        return services.enterprise_register(
            actor=actor, village=village, name="BUMDes Maju", registration_number="AHU-1/2021"
        )

    if allowed:
        enterprise = call()
        assert enterprise.village_id == village.code
        assert AuditEvent.objects.filter(action="economy.enterprise_register").exists()
    else:
        assert_refused_unchanged(call, snapshot=economy_rows)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"name": "  "}, "name"),
        ({"registration_number": "<script>"}, "registration_number"),
        ({"registration_number": "AHU-0012.AH.01.33.2021"}, "registration_number"),  # taken
        ({"other_capital": "-5"}, "other_capital"),
        ({"other_capital": "lots"}, "other_capital"),
        ({"units": ",".join(f"unit {n}" for n in range(30))}, "units"),
    ],
)
def test_register_refuses_bad_input(staff, village, enterprise, fields, field):
    data = {"name": "BUMDes Kedua", "registration_number": "AHU-2/2022", **fields}
    error = assert_refused_unchanged(
        lambda: services.enterprise_register(actor=staff.operator, village=village, **data),
        snapshot=economy_rows,
    )
    assert isinstance(error, EnterpriseInvalid)
    assert field in error.details


def test_enterprise_keeps_units_and_other_capital(enterprise):
    assert enterprise.units == ["Air bersih", "Wisata Pantai Rajegwesi"]
    assert enterprise.other_capital == Decimal("10000000.00")


def test_manager_is_a_living_resident_of_the_village(staff, enterprise, resident):
    manager = services.manager_add(
        actor=staff.operator, enterprise=enterprise, resident_id=resident.pk, position="Direktur"
    )
    assert manager.resident == resident


def test_manager_from_another_village_or_without_role_is_refused(
    staff, enterprise, other_village, make_user
):
    from smartkampung.budgets.tests.helpers import make_staff

    elsewhere = make_staff(other_village.code)
    stranger = make_resident(actor=elsewhere.operator, village=other_village)
    error = assert_refused_unchanged(
        lambda: services.manager_add(
            actor=staff.operator, enterprise=enterprise, resident_id=stranger.pk, position="Kasir"
        ),
        snapshot=economy_rows,
    )
    assert isinstance(error, ManagerInvalid) and "resident" in error.details
    local = make_resident(actor=staff.operator, village=enterprise.village)
    no_role = make_user("not-a-manager", roles=[(Role.CITIZEN, SARONGAN)])
    error = assert_refused_unchanged(
        lambda: services.manager_add(
            actor=staff.operator,
            enterprise=enterprise,
            resident_id=local.pk,
            position="Kasir",
            user=no_role,
        ),
        snapshot=economy_rows,
    )
    assert "user" in error.details


def test_enterprise_is_invisible_outside_scope(enterprise, matrix_actor, village, make_user):
    outsider = matrix_actor("other_village_staff", village=village, role=Role.VILLAGE_OPERATOR)
    with pytest.raises(NotFound):
        selectors.enterprise_get(actor=outsider, enterprise_id=enterprise.pk)
    assert not selectors.enterprise_list(actor=outsider).exists()
    camat = make_user("camat.pesanggaran", roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    assert selectors.enterprise_get(actor=camat, enterprise_id=enterprise.pk) == enterprise


# --- capital from the APBDes -----------------------------------------------------------------


def test_capital_is_read_from_the_approved_budget(staff, enterprise, approved):
    placement = services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR)
    assert placement.amount == Decimal("50000000.00")
    assert placement.budgeted == Decimal("50000000.00")


def test_capital_above_the_budget_is_refused(staff, enterprise, approved):
    error = assert_refused_unchanged(
        lambda: services.capital_place(
            actor=staff.operator, enterprise=enterprise, year=YEAR, amount="50000000.01"
        ),
        snapshot=economy_rows,
    )
    assert isinstance(error, CapitalAboveBudget)
    assert "50000000" in error.message


def test_capital_without_an_approved_budget_is_refused(staff, enterprise):
    from smartkampung.budgets import services as budget_services
    from smartkampung.budgets.tests.helpers import draft_budget

    draft = draft_budget(staff)  # a draft with equity participation does not count
    budget_services.financing_add(
        actor=staff.operator, budget=draft, account_code="6.2.2.01", amount="1000000"
    )
    error = assert_refused_unchanged(
        lambda: services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR),
        snapshot=economy_rows,
    )
    assert isinstance(error, CapitalAboveBudget)


def test_two_enterprises_share_one_budget_line(staff, village, enterprise, approved):
    second = services.enterprise_register(
        actor=staff.operator, village=village, name="BUMDes Dua", registration_number="AHU-9/2024"
    )
    services.capital_place(
        actor=staff.operator, enterprise=enterprise, year=YEAR, amount="30000000"
    )
    assert_refused_unchanged(
        lambda: services.capital_place(
            actor=staff.operator, enterprise=second, year=YEAR, amount="20000001"
        ),
        snapshot=economy_rows,
    )
    rest = services.capital_place(actor=staff.operator, enterprise=second, year=YEAR)
    assert rest.amount == Decimal("20000000.00")


@pytest.mark.parametrize("amount", ["-1", "0", "abc", "NaN", "1e400", "12.345"])
def test_capital_refuses_malformed_amounts(staff, enterprise, approved, amount):
    assert_refused_unchanged(
        lambda: services.capital_place(
            actor=staff.operator, enterprise=enterprise, year=YEAR, amount=amount
        ),
        snapshot=economy_rows,
    )


@permission_matrix(allowed={"staff_with_role"})
def test_capital_permission_matrix(
    actor_kind, allowed, matrix_actor, village, enterprise, approved
):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_SECRETARY)

    def call() -> CapitalPlacement:
        return services.capital_place(actor=actor, enterprise=enterprise, year=YEAR)

    if allowed:
        assert call().amount == Decimal("50000000.00")
    else:
        assert_refused_unchanged(call, snapshot=economy_rows)


# --- yearly reports ---------------------------------------------------------------------------


@permission_matrix(allowed={"staff_with_role"})
def test_report_permission_matrix(actor_kind, allowed, matrix_actor, village, enterprise, staff):
    actor = matrix_actor(actor_kind, village=village, role=Role.BUMDES_MANAGER)
    if actor_kind in {"staff_with_role", "other_village_staff"}:
        person = make_resident(actor=staff.operator, village=village)
        services.manager_add(
            actor=staff.operator,
            enterprise=enterprise,
            resident_id=person.pk,
            position="Direktur",
            user=actor if actor_kind == "staff_with_role" else None,
        )

    def call() -> EnterpriseReport:
        return services.report_submit(actor=actor, enterprise=enterprise, data=report_data())

    if allowed:
        report = call()
        assert report.profit == Decimal("30000000.00")
        assert report.status == ReportStatus.SUBMITTED
    else:
        assert_refused_unchanged(call, snapshot=economy_rows)


def test_manager_of_another_enterprise_cannot_report(staff, village, enterprise, make_manager):
    other = services.enterprise_register(
        actor=staff.operator, village=village, name="BUMDes Dua", registration_number="AHU-9/2024"
    )
    other_manager = make_manager(other, "manager.dua")
    error = assert_refused_unchanged(
        lambda: services.report_submit(
            actor=other_manager, enterprise=enterprise, data=report_data()
        ),
        snapshot=economy_rows,
    )
    assert isinstance(error, NotFound | PermissionDenied)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"year": str(YEAR + 1)}, "year"),  # a future year
        ({"year": "20x6"}, "year"),
        ({"revenue": "-1"}, "revenue"),
        ({"costs": "-0.01"}, "costs"),
        ({"assets": "-100"}, "assets"),
        ({"pad_share": "-5"}, "pad_share"),
        ({"employees": "-3"}, "employees"),
        ({"employees": "3.5"}, "employees"),
        ({"revenue": "NaN"}, "revenue"),
        ({"revenue": "1e400"}, "revenue"),
        ({"revenue": "'; DROP TABLE economy_enterprisereport; --"}, "revenue"),
        ({"pad_share": "30000000.01"}, "pad_share"),  # more than the profit
        ({"revenue": "10", "costs": "20", "pad_share": "1"}, "pad_share"),  # a loss pays nothing
    ],
)
def test_report_refuses_bad_input(manager, enterprise, fields, field):
    error = assert_refused_unchanged(
        lambda: services.report_submit(
            actor=manager, enterprise=enterprise, data=report_data(**fields)
        ),
        snapshot=economy_rows,
    )
    assert isinstance(error, ReportInvalid)
    assert field in error.details


def test_a_loss_is_reported_as_negative_profit(manager, enterprise):
    report = services.report_submit(
        actor=manager,
        enterprise=enterprise,
        data=report_data(revenue="10000000", costs="12500000", pad_share="0"),
    )
    assert report.profit == Decimal("-2500000.00")


def test_second_report_for_a_year_is_refused(manager, enterprise):
    services.report_submit(actor=manager, enterprise=enterprise, data=report_data())
    error = assert_refused_unchanged(
        lambda: services.report_submit(
            actor=manager, enterprise=enterprise, data=report_data(revenue="130000000")
        ),
        snapshot=economy_rows,
    )
    assert isinstance(error, ReportExists)


@permission_matrix(allowed={"staff_with_role"})
def test_check_permission_matrix(actor_kind, allowed, matrix_actor, village, manager, enterprise):
    report = services.report_submit(actor=manager, enterprise=enterprise, data=report_data())
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)

    def call() -> EnterpriseReport:
        return services.report_check(actor=actor, report=report, accept=True)

    if allowed:
        assert call().status == ReportStatus.CHECKED
    else:
        assert_refused_unchanged(call, snapshot=economy_rows)


def test_manager_cannot_check_own_report(manager, enterprise):
    report = services.report_submit(actor=manager, enterprise=enterprise, data=report_data())
    assert_refused_unchanged(
        lambda: services.report_check(actor=manager, report=report, accept=True),
        snapshot=economy_rows,
    )


def test_returned_report_is_corrected_and_checked(manager, enterprise, staff):
    report = services.report_submit(actor=manager, enterprise=enterprise, data=report_data())
    with pytest.raises(ReportInvalid):  # returning needs a note
        services.report_check(actor=staff.head, report=report, accept=False)
    returned = services.report_check(
        actor=staff.head, report=report, accept=False, note="Aset belum termasuk tanah."
    )
    assert returned.status == ReportStatus.RETURNED
    again = services.report_submit(
        actor=manager, enterprise=enterprise, data=report_data(assets="95000000")
    )
    assert again.pk == report.pk and again.status == ReportStatus.SUBMITTED
    assert again.assets == Decimal("95000000.00")
    checked = services.report_check(actor=staff.head, report=again, accept=True)
    assert checked.status == ReportStatus.CHECKED
    with pytest.raises(ReportState):
        services.report_check(actor=staff.head, report=checked, accept=True)
    with pytest.raises(ReportExists):
        services.report_submit(actor=manager, enterprise=enterprise, data=report_data())


def test_every_refusal_is_a_domain_error(manager, enterprise):
    with pytest.raises(DomainError):
        services.report_submit(actor=manager, enterprise=enterprise, data={})
    assert not EnterpriseReport.objects.exists()


def test_capital_of_another_year_needs_that_years_budget(staff, enterprise, approved):
    budget_with_equity(staff, YEAR - 1, amount="25000000")
    earlier = services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR - 1)
    assert earlier.amount == Decimal("25000000.00")


def test_only_equity_participation_counts_as_capital(staff, enterprise):
    """A reserve fund (6.2.1) is financing expenditure too, but no capital of the BUMDes."""
    from smartkampung.budgets import services as budget_services
    from smartkampung.budgets.tests.helpers import approve, draft_budget, set_ceilings

    set_ceilings(staff, YEAR)
    budget = draft_budget(staff, YEAR)
    for account, amount in (("6.2.1.01", "10000000"), ("6.2.2.01", "40000000")):
        budget_services.financing_add(
            actor=staff.operator, budget=budget, account_code=account, amount=amount
        )
    approve(staff, budget)
    placement = services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR)
    assert placement.amount == Decimal("40000000.00")

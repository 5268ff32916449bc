"""Building budgets through the services, for tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets import services
from smartkampung.budgets.models import BudgetActivity, VillageBudget
from smartkampung.budgets.reference_data import load_reference_data

YEAR = 2026


@dataclass
class Staff:
    village: str
    operator: User
    head: User
    treasurer: User
    camat: User
    pmd: User


def _user(name: str, role: str, scope: str) -> User:
    user, _created = User.objects.get_or_create(username=name)
    RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=scope)
    return user


def make_staff(village: str) -> Staff:
    load_reference_data()
    slug = village.replace(".", "")
    district = village.rsplit(".", 1)[0]
    return Staff(
        village=village,
        operator=_user(f"op{slug}", Role.VILLAGE_OPERATOR, village),
        head=_user(f"head{slug}", Role.VILLAGE_HEAD, village),
        treasurer=_user(f"treasurer{slug}", Role.VILLAGE_TREASURER, village),
        camat=_user(f"camat{district.replace('.', '')}", Role.DISTRICT_OFFICER, district),
        pmd=_user("pmd-helper", Role.REGENCY_OFFICER, "35.10"),
    )


def set_ceilings(staff: Staff, year: int = YEAR, **amounts: Any) -> None:
    amounts = amounts or {"DDS": "100000000", "ADD": "60000000"}
    for source, amount in amounts.items():
        services.ceiling_set(
            actor=staff.pmd,
            village_code=staff.village,
            year=year,
            fund_source_code=source,
            amount=amount,
        )


def draft_budget(staff: Staff, year: int = YEAR) -> VillageBudget:
    """Revenue DDS 100 M + ADD 60 M + PAD 5 M; a road (DDS) and the head's income (ADD)."""
    budget = services.budget_create(actor=staff.operator, village_code=staff.village, year=year)
    op = staff.operator
    services.revenue_add(
        actor=op, budget=budget, account_code="4.2.1.01", fund_source_code="DDS", amount="100000000"
    )
    services.revenue_add(
        actor=op, budget=budget, account_code="4.2.3.01", fund_source_code="ADD", amount="60000000"
    )
    services.revenue_add(
        actor=op, budget=budget, account_code="4.1.2.01", fund_source_code="PAD", amount="5000000"
    )
    road = services.activity_add(
        actor=op,
        budget=budget,
        activity_code="02.03.10",
        location="Dusun Krajan",
        output="Rabat beton 300 m",
        output_volume="300",
        output_unit="m",
    )
    services.item_add(
        actor=op,
        activity=road,
        description="Semen",
        volume="250",
        unit="zak",
        unit_price="75000",
        fund_source_code="DDS",
        account_code="5.3.5.03",
    )
    services.item_add(
        actor=op,
        activity=road,
        description="Upah tenaga kerja",
        volume="180",
        unit="HOK",
        unit_price="100000",
        fund_source_code="DDS",
        account_code="5.3.5.02",
    )
    income = services.activity_add(actor=op, budget=budget, activity_code="01.01.01")
    services.item_add(
        actor=op,
        activity=income,
        description="Penghasilan tetap Kepala Desa",
        volume="12",
        unit="bulan",
        unit_price="3500000",
        fund_source_code="ADD",
        account_code="5.1.1.01",
    )
    return budget


def approve(staff: Staff, budget: VillageBudget) -> VillageBudget:
    budget = services.budget_submit(actor=staff.head, budget=budget)
    budget = services.budget_evaluate(actor=staff.camat, budget=budget, approve=True)
    return services.budget_decide(actor=staff.pmd, budget=budget, approve=True)


def approved_budget(staff: Staff, year: int = YEAR) -> VillageBudget:
    set_ceilings(staff, year)
    return approve(staff, draft_budget(staff, year))


def road(budget: VillageBudget) -> BudgetActivity:
    return budget.activities.get(activity_id="02.03.10")


def cement(budget: VillageBudget) -> Any:
    return budget.items.get(description="Semen")


MONEY = Decimal

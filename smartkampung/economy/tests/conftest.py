from __future__ import annotations

from typing import Any

import pytest

from conftest import SARONGAN
from smartkampung.accounts.models import Role, User
from smartkampung.budgets import services as budget_services
from smartkampung.budgets.models import VillageBudget
from smartkampung.budgets.tests.helpers import (
    YEAR,
    Staff,
    approve,
    draft_budget,
    make_staff,
    set_ceilings,
)
from smartkampung.economy import services
from smartkampung.economy.models import VillageEnterprise
from smartkampung.population.models import Resident
from smartkampung.population.testing import make_resident

EQUITY = "50000000.00"


@pytest.fixture
def staff(regions_loaded: Any) -> Staff:
    return make_staff(SARONGAN)


def budget_with_equity(staff: Staff, year: int = YEAR, amount: str = EQUITY) -> VillageBudget:
    """An APBDes with Rp 50 M equity participation (6.2.2.01), approved by the regency."""
    set_ceilings(staff, year)
    budget = draft_budget(staff, year)
    budget_services.financing_add(
        actor=staff.operator,
        budget=budget,
        account_code="6.2.2.01",
        fund_source_code="DDS",
        amount=amount,
        description="Penyertaan modal BUM Desa",
    )
    return approve(staff, budget)


@pytest.fixture
def approved(staff: Staff) -> VillageBudget:
    return budget_with_equity(staff)


@pytest.fixture
def enterprise(staff: Staff, village: Any) -> VillageEnterprise:
    return services.enterprise_register(
        actor=staff.operator,
        village=village,
        name="BUMDes Sarongan Makmur",
        registration_number="AHU-0012.AH.01.33.2021",
        units="Air bersih, Wisata Pantai Rajegwesi",
        other_capital="10000000",
    )


@pytest.fixture
def resident(staff: Staff, village: Any) -> Resident:
    return make_resident(actor=staff.operator, village=village, full_name="Budi Santoso")


@pytest.fixture
def make_manager(make_user: Any, staff: Staff, village: Any) -> Any:
    def factory(enterprise: VillageEnterprise, username: str | None = None) -> User:
        user = make_user(username, roles=[(Role.BUMDES_MANAGER, enterprise.village_id)])
        person = make_resident(actor=staff.operator, village=village, full_name="Sri Wahyuni")
        services.manager_add(
            actor=staff.operator,
            enterprise=enterprise,
            resident_id=person.pk,
            position="Direktur",
            user=user,
        )
        return user

    return factory


@pytest.fixture
def manager(make_manager: Any, enterprise: VillageEnterprise) -> User:
    return make_manager(enterprise, "bumdes.direktur")


def report_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "year": str(YEAR),
        "revenue": "120000000",
        "costs": "90000000",
        "assets": "75000000",
        "pad_share": "6000000",
        "employees": "7",
    }
    data.update(overrides)
    return data


@pytest.fixture
def citizen(staff: Staff, village: Any) -> Resident:
    """Siti Aminah of Sarongan with an activated citizen login (``citizen.user``)."""
    import datetime as dt

    from smartkampung.population.codes import Sex
    from smartkampung.population.services.access import activation_code_issue, citizen_activate

    resident = make_resident(
        actor=staff.operator,
        village=village,
        full_name="Siti Aminah",
        sex=Sex.FEMALE,
        birth_date=dt.date(1990, 7, 5),
    )
    code = activation_code_issue(actor=staff.operator, resident=resident)
    citizen_activate(nik=resident.nik, code=code, password="kopi-luwak-2026", address=None)
    resident.refresh_from_db()
    return resident


@pytest.fixture
def business(citizen: Resident, village: Any) -> Any:
    return services.business_register(
        actor=citizen.user,
        village=village,
        name="Kopi Rajegwesi",
        kbli_code="10761",
        description="Kopi bubuk robusta",
    )


def photo_bytes(with_gps: bool = True) -> bytes:
    from smartkampung.projects.tests.factories import jpeg, scene

    return jpeg(scene(7, (640, 480)), lat=-8.55 if with_gps else None, lng=114.1)

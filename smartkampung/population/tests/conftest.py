from __future__ import annotations

from typing import Any

import pytest

from conftest import SARONGAN
from smartkampung.accounts.models import Role, User
from smartkampung.population.models import Resident
from smartkampung.population.testing import make_kk, make_resident, resident_data


@pytest.fixture
def secretary(make_user: Any) -> User:
    return make_user("sekdes.sarongan", roles=[(Role.VILLAGE_SECRETARY, SARONGAN)])


@pytest.fixture
def resident(operator: User, village: Any) -> Resident:
    return make_resident(actor=operator, village=village, full_name="Slamet Riyadi")


@pytest.fixture
def family(operator: User, village: Any) -> list[Resident]:
    """A head, his wife and a daughter on one KK in Sarongan."""
    from datetime import date

    from smartkampung.population.codes import FamilyRole, Sex

    kk = make_kk()
    head = make_resident(actor=operator, village=village, kk_number=kk, full_name="Supriyadi")
    wife = make_resident(
        actor=operator,
        village=village,
        kk_number=kk,
        full_name="Siti Aminah",
        sex=Sex.FEMALE,
        birth_date=date(1992, 3, 4),
        family_role=FamilyRole.WIFE,
    )
    child = make_resident(
        actor=operator,
        village=village,
        kk_number=kk,
        full_name="Dewi Sekar Arum",
        sex=Sex.FEMALE,
        birth_date=date(2015, 8, 9),
        family_role=FamilyRole.CHILD,
        marital_status=1,
        occupation=3,
        education=2,
    )
    return [head, wife, child]


__all__ = ["resident_data"]

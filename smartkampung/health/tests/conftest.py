from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, User
from smartkampung.health import services
from smartkampung.health.models import Posyandu
from smartkampung.population.codes import FamilyRole, MaritalStatus, Sex
from smartkampung.population.models import Resident
from smartkampung.population.testing import make_resident

SARONGAN = "35.10.01.2001"
PESANGGARAN = "35.10.01.2002"


@pytest.fixture
def posyandu(operator: User, village: Any) -> Posyandu:
    return services.posyandu_create(actor=operator, village=village, name="Melati", rw="002")


@pytest.fixture
def make_cadre(make_user: Any, operator: User) -> Any:
    def factory(posyandu: Posyandu, username: str | None = None) -> User:
        user = make_user(username, roles=[(Role.POSYANDU_CADRE, posyandu.village_id)])
        manager = User.objects.filter(
            role_assignments__role=Role.VILLAGE_OPERATOR,
            role_assignments__scope_id=posyandu.village_id,
        ).first() or make_user(roles=[(Role.VILLAGE_OPERATOR, posyandu.village_id)])
        services.cadre_assign(actor=manager, posyandu=posyandu, user=user)
        return user

    return factory


@pytest.fixture
def cadre(make_cadre: Any, posyandu: Posyandu) -> User:
    return make_cadre(posyandu, "kader.melati")


@pytest.fixture
def health_officer(make_user: Any) -> User:
    return make_user("dinkes", roles=[(Role.HEALTH_OFFICER, "35.10")])


@pytest.fixture
def make_child(operator: User, village: Any) -> Any:
    def factory(
        *, birth_date: date | None = None, sex: int = Sex.MALE, rw: str = "002", **kw: Any
    ) -> Resident:
        born = birth_date or (timezone.localdate() - timedelta(days=400))
        return make_resident(
            actor=operator,
            village=kw.pop("village_obj", village),
            birth_date=born,
            sex=sex,
            full_name=kw.pop("full_name", "Bima Anak"),
            family_role=FamilyRole.CHILD,
            marital_status=MaritalStatus.NOT_MARRIED,
            rw=rw,
            **kw,
        )

    return factory


@pytest.fixture
def child(make_child: Any) -> Resident:
    return make_child()

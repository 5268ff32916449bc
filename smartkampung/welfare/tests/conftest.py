from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from smartkampung.accounts.models import Role, User
from smartkampung.population.codes import FamilyRole, Sex
from smartkampung.population.testing import make_kk, make_nik, make_resident
from smartkampung.welfare import services
from smartkampung.welfare.models import AidProgramme

SARONGAN = "35.10.01.2001"
PESANGGARAN = "35.10.01.2002"
SUKOREJO = "35.10.02.2001"
PERIOD = "2026-03"


@pytest.fixture
def social(make_user: Any) -> User:
    return make_user("dinsos", roles=[(Role.SOCIAL_OFFICER, "35.10")])


@pytest.fixture
def camat(make_user: Any) -> User:
    return make_user("camat.pesanggaran", roles=[(Role.DISTRICT_OFFICER, "35.10.01")])


@pytest.fixture
def other_operator(make_user: Any) -> User:
    return make_user("op.sukorejo", roles=[(Role.VILLAGE_OPERATOR, SUKOREJO)])


@pytest.fixture
def neighbour_operator(make_user: Any) -> User:
    return make_user("op.pesanggaran", roles=[(Role.VILLAGE_OPERATOR, PESANGGARAN)])


@pytest.fixture
def register_admin(make_user: Any) -> User:
    """Registers residents in every test village (population's write role)."""
    return make_user(
        "registrar",
        roles=[
            (Role.VILLAGE_OPERATOR, SARONGAN),
            (Role.VILLAGE_OPERATOR, PESANGGARAN),
            (Role.VILLAGE_OPERATOR, SUKOREJO),
        ],
    )


Family = dict[str, Any]


@pytest.fixture
def make_family(register_admin: User) -> Callable[..., Family]:
    """A household registered through population's services: a head (and optional members).

    Returns {"kk", "head", "members", "household_id"}."""

    def factory(
        village: str = SARONGAN,
        *,
        head_birth: date = date(1980, 4, 2),
        head_name: str = "Slamet Riyadi",
        children: list[date] | None = None,
    ) -> Family:
        kk = make_kk()
        head = make_resident(
            actor=register_admin,
            village=village,
            kk_number=kk,
            full_name=head_name,
            birth_date=head_birth,
            nik=make_nik(birth_date=head_birth),
        )
        members = [head]
        for birth in children or []:
            members.append(
                make_resident(
                    actor=register_admin,
                    village=village,
                    kk_number=kk,
                    full_name="Dewi Lestari",
                    sex=Sex.FEMALE,
                    birth_date=birth,
                    nik=make_nik(sex=Sex.FEMALE, birth_date=birth),
                    family_role=FamilyRole.CHILD,
                    marital_status=1,
                )
            )
        return {"kk": kk, "head": head, "members": members, "household_id": head.household_id}

    return factory


def programme_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "PKH",
        "name": "Program Keluarga Harapan",
        "target": "household",
        "fund_source": "apbn",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "decile_max": 4,
        "min_age": None,
        "max_age": None,
        "excludes": [],
        "budget_activity_code": "",
        "monthly_amount": None,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_programme(social: User) -> Callable[..., AidProgramme]:
    def factory(**overrides: Any) -> AidProgramme:
        return services.programme_save(actor=social, data=programme_data(**overrides))

    return factory


def register_csv(rows: list[dict[str, Any]]) -> bytes:
    header = "household_id,kk_number,nik,name,birth_date,decile,village_code,programmes"
    lines = [header]
    for r in rows:
        lines.append(
            ",".join(
                str(r.get(k, ""))
                for k in (
                    "household_id",
                    "kk_number",
                    "nik",
                    "name",
                    "birth_date",
                    "decile",
                    "village_code",
                    "programmes",
                )
            )
        )
    return ("\n".join(lines) + "\n").encode()


def family_rows(
    family: Family, *, decile: int, dtks: str, village: str = SARONGAN, flags: str = ""
) -> list[dict[str, Any]]:
    return [
        {
            "household_id": dtks,
            "kk_number": family["kk"],
            "nik": m.nik,
            "name": m.full_name,
            "birth_date": m.birth_date.isoformat(),
            "decile": decile,
            "village_code": village,
            "programmes": flags,
        }
        for m in family["members"]
    ]


@pytest.fixture
def in_register(social: User) -> Callable[..., Any]:
    """Put families in the register through the import service."""

    def factory(*families: tuple[Family, int], as_of: date = date(2026, 1, 1)) -> Any:
        rows: list[dict[str, Any]] = []
        for family, decile in families:
            rows += family_rows(family, decile=decile, dtks=f"D{family['household_id']}")
        return services.register_import(actor=social, data=register_csv(rows), as_of=as_of)

    return factory

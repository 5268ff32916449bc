"""Every write of the register, for every kind of actor: only the village's operator (or
secretary) may; everyone else is refused and nothing changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.population import permissions, services
from smartkampung.population.models import (
    ActivationCode,
    Household,
    LifeEvent,
    Resident,
    ResidentViewLog,
    TransferRequest,
)
from smartkampung.population.testing import make_kk, resident_data

pytestmark = pytest.mark.django_db

WRITES = {
    "update": lambda a, r, v, n: services.resident_update(
        actor=a, resident=r, changes={"full_name": "Nama Baru"}
    ),
    "death": lambda a, r, v, n: services.death_record(
        actor=a, resident=r, occurred_on=date(2025, 1, 1)
    ),
    "move_out": lambda a, r, v, n: services.move_out_record(
        actor=a, resident=r, occurred_on=date(2025, 1, 1)
    ),
    "missing": lambda a, r, v, n: services.resident_status_set(actor=a, resident=r, missing=True),
    "transfer": lambda a, r, v, n: services.resident_transfer(
        actor=a,
        resident=r,
        to_village=n,
        occurred_on=date(2025, 1, 1),
        kk_number=make_kk(),
        rt="1",
        rw="1",
    ),
    "household_transfer": lambda a, r, v, n: services.household_transfer(
        actor=a, household=r.household, to_village=n, occurred_on=date(2025, 1, 1), rt="1", rw="1"
    ),
    "household_update": lambda a, r, v, n: services.household_update(
        actor=a, household=r.household, changes={"rt": "7"}
    ),
    "birth": lambda a, r, v, n: services.birth_register(
        actor=a, village=v, data=resident_data(kk_number=make_kk())
    ),
    "move_in": lambda a, r, v, n: services.move_in_register(
        actor=a, village=v, data=resident_data(), occurred_on=date(2025, 1, 1)
    ),
    "activation": lambda a, r, v, n: services.activation_code_issue(actor=a, resident=r),
}


def _everything() -> Any:
    return snapshot_rows(
        Resident, Household, LifeEvent, ActivationCode, ResidentViewLog, TransferRequest, AuditEvent
    )


@pytest.mark.parametrize("write", sorted(WRITES))
@permission_matrix(allowed={"staff_with_role"})
def test_write_matrix(
    write, actor_kind, allowed, matrix_actor, village, neighbour_village, resident
):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)

    def call() -> Any:
        return WRITES[write](actor, resident, village, neighbour_village)

    if allowed:
        call()
    else:
        assert_refused_unchanged(call, snapshot=_everything)


def test_secretary_may_write_treasurer_may_not_read(make_user, village) -> None:
    secretary = make_user(roles=[(Role.VILLAGE_SECRETARY, village.code)])
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, village.code)])
    inspector = make_user(roles=[(Role.INSPECTOR, "35.10")])
    assert permissions.can_edit_register(secretary, village.code)
    assert not permissions.can_read_register(treasurer, village.code)
    assert permissions.can_view_statistics(treasurer, village.code)
    assert permissions.can_read_register(inspector, village.code)
    assert not permissions.can_edit_register(inspector, village.code)
    assert not permissions.can_export_register(inspector, village.code)

"""Register writes: validation, uniqueness, households, life events, audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.population import services
from smartkampung.population.codes import FamilyRole, Sex
from smartkampung.population.exceptions import RecordInvalid, StateConflict
from smartkampung.population.models import (
    Household,
    LifeEvent,
    LifeEventKind,
    Resident,
    ResidentStatus,
)
from smartkampung.population.testing import make_kk, make_nik, make_resident, resident_data

pytestmark = pytest.mark.django_db


def _all_rows() -> Any:
    return snapshot_rows(Resident, Household, LifeEvent, AuditEvent)


@permission_matrix(allowed={"staff_with_role"})
def test_register_permission_matrix(actor_kind, allowed, matrix_actor, village) -> None:
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    data = resident_data()

    def call() -> Resident:
        return services.resident_register(actor=actor, village=village, data=data)

    if allowed:
        resident = call()
        assert resident.household.kk_number == data["kk_number"]
    else:
        assert_refused_unchanged(call, snapshot=_all_rows)


def test_register_creates_household_event_and_audit(operator, village) -> None:
    resident = make_resident(actor=operator, village=village, full_name="Sri  Wahyuni Ândriani")
    assert resident.name_search == "sri wahyuni andriani"
    assert resident.full_name == "Sri Wahyuni Ândriani"
    assert resident.household.head == resident
    assert resident.household.rt == "001"
    event = resident.life_events.get()
    assert event.kind == LifeEventKind.REGISTERED
    audit = AuditEvent.objects.filter(action="population.resident_registered").get()
    assert resident.nik not in audit.data_json
    assert resident.household.kk_number not in audit.data_json


def test_staff_in_scope_without_write_role_gets_403(make_user, village) -> None:
    head = make_user(roles=[(Role.VILLAGE_HEAD, village.code)])
    with pytest.raises(PermissionDenied):
        make_resident(actor=head, village=village)


def test_regency_officer_cannot_write(regency_officer, village) -> None:
    with pytest.raises(PermissionDenied):
        make_resident(actor=regency_officer, village=village)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"nik": "35100117059"}, "nik"),  # malformed
        ({"nik": "3510015705900001"}, "nik"),  # a woman's NIK for a man
        ({"birth_date": timezone.localdate() + timedelta(days=1)}, "birth_date"),
        ({"religion": 9}, "religion"),  # unknown code
        ({"occupation": "Astronaut"}, "occupation"),
        ({"full_name": "R2-D2"}, "full_name"),
        ({"full_name": ""}, "full_name"),
        ({"rt": "0"}, "rt"),
        ({"rw": "1000"}, "rw"),
        ({"kk_number": "123"}, "kk_number"),
        ({"address": "Jl. Mawar\x00"}, "address"),
    ],
)
def test_bad_records_are_refused_by_field(operator, village, overrides, field) -> None:
    data = resident_data(**overrides)
    error = assert_refused_unchanged(
        lambda: services.resident_register(actor=operator, village=village, data=data),
        snapshot=_all_rows,
    )
    assert isinstance(error, RecordInvalid)
    assert field in error.details


def test_duplicate_nik_among_living_residents_is_refused(
    operator, village, neighbour_village, make_user
) -> None:
    """The rule holds across the regency, but an operator of another village learns only that
    the number cannot be used here (no existence oracle); the refusal is audited."""
    first = make_resident(actor=operator, village=village)
    other_operator = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    error = assert_refused_unchanged(
        lambda: make_resident(actor=other_operator, village=neighbour_village, nik=first.nik),
        snapshot=lambda: snapshot_rows(Resident, Household, LifeEvent),
    )
    assert error.code == "number_unavailable"
    assert error.details == {
        "nik": [
            "This number cannot be used here. Please contact the kecamatan office (Dukcapil) "
            "to have it checked."
        ]
    }
    refusal = AuditEvent.objects.get(action="population.number_refused")
    assert refusal.actor_id == other_operator.pk and refusal.scope_code == neighbour_village.code
    assert first.nik not in refusal.data_json
    # Within the operator's own register the clash is named (they can see that record).
    again = assert_refused_unchanged(
        lambda: make_resident(actor=operator, village=village, nik=first.nik),
        snapshot=_all_rows,
    )
    assert again.details == {"nik": ["A living resident of the regency already has this NIK."]}


def test_nik_of_a_dead_resident_may_not_block_but_is_kept(operator, village) -> None:
    first = make_resident(actor=operator, village=village)
    services.death_record(actor=operator, resident=first, occurred_on=date(2024, 1, 2))
    again = make_resident(actor=operator, village=village, nik=first.nik)
    assert Resident.objects.filter(nik=first.nik).count() == 2
    assert again.status == ResidentStatus.ALIVE


def test_kk_of_another_village_is_refused(operator, village, neighbour_village, make_user) -> None:
    first = make_resident(actor=operator, village=village)
    other_operator = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    error = assert_refused_unchanged(
        lambda: make_resident(
            actor=other_operator, village=neighbour_village, kk_number=first.household.kk_number
        ),
        snapshot=lambda: snapshot_rows(Resident, Household, LifeEvent),
    )
    assert error.code == "number_unavailable"
    assert "cannot be used here" in error.details["kk_number"][0]
    assert "another village" not in str(error.details)
    assert AuditEvent.objects.filter(action="population.number_refused").count() == 1


def test_a_household_has_one_living_head(operator, village, family) -> None:
    kk = family[0].household.kk_number
    assert_refused_unchanged(
        lambda: make_resident(actor=operator, village=village, kk_number=kk),
        snapshot=_all_rows,
    )


def test_update_validates_whole_record_and_audits_field_names(operator, resident) -> None:
    updated = services.resident_update(
        actor=operator, resident=resident, changes={"full_name": "Slamet Riyadi Putra"}
    )
    assert updated.name_search == "slamet riyadi putra"
    event = AuditEvent.objects.filter(action="population.resident_update").get()
    assert event.data == {"fields": ["full_name"]}
    # Switching sex without a matching NIK contradicts the NIK's date.
    error = assert_refused_unchanged(
        lambda: services.resident_update(
            actor=operator, resident=updated, changes={"sex": Sex.FEMALE}
        ),
        snapshot=_all_rows,
    )
    assert "nik" in error.details


def test_update_moves_to_another_household(operator, village, family) -> None:
    child = family[2]
    new_kk = make_kk()
    moved = services.resident_update(
        actor=operator,
        resident=child,
        changes={"kk_number": new_kk, "family_role": FamilyRole.HEAD_OF_FAMILY},
    )
    assert moved.household.kk_number == new_kk
    assert moved.household.head == moved


def test_death_ends_membership_and_blocks_second_death(operator, family) -> None:
    head = family[0]
    dead = services.death_record(
        actor=operator, resident=head, occurred_on=date(2025, 1, 5), place="RSUD Blambangan"
    )
    assert dead.status == ResidentStatus.DEAD
    assert dead.household.head is None
    assert dead.life_events.filter(kind=LifeEventKind.DEATH).get().place == "RSUD Blambangan"
    assert_refused_unchanged(
        lambda: services.death_record(actor=operator, resident=dead, occurred_on=date(2025, 1, 6)),
        snapshot=_all_rows,
        errors=(StateConflict,),
    )


def test_death_before_birth_or_in_future_is_refused(operator, resident) -> None:
    for when in (date(1980, 1, 1), timezone.localdate() + timedelta(days=2), "soon"):
        assert_refused_unchanged(
            lambda when=when: services.death_record(
                actor=operator, resident=resident, occurred_on=when
            ),
            snapshot=_all_rows,
        )


def test_birth_event_is_dated_at_birth(operator, village, family) -> None:
    baby = services.birth_register(
        actor=operator,
        village=village,
        data=resident_data(
            nik=make_nik(sex=Sex.MALE, birth_date=date(2025, 2, 3)),
            kk_number=family[0].household.kk_number,
            full_name="Bagus Pratama",
            birth_date=date(2025, 2, 3),
            family_role=FamilyRole.CHILD,
            marital_status=1,
            education=1,
            occupation=1,
        ),
    )
    event = baby.life_events.get()
    assert (event.kind, event.occurred_on) == (LifeEventKind.BIRTH, date(2025, 2, 3))


def test_move_out_then_move_in_keeps_one_history(operator, village, resident) -> None:
    services.move_out_record(
        actor=operator, resident=resident, occurred_on=date(2024, 5, 1), destination="Surabaya"
    )
    data = resident_data(nik=resident.nik, kk_number=make_kk(), full_name=resident.full_name)
    back = services.move_in_register(
        actor=operator, village=village, data=data, occurred_on=date(2025, 5, 1), origin="Surabaya"
    )
    assert back.pk == resident.pk
    assert back.status == ResidentStatus.ALIVE
    kinds = list(back.life_events.order_by("id").values_list("kind", flat=True))
    assert kinds == [LifeEventKind.REGISTERED, LifeEventKind.MOVE_OUT, LifeEventKind.MOVE_IN]


def test_transfer_between_villages(operator, make_user, resident, neighbour_village) -> None:
    request = services.resident_transfer(
        actor=operator,
        resident=resident,
        to_village=neighbour_village,
        occurred_on=date(2025, 6, 1),
        kk_number=make_kk(),
        rt="3",
        rw="4",
    )
    # Asked, not moved: the receiving village decides (ADR 0064).
    assert request.status == "pending"
    resident.refresh_from_db()
    assert resident.village_id == "35.10.01.2001"
    other = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    services.transfer_accept(actor=other, transfer=request)
    moved = Resident.objects.get(pk=resident.pk)
    assert moved.village_id == neighbour_village.code
    assert (moved.rt, moved.rw) == ("003", "004")
    event = moved.life_events.get(kind=LifeEventKind.TRANSFER)
    assert (event.village_id, event.other_village_id) == (neighbour_village.code, "35.10.01.2001")
    # The origin operator no longer sees the resident; the destination's does.
    with pytest.raises(NotFound):
        services.resident_update(actor=operator, resident=moved, changes={"dusun": "Krajan"})
    services.resident_update(actor=other, resident=moved, changes={"dusun": "Krajan"})


def test_household_transfer_moves_every_living_member(
    operator, make_user, family, other_village
) -> None:
    request = services.household_transfer(
        actor=operator,
        household=family[0].household,
        to_village=other_village,
        occurred_on=date(2025, 7, 1),
        rt="1",
        rw="1",
    )
    assert not LifeEvent.objects.filter(kind=LifeEventKind.TRANSFER).exists()
    receiving = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    services.transfer_accept(actor=receiving, transfer=request)
    household = Household.objects.get(pk=family[0].household_id)
    assert household.village_id == other_village.code
    assert set(household.members.values_list("village_id", flat=True)) == {other_village.code}
    assert LifeEvent.objects.filter(kind=LifeEventKind.TRANSFER).count() == 3


def test_transfer_to_same_village_is_refused(operator, resident, village) -> None:
    assert_refused_unchanged(
        lambda: services.resident_transfer(
            actor=operator,
            resident=resident,
            to_village=village,
            occurred_on=date(2025, 6, 1),
            kk_number=make_kk(),
            rt="1",
            rw="1",
        ),
        snapshot=_all_rows,
    )

"""Transfers between villages (ADR 0064): the origin asks, the receiving village decides, and
nobody moves until it accepts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import KEC_PESANGGARAN, PESANGGARAN, REGENCY, SARONGAN
from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.population import selectors, services
from smartkampung.population.exceptions import (
    PopulationErrorCode,
    RecordInvalid,
    TransferConflict,
)
from smartkampung.population.models import (
    Household,
    LifeEvent,
    LifeEventKind,
    Resident,
    TransferRequest,
)
from smartkampung.population.testing import make_kk

pytestmark = pytest.mark.django_db


def _everything() -> Any:
    return snapshot_rows(Resident, Household, LifeEvent, TransferRequest, AuditEvent)


def _ask(actor: Any, resident: Resident, to: str = PESANGGARAN, **extra: Any) -> TransferRequest:
    return services.resident_transfer(
        actor=actor,
        resident=resident,
        to_village=to,
        occurred_on=date(2025, 6, 1),
        kk_number=extra.pop("kk_number", None) or make_kk(),
        rt="2",
        rw="3",
        details="Ikut suami",
        **extra,
    )


@pytest.fixture
def receiving(make_user: Any) -> Any:
    return make_user("op.pesanggaran", roles=[(Role.VILLAGE_OPERATOR, PESANGGARAN)])


@pytest.fixture
def pending(operator: Any, resident: Resident) -> TransferRequest:
    return _ask(operator, resident)


def test_a_request_moves_nobody(operator, resident, receiving) -> None:
    events_before = list(LifeEvent.objects.values_list("pk", flat=True))
    request = _ask(operator, resident)
    assert request.status == TransferRequest.Status.PENDING
    assert (request.village_id, request.target_village_id) == (SARONGAN, PESANGGARAN)
    assert (request.rt, request.rw, request.reason) == ("002", "003", "Ikut suami")
    resident.refresh_from_db()
    assert resident.village_id == SARONGAN
    assert list(LifeEvent.objects.values_list("pk", flat=True)) == events_before
    # The receiving village sees nothing of the resident's register yet, only the request.
    with pytest.raises(NotFound):
        selectors.resident_get(actor=receiving, resident_id=resident.pk)
    incoming = selectors.transfer_list(actor=receiving, direction="incoming")
    assert list(incoming) == [request]
    assert not selectors.transfer_list(actor=receiving, direction="outgoing").exists()
    assert AuditEvent.objects.filter(action="population.transfer_requested").count() == 1


def test_receiving_operator_accepts_and_the_move_runs(pending, resident, receiving) -> None:
    services.transfer_accept(actor=receiving, transfer=pending, note="Selamat datang")
    pending.refresh_from_db()
    assert pending.status == TransferRequest.Status.ACCEPTED
    assert (pending.decided_by, pending.note) == (receiving, "Selamat datang")
    resident.refresh_from_db()
    assert resident.village_id == PESANGGARAN
    assert pending.target_household_id == resident.household_id
    assert resident.household.kk_number == pending.kk_number
    event = resident.life_events.get(kind=LifeEventKind.TRANSFER)
    assert (event.village_id, event.other_village_id) == (PESANGGARAN, SARONGAN)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"population.transfer_accepted", "population.resident_transfer"} <= actions


def test_origin_operator_cannot_accept_or_refuse(operator, pending) -> None:
    for call in (
        lambda: services.transfer_accept(actor=operator, transfer=pending),
        lambda: services.transfer_refuse(actor=operator, transfer=pending, note="Tidak"),
    ):
        assert_refused_unchanged(call, snapshot=_everything, errors=(PermissionDenied,))


@pytest.mark.parametrize(
    "role,scope",
    [
        (Role.DISTRICT_OFFICER, KEC_PESANGGARAN),
        (Role.REGENCY_OFFICER, REGENCY),
        (Role.INSPECTOR, REGENCY),
        (Role.VILLAGE_HEAD, PESANGGARAN),
    ],
)
def test_officials_above_and_the_head_only_read(
    make_user, operator, resident, pending, role, scope
) -> None:
    official = make_user(roles=[(role, scope)])
    assert selectors.transfer_get(actor=official, transfer_id=pending.pk) == pending
    for call in (
        lambda: services.transfer_accept(actor=official, transfer=pending),
        lambda: services.transfer_refuse(actor=official, transfer=pending, note="Tidak"),
        lambda: services.transfer_cancel(actor=official, transfer=pending),
    ):
        assert_refused_unchanged(call, snapshot=_everything, errors=(PermissionDenied,))


def test_receiving_operator_cannot_ask_for_a_resident_not_theirs(receiving, resident) -> None:
    assert_refused_unchanged(
        lambda: _ask(receiving, resident, to=PESANGGARAN), snapshot=_everything, errors=(NotFound,)
    )


def test_receiving_cannot_cancel_and_a_stranger_sees_nothing(
    make_user, receiving, pending, other_village
) -> None:
    assert_refused_unchanged(
        lambda: services.transfer_cancel(actor=receiving, transfer=pending),
        snapshot=_everything,
        errors=(PermissionDenied,),
    )
    stranger = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    with pytest.raises(NotFound):
        selectors.transfer_get(actor=stranger, transfer_id=pending.pk)
    for call in (
        lambda: services.transfer_accept(actor=stranger, transfer=pending),
        lambda: services.transfer_refuse(actor=stranger, transfer=pending, note="x"),
        lambda: services.transfer_cancel(actor=stranger, transfer=pending),
    ):
        assert_refused_unchanged(call, snapshot=_everything, errors=(NotFound,))


def test_double_accept_is_a_conflict(pending, resident, receiving) -> None:
    services.transfer_accept(actor=receiving, transfer=pending)
    error = assert_refused_unchanged(
        lambda: services.transfer_accept(actor=receiving, transfer=pending),
        snapshot=_everything,
        errors=(TransferConflict,),
    )
    assert error.code == PopulationErrorCode.TRANSFER_DECIDED
    assert resident.life_events.filter(kind=LifeEventKind.TRANSFER).count() == 1


def test_accept_after_the_resident_died_changes_nothing(
    operator, pending, resident, receiving
) -> None:
    services.death_record(actor=operator, resident=resident, occurred_on=date(2025, 6, 2))
    error = assert_refused_unchanged(
        lambda: services.transfer_accept(actor=receiving, transfer=pending),
        snapshot=_everything,
        errors=(TransferConflict,),
    )
    assert error.code == PopulationErrorCode.TRANSFER_STALE
    resident.refresh_from_db()
    assert (resident.village_id, resident.status) == (SARONGAN, "dead")


def test_refusal_needs_a_note_and_leaves_the_register_unchanged(
    pending, resident, receiving
) -> None:
    assert_refused_unchanged(
        lambda: services.transfer_refuse(actor=receiving, transfer=pending, note="   "),
        snapshot=_everything,
        errors=(RecordInvalid,),
    )
    register = snapshot_rows(Resident, Household, LifeEvent)
    services.transfer_refuse(actor=receiving, transfer=pending, note="KK tidak dikenal")
    assert snapshot_rows(Resident, Household, LifeEvent) == register
    pending.refresh_from_db()
    assert (pending.status, pending.note, pending.decided_by) == (
        "refused",
        "KK tidak dikenal",
        receiving,
    )
    assert AuditEvent.objects.filter(action="population.transfer_refused").count() == 1
    with pytest.raises(TransferConflict):
        services.transfer_accept(actor=receiving, transfer=pending)


def test_origin_cancels_while_pending_then_can_ask_again(
    operator, pending, resident, receiving
) -> None:
    assert_refused_unchanged(
        lambda: _ask(operator, resident), snapshot=_everything, errors=(TransferConflict,)
    )
    services.transfer_cancel(actor=operator, transfer=pending, note="Batal pindah")
    pending.refresh_from_db()
    assert pending.status == "cancelled"
    assert AuditEvent.objects.filter(action="population.transfer_cancelled").count() == 1
    with pytest.raises(TransferConflict):
        services.transfer_accept(actor=receiving, transfer=pending)
    again = _ask(operator, resident)
    assert again.is_pending


def test_household_request_then_accept(operator, family, make_user, other_village) -> None:
    request = services.household_transfer(
        actor=operator,
        household=family[0].household,
        to_village=other_village,
        occurred_on=date(2025, 7, 1),
        rt="1",
        rw="1",
        resident=family[1],
    )
    assert (request.kind, request.resident_id) == ("household", family[1].pk)
    # A member of a household on its way cannot be asked for on their own.
    assert_refused_unchanged(
        lambda: _ask(operator, family[2]), snapshot=_everything, errors=(TransferConflict,)
    )
    assert set(Resident.objects.values_list("village_id", flat=True)) == {SARONGAN}
    receiving = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    services.transfer_accept(actor=receiving, transfer=request)
    assert set(Resident.objects.values_list("village_id", flat=True)) == {other_village.code}


def test_keeper_of_both_registers_moves_at_once(make_user, resident) -> None:
    both = make_user(
        roles=[(Role.VILLAGE_OPERATOR, SARONGAN), (Role.VILLAGE_OPERATOR, PESANGGARAN)]
    )
    request = _ask(both, resident)
    assert (request.status, request.decided_by) == ("accepted", both)
    resident.refresh_from_db()
    assert resident.village_id == PESANGGARAN


def test_a_kk_of_a_third_village_is_refused_at_acceptance_without_saying_where(
    operator, resident, receiving, make_user, other_village
) -> None:
    from smartkampung.population.testing import make_resident

    elsewhere = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    kk = make_kk()
    make_resident(actor=elsewhere, village=other_village, kk_number=kk)
    request = _ask(operator, resident, kk_number=kk)  # the origin cannot see Sukorejo's KK
    error = assert_refused_unchanged(
        lambda: services.transfer_accept(actor=receiving, transfer=request),
        snapshot=lambda: snapshot_rows(Resident, Household, LifeEvent, TransferRequest),
        errors=(RecordInvalid,),
    )
    assert error.code == PopulationErrorCode.NUMBER_UNAVAILABLE
    assert other_village.code not in error.message

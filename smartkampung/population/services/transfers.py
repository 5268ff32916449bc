"""Transfers between villages of the regency (ADR 0064).

The origin village asks; the receiving village accepts or refuses. Until it accepts, nobody
moves: the resident (or the household) stays on the origin's register and in its statistics.
Acceptance re-checks, in the same transaction that moves them, that the request is still
pending and the people still living where the request found them. When the actor keeps the
register of both villages (or is the system), the receiving village takes part already and the
move is immediate, recorded as a request accepted by the same person.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.regions.models import Region

from ..exceptions import PopulationError, PopulationErrorCode, RecordInvalid, TransferConflict
from ..models import LIVING_STATUSES, Household, LifeEventKind, Resident, TransferRequest
from ..permissions import (
    can_cancel_transfer,
    can_decide_transfer,
    can_edit_register,
    can_read_register,
    can_read_transfer,
)
from ..statistics import mark_stale
from ..validation import RESIDENT_FIELDS
from .residents import (
    HOUSEHOLD_FIELDS,
    _claim_head,
    _clean_or_raise,
    _clean_place,
    _event_date,
    _household_for,
    _move_citizen_grant,
    _record_event,
    _release_head,
    _require_living,
    _village,
    audited_number_refusals,
    require_edit,
)

NOTE_MAX = 2000


def _receiving_takes_part(actor: Any, destination: Region) -> bool:
    return actor is None or can_edit_register(actor, destination.code)


def _refuse_pending_twice(resident: Resident, household: Household | None) -> None:
    """A person in one open request at a time (the household's members included)."""
    pending = TransferRequest.objects.filter(status=TransferRequest.Status.PENDING)
    clash = pending.filter(resident=resident).exists()
    if household is not None:
        clash = (
            clash
            or pending.filter(household=household).exists()
            or pending.filter(resident__household=household).exists()
        )
    elif resident.household_id is not None:
        clash = clash or pending.filter(household_id=resident.household_id).exists()
    if clash:
        raise TransferConflict(
            _("A transfer of this resident is already waiting for the receiving village."),
            code=PopulationErrorCode.TRANSFER_PENDING,
        )


def _refuse_own_other_kk(actor: Any, kk_number: str, destination: Region) -> None:
    """A KK number the actor can see belongs to a third village: say so now. One they cannot
    see is left to the receiving village's acceptance, so the answer tells nothing (ADR 0063)."""
    holder = Household.objects.filter(kk_number=kk_number).values_list("village_id", flat=True)
    code = holder.first()
    if code is not None and code != destination.code and can_read_register(actor, code):
        raise RecordInvalid(
            _("The record has errors."),
            code=PopulationErrorCode.KK_OTHER_VILLAGE,
            details={"kk_number": [_("This KK number belongs to a household of another village.")]},
        )


@audited_number_refusals
def resident_transfer(
    *,
    actor: Any,
    resident: Resident,
    to_village: Region | str,
    occurred_on: Any,
    kk_number: str,
    rt: str,
    rw: str,
    dusun: str = "",
    address: str = "",
    details: str = "",
) -> TransferRequest:
    """Ask to move a resident into the household ``kk_number`` of another village (created
    there if new). Returns the request: pending, or accepted at once when the actor also keeps
    the receiving village's register."""
    require_edit(actor, resident.village_id)
    destination = _village(to_village)
    if destination.code == resident.village_id:
        raise PopulationError(
            _("The resident already lives in this village."), code=PopulationErrorCode.SAME_VILLAGE
        )
    when = _event_date(occurred_on)
    current = {name: getattr(resident, name) for name in RESIDENT_FIELDS if name != "kk_number"}
    cleaned = _clean_or_raise(
        {**current, "kk_number": kk_number, "rt": rt, "rw": rw, "dusun": dusun, "address": address}
    )
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        _require_living(locked)
        _refuse_pending_twice(locked, None)
        _refuse_own_other_kk(actor, cleaned["kk_number"], destination)
        request = TransferRequest.objects.create(
            kind=TransferRequest.Kind.RESIDENT,
            resident=locked,
            village_id=locked.village_id,
            target_village=destination,
            kk_number=cleaned["kk_number"],
            occurred_on=when,
            reason=details[:NOTE_MAX],
            requested_by=_user(actor),
            **{name: cleaned[name] for name in HOUSEHOLD_FIELDS},
        )
        _audit_requested(actor, request)
        if _receiving_takes_part(actor, destination):
            _accept(actor, request, note="")
    return request


def household_transfer(
    *,
    actor: Any,
    household: Household,
    to_village: Region | str,
    occurred_on: Any,
    rt: str,
    rw: str,
    dusun: str = "",
    address: str = "",
    details: str = "",
    resident: Resident | None = None,
) -> TransferRequest:
    """Ask to move a whole household (its living members, same family card) into another
    village. ``resident`` is the member whose page it was asked from (any member otherwise)."""
    require_edit(actor, household.village_id)
    destination = _village(to_village)
    if destination.code == household.village_id:
        raise PopulationError(
            _("The household already lives in this village."),
            code=PopulationErrorCode.SAME_VILLAGE,
        )
    when = _event_date(occurred_on)
    values = _clean_place({"rt": rt, "rw": rw, "dusun": dusun, "address": address})
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        members = locked.members.filter(status__in=LIVING_STATUSES).order_by("family_role", "pk")
        asker = resident if resident is not None and resident.household_id == locked.pk else None
        asker = asker or members.first()
        if asker is None:
            raise TransferConflict(
                _("This household has no living member."), code=PopulationErrorCode.NOT_LIVING
            )
        _refuse_pending_twice(asker, locked)
        request = TransferRequest.objects.create(
            kind=TransferRequest.Kind.HOUSEHOLD,
            resident=asker,
            household=locked,
            village_id=locked.village_id,
            target_village=destination,
            occurred_on=when,
            reason=details[:NOTE_MAX],
            requested_by=_user(actor),
            **{name: values.get(name, "") for name in HOUSEHOLD_FIELDS},
        )
        _audit_requested(actor, request)
        if _receiving_takes_part(actor, destination):
            _accept(actor, request, note="")
    return request


@audited_number_refusals
def transfer_accept(*, actor: Any, transfer: TransferRequest, note: str = "") -> TransferRequest:
    """The receiving village accepts: the move runs now, in one transaction, after checking
    that the request is still pending and the people still living in the origin village."""
    _require_decide(actor, transfer)
    with transaction.atomic():
        locked = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
        _accept(actor, locked, note=note[:NOTE_MAX])
    return locked


def transfer_refuse(*, actor: Any, transfer: TransferRequest, note: str) -> TransferRequest:
    """The receiving village refuses, saying why; nobody moves."""
    _require_decide(actor, transfer)
    note = (note or "").strip()
    if not note:
        raise RecordInvalid(
            _("The record has errors."),
            details={"note": [_("Say why the transfer is refused.")]},
        )
    return _close(actor, transfer, TransferRequest.Status.REFUSED, note[:NOTE_MAX])


def transfer_cancel(*, actor: Any, transfer: TransferRequest, note: str = "") -> TransferRequest:
    """The origin village withdraws a pending request."""
    if actor is not None and not can_cancel_transfer(actor, transfer):
        _deny(actor, transfer, _("Only the village that asked can withdraw this transfer."))
    note = (note or "").strip()[:NOTE_MAX]
    return _close(actor, transfer, TransferRequest.Status.CANCELLED, note)


# -- internals ---------------------------------------------------------------------------------


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _deny(actor: Any, transfer: TransferRequest, message: str) -> None:
    """PermissionDenied to whoever sees the transfer, NotFound to anyone else."""
    if can_read_transfer(actor, transfer):
        raise PermissionDenied(message)
    raise NotFound(_("Not found."))


def _require_decide(actor: Any, transfer: TransferRequest) -> None:
    if actor is None or can_decide_transfer(actor, transfer):
        return
    _deny(actor, transfer, _("Only the receiving village decides this transfer."))


def _require_pending(locked: TransferRequest) -> None:
    if not locked.is_pending:
        raise TransferConflict(
            _("This transfer has already been %(status)s.")
            % {"status": TransferRequest.Status(locked.status).label.lower()}
        )


def _close(actor: Any, transfer: TransferRequest, status: str, note: str) -> TransferRequest:
    with transaction.atomic():
        locked = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
        _require_pending(locked)
        locked.status = status
        locked.decided_by = _user(actor)
        locked.decided_at = timezone.now()
        locked.note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit.record(
            actor,
            f"population.transfer_{status}",
            locked,
            {"from": locked.village_id, "to": locked.target_village_id},
            scope=locked.target_village_id
            if status == TransferRequest.Status.REFUSED
            else locked.village_id,
        )
    return locked


def _audit_requested(actor: Any, request: TransferRequest) -> None:
    audit.record(
        actor,
        "population.transfer_requested",
        request,
        {"kind": request.kind, "from": request.village_id, "to": request.target_village_id},
    )


def _stale() -> TransferConflict:
    return TransferConflict(
        _("The resident no longer lives where this request found them; refuse it instead."),
        code=PopulationErrorCode.TRANSFER_STALE,
    )


def _accept(actor: Any, locked: TransferRequest, *, note: str) -> None:
    """Run the move of a locked, pending request (inside the caller's transaction)."""
    _require_pending(locked)
    destination = _village(locked.target_village_id)
    if locked.kind == TransferRequest.Kind.HOUSEHOLD:
        household = _household_move(actor, locked, destination)
    else:
        household = _resident_move(actor, locked, destination)
    locked.status = TransferRequest.Status.ACCEPTED
    locked.target_household = household
    locked.decided_by = _user(actor)
    locked.decided_at = timezone.now()
    locked.note = note
    locked.save(update_fields=["status", "target_household", "decided_by", "decided_at", "note"])
    audit.record(
        actor,
        "population.transfer_accepted",
        locked,
        {"from": locked.village_id, "to": destination.code},
        scope=destination.code,
    )


def _resident_move(actor: Any, request: TransferRequest, destination: Region) -> Household:
    resident = Resident.objects.select_for_update().get(pk=request.resident_id)
    if not resident.is_living or resident.village_id != request.village_id:
        raise _stale()
    origin = resident.village_id
    values = {name: getattr(request, name) for name in HOUSEHOLD_FIELDS}
    _release_head(resident)
    household = _household_for(destination, request.kk_number, values, actor=actor)
    resident.village = destination
    resident.household = household
    for name, value in values.items():
        setattr(resident, name, value)
    resident.save()
    _claim_head(household, resident)
    _record_event(
        actor=actor,
        kind=LifeEventKind.TRANSFER,
        resident=resident,
        village_code=destination.code,
        other_village_code=origin,
        occurred_on=request.occurred_on,
        details=request.reason,
    )
    _move_citizen_grant(resident, origin, destination)
    mark_stale([origin, destination.code])
    audit.record(
        actor,
        "population.resident_transfer",
        resident,
        {"from": origin, "to": destination.code, "transfer": request.pk},
    )
    return household


def _household_move(actor: Any, request: TransferRequest, destination: Region) -> Household:
    assert request.household_id is not None
    household = Household.objects.select_for_update().get(pk=request.household_id)
    if household.village_id != request.village_id:
        raise _stale()
    origin = household.village_id
    members = list(household.members.select_for_update().filter(status__in=LIVING_STATUSES))
    if not members:
        raise _stale()
    values = {name: getattr(request, name) for name in HOUSEHOLD_FIELDS}
    household.village = destination
    for name, value in values.items():
        setattr(household, name, value)
    household.save()
    for member in members:
        member.village = destination
        for name, value in values.items():
            setattr(member, name, value)
        member.save()
        _record_event(
            actor=actor,
            kind=LifeEventKind.TRANSFER,
            resident=member,
            village_code=destination.code,
            other_village_code=origin,
            occurred_on=request.occurred_on,
            details=request.reason,
        )
        _move_citizen_grant(member, origin, destination)
    mark_stale([origin, destination.code])
    audit.record(
        actor,
        "population.household_transfer",
        household,
        {"from": origin, "to": destination.code, "members": len(members), "transfer": request.pk},
    )
    return household

"""Life events: births and moves in (in ``residents``), deaths, moves out of the regency,
missing persons; transfers between villages are in ``transfers``. Same rules as
``residents``: permission (404 outside scope, 403 without the role), one transaction,
statistics marked stale, audit last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.regions.models import Region

from ..exceptions import RecordInvalid
from ..identity import normalise_name
from ..models import LifeEventKind, Resident, ResidentStatus
from ..statistics import mark_stale
from .residents import (
    _claim_head,
    _clean_or_raise,
    _ensure_nik_free,
    _event_date,
    _household_for,
    _move_citizen_grant,
    _record_event,
    _release_head,
    _require_living,
    _set_login_active,
    _village,
    audited_number_refusals,
    require_edit,
    resident_register,
)


@audited_number_refusals
def move_in_register(
    *,
    actor: Any,
    village: Region | str,
    data: Mapping[str, Any],
    occurred_on: Any,
    origin: str = "",
    details: str = "",
) -> Resident:
    """Someone moves into the village from outside the regency (or comes back).

    A record of the same NIK that had moved away is brought back to life, so the person
    keeps one history; otherwise a new resident is registered."""
    village = _village(village)
    require_edit(actor, village.code)
    cleaned = _clean_or_raise(data)
    when = _event_date(occurred_on)
    returning = (
        Resident.objects.filter(nik=cleaned["nik"], status=ResidentStatus.MOVED_AWAY)
        .order_by("-updated_at")
        .first()
    )
    if returning is None:
        return resident_register(
            actor=actor,
            village=village,
            data=data,
            kind=LifeEventKind.MOVE_IN,
            occurred_on=when,
            place=origin,
            details=details,
        )
    kk_number = cleaned.pop("kk_number")
    with transaction.atomic():
        _ensure_nik_free(
            cleaned["nik"], actor=actor, village_code=village.code, except_id=returning.pk
        )
        household = _household_for(village, kk_number, cleaned, actor=actor)
        previous_village = returning.village_id
        for name, value in cleaned.items():
            setattr(returning, name, value)
        returning.name_search = normalise_name(returning.full_name)
        returning.village = village
        returning.household = household
        returning.status = ResidentStatus.ALIVE
        returning.status_changed_on = when
        returning.save()
        _claim_head(household, returning)
        _record_event(
            actor=actor,
            kind=LifeEventKind.MOVE_IN,
            resident=returning,
            village_code=village.code,
            other_village_code=previous_village if previous_village != village.code else None,
            occurred_on=when,
            place=origin,
            details=details,
        )
        _set_login_active(returning, True)
        _move_citizen_grant(returning, previous_village, village)
        mark_stale([village.code, previous_village])
        audit.record(actor, "population.resident_move_in", returning, {"returning": True})
    return returning


def death_record(
    *, actor: Any, resident: Resident, occurred_on: Any, place: str = "", details: str = ""
) -> Resident:
    """Record a death: the resident leaves the statistics and their login is switched off."""
    return _leave(
        actor=actor,
        resident=resident,
        status=ResidentStatus.DEAD,
        kind=LifeEventKind.DEATH,
        occurred_on=occurred_on,
        place=place,
        details=details,
    )


def move_out_record(
    *, actor: Any, resident: Resident, occurred_on: Any, destination: str = "", details: str = ""
) -> Resident:
    """Record a move out of the regency (for a move to another village, use a transfer)."""
    return _leave(
        actor=actor,
        resident=resident,
        status=ResidentStatus.MOVED_AWAY,
        kind=LifeEventKind.MOVE_OUT,
        occurred_on=occurred_on,
        place=destination,
        details=details,
    )


def _leave(
    *,
    actor: Any,
    resident: Resident,
    status: str,
    kind: str,
    occurred_on: Any,
    place: str,
    details: str,
) -> Resident:
    require_edit(actor, resident.village_id)
    when = _event_date(occurred_on)
    if when < resident.birth_date:
        raise RecordInvalid(
            _("The record has errors."),
            details={"occurred_on": [_("The date is before the date of birth.")]},
        )
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        _require_living(locked)
        locked.status = status
        locked.status_changed_on = when
        locked.save(update_fields=["status", "status_changed_on", "updated_at"])
        _release_head(locked)
        _record_event(
            actor=actor,
            kind=kind,
            resident=locked,
            village_code=locked.village_id,
            occurred_on=when,
            place=place,
            details=details,
        )
        _set_login_active(locked, False)
        mark_stale([locked.village_id])
        audit.record(actor, f"population.resident_{kind}", locked, {})
    return locked


def resident_status_set(*, actor: Any, resident: Resident, missing: bool) -> Resident:
    """Mark a living resident missing, or found again (no life event, but audited)."""
    require_edit(actor, resident.village_id)
    _require_living(resident)
    status = ResidentStatus.MISSING if missing else ResidentStatus.ALIVE
    if resident.status == status:
        return resident
    with transaction.atomic():
        resident.status = status
        resident.status_changed_on = timezone.localdate()
        resident.save(update_fields=["status", "status_changed_on", "updated_at"])
        audit.record(actor, "population.resident_status", resident, {"status": status})
    return resident

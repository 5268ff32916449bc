"""Writes to the register: registering residents (also births and moves in), corrections,
households, and the helpers the life events (``events``) share.

Every function checks the actor's permission (404 outside scope, 403 without the role),
validates with ``validation.clean_resident``, runs in one transaction, marks the village
statistics stale and records an audit event last. Audit data never hold NIK or KK numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.regions.models import Level, Region

from ..codes import FamilyRole
from ..exceptions import NumberUnavailable, PopulationErrorCode, RecordInvalid, StateConflict
from ..identity import normalise_name
from ..models import LIVING_STATUSES, Household, LifeEvent, LifeEventKind, Resident, ResidentStatus
from ..permissions import can_edit_register, can_read_register
from ..statistics import mark_stale
from ..validation import RESIDENT_FIELDS, clean_household_fields, clean_resident, parse_date

HOUSEHOLD_FIELDS = ("rt", "rw", "dusun", "address")


def require_edit(actor: Any, village_code: str) -> None:
    """NotFound outside the actor's scope; PermissionDenied in scope without a write role.

    ``actor=None`` is the system itself (management commands, demo data)."""
    if actor is None or can_edit_register(actor, village_code):
        return
    if can_read_register(actor, village_code):
        raise PermissionDenied(_("Only the village operator or secretary changes the register."))
    raise NotFound(_("Not found."))


def _village(code_or_region: Region | str) -> Region:
    code = code_or_region.code if isinstance(code_or_region, Region) else str(code_or_region)
    village = Region.objects.filter(code=code, level=Level.VILLAGE).first()
    if village is None:
        raise NotFound(_("Village not found."))
    return village


def _clean_or_raise(raw: Mapping[str, Any]) -> dict[str, Any]:
    cleaned, errors = clean_resident(raw)
    if errors:
        raise RecordInvalid(_("The record has errors."), details=errors)
    return cleaned


def _event_date(value: Any, *, field: str = "occurred_on") -> date:
    parsed = parse_date(value) if value not in (None, "") else None
    if parsed is None:
        raise RecordInvalid(_("The record has errors."), details={field: [_("Not a date.")]})
    if parsed > timezone.localdate():
        raise RecordInvalid(
            _("The record has errors."), details={field: [_("The date is in the future.")]}
        )
    return parsed


T = TypeVar("T")


# Said when a NIK or KK number is held by a record outside the actor's register: the rule
# stays (one living resident per NIK, one village per KK) but the answer is no existence oracle.
def _unavailable(field: str, village_code: str) -> NumberUnavailable:
    return NumberUnavailable(
        _("The record has errors."),
        field=field,
        village_code=village_code,
        details={
            field: [
                _(
                    "This number cannot be used here. Please contact the kecamatan office "
                    "(Dukcapil) to have it checked."
                )
            ]
        },
    )


def _ensure_nik_free(
    nik: str, *, actor: Any, village_code: str, except_id: int | None = None
) -> None:
    clash = Resident.objects.filter(nik=nik, status__in=LIVING_STATUSES)
    if except_id is not None:
        clash = clash.exclude(pk=except_id)
    holder = clash.values_list("village_id", flat=True).first()
    if holder is None:
        return
    if not can_read_register(actor, holder):
        raise _unavailable("nik", village_code)
    raise RecordInvalid(
        _("The record has errors."),
        code=PopulationErrorCode.NIK_TAKEN,
        details={"nik": [_("A living resident of the regency already has this NIK.")]},
    )


def _household_for(
    village: Region, kk_number: str, values: Mapping[str, Any], *, actor: Any
) -> Household:
    """The household with this KK number in the village, created if new."""
    household = Household.objects.select_for_update().filter(kk_number=kk_number).first()
    if household is None:
        return Household.objects.create(
            kk_number=kk_number,
            village=village,
            **{f: values.get(f, "") for f in HOUSEHOLD_FIELDS},
        )
    if household.village_id != village.code:
        if not can_read_register(actor, household.village_id):
            raise _unavailable("kk_number", village.code)
        raise RecordInvalid(
            _("The record has errors."),
            code=PopulationErrorCode.KK_OTHER_VILLAGE,
            details={"kk_number": [_("This KK number belongs to a household of another village.")]},
        )
    return household


def audited_number_refusals(service: Callable[..., T]) -> Callable[..., T]:
    """Record every "number cannot be used here" refusal of ``service`` in the audit trail
    (outside the refused transaction, which rolls back), then let the refusal through."""

    @functools.wraps(service)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return service(*args, **kwargs)
        except NumberUnavailable as refusal:
            if refusal.audited:  # a nested service already recorded it
                raise
            refusal.audited = True
            audit.record(
                kwargs.get("actor"),
                "population.number_refused",
                None,
                {"field": refusal.field, "service": service.__name__},
                scope=refusal.village_code,
            )
            raise

    return wrapper


def _claim_head(household: Household, resident: Resident) -> None:
    """Make ``resident`` (SHDK 1) the head, unless the household has another living head."""
    if resident.family_role != FamilyRole.HEAD_OF_FAMILY:
        if household.head_id == resident.pk:
            household.head = None
            household.save(update_fields=["head", "updated_at"])
        return
    if household.head_id not in (None, resident.pk):
        current = Resident.objects.filter(pk=household.head_id).only("status").first()
        if current is not None and current.is_living and current.household_id == household.pk:
            raise RecordInvalid(
                _("The record has errors."),
                code=PopulationErrorCode.HOUSEHOLD_HAS_HEAD,
                details={"family_role": [_("This household already has a head of family.")]},
            )
    household.head = resident
    household.save(update_fields=["head", "updated_at"])


def _release_head(resident: Resident) -> None:
    if resident.household_id is not None:
        Household.objects.filter(pk=resident.household_id, head_id=resident.pk).update(
            head=None, updated_at=timezone.now()
        )


def _save_new(resident: Resident) -> None:
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent registration of the same NIK
        raise RecordInvalid(
            _("The record has errors."),
            code=PopulationErrorCode.NIK_TAKEN,
            details={"nik": [_("A living resident of the regency already has this NIK.")]},
        ) from exc


def _record_event(
    *,
    actor: Any,
    kind: str,
    resident: Resident,
    village_code: str,
    occurred_on: date,
    other_village_code: str | None = None,
    place: str = "",
    details: str = "",
) -> LifeEvent:
    return LifeEvent.objects.create(
        kind=kind,
        resident=resident,
        village_id=village_code,
        other_village_id=other_village_code,
        occurred_on=occurred_on,
        place=place[:120],
        details=details[:2000],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _set_login_active(resident: Resident, active: bool) -> None:
    """A citizen who died or left the regency can no longer log in."""
    if resident.user_id is not None:
        User.objects.filter(pk=resident.user_id).update(is_active=active)


@audited_number_refusals
def resident_register(
    *,
    actor: Any,
    village: Region | str,
    data: Mapping[str, Any],
    kind: str = LifeEventKind.REGISTERED,
    occurred_on: Any = None,
    place: str = "",
    details: str = "",
) -> Resident:
    """Add a living resident to a village (and their household by KK number).

    ``kind`` is the history entry: registered (default), birth or move_in."""
    village = _village(village)
    require_edit(actor, village.code)
    cleaned = _clean_or_raise(data)
    when = _event_date(occurred_on) if occurred_on not in (None, "") else timezone.localdate()
    if kind == LifeEventKind.BIRTH:
        when = cleaned["birth_date"]
    kk_number = cleaned.pop("kk_number")
    with transaction.atomic():
        _ensure_nik_free(cleaned["nik"], actor=actor, village_code=village.code)
        household = _household_for(village, kk_number, cleaned, actor=actor)
        resident = Resident(
            **cleaned,
            village=village,
            household=household,
            name_search=normalise_name(cleaned["full_name"]),
        )
        _save_new(resident)
        _claim_head(household, resident)
        _record_event(
            actor=actor,
            kind=kind,
            resident=resident,
            village_code=village.code,
            occurred_on=when,
            place=place,
            details=details,
        )
        mark_stale([village.code])
        audit.record(actor, f"population.resident_{kind}", resident, {"household": household.pk})
    return resident


def birth_register(
    *,
    actor: Any,
    village: Region | str,
    data: Mapping[str, Any],
    place: str = "",
    details: str = "",
) -> Resident:
    """A birth: a new resident whose history starts with the birth (dated their birth date)."""
    return resident_register(
        actor=actor,
        village=village,
        data=data,
        kind=LifeEventKind.BIRTH,
        place=place or str(data.get("birth_place", "")),
        details=details,
    )


@audited_number_refusals
def resident_update(*, actor: Any, resident: Resident, changes: Mapping[str, Any]) -> Resident:
    """Correct a resident's record. ``changes`` holds only the fields that change; the whole
    record is validated again. A new KK number moves them to that household (same village)."""
    require_edit(actor, resident.village_id)
    if not resident.is_living:
        raise StateConflict(_("Only the record of a living resident can be edited."))
    current: dict[str, Any] = {name: getattr(resident, name, "") for name in RESIDENT_FIELDS}
    current["kk_number"] = resident.household.kk_number if resident.household else ""
    unknown = set(changes) - set(RESIDENT_FIELDS)
    if unknown:
        raise RecordInvalid(
            _("The record has errors."),
            details={name: [_("Unknown field.")] for name in sorted(unknown)},
        )
    cleaned = _clean_or_raise({**current, **changes})
    kk_number = cleaned.pop("kk_number")
    changed = sorted(name for name, value in cleaned.items() if getattr(resident, name) != value)
    if kk_number != current["kk_number"]:
        changed.append("kk_number")
    if not changed:
        return resident
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        if "nik" in changed:
            _ensure_nik_free(
                cleaned["nik"], actor=actor, village_code=locked.village_id, except_id=locked.pk
            )
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.name_search = normalise_name(locked.full_name)
        if "kk_number" in changed:
            _release_head(locked)
            locked.household = _household_for(locked.village, kk_number, cleaned, actor=actor)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            raise RecordInvalid(
                _("The record has errors."),
                code=PopulationErrorCode.NIK_TAKEN,
                details={"nik": [_("A living resident of the regency already has this NIK.")]},
            ) from exc
        if locked.household is not None:
            _claim_head(locked.household, locked)
        mark_stale([locked.village_id])
        audit.record(actor, "population.resident_update", locked, {"fields": changed})
    return locked


def household_update(*, actor: Any, household: Household, changes: Mapping[str, Any]) -> Household:
    """Change a household's address (RT, RW, dusun, address); members living there follow."""
    require_edit(actor, household.village_id)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise RecordInvalid(
            _("The record has errors."),
            details={name: [_("Unknown field.")] for name in sorted(unknown)},
        )
    values = _clean_place({**{f: getattr(household, f) for f in HOUSEHOLD_FIELDS}, **changes})
    with transaction.atomic():
        for name, value in values.items():
            setattr(household, name, value)
        household.save()
        household.members.filter(status__in=LIVING_STATUSES).update(
            **values, updated_at=timezone.now()
        )
        audit.record(actor, "population.household_update", household, {"fields": sorted(changes)})
    return household


def _clean_place(raw: Mapping[str, Any]) -> dict[str, Any]:
    cleaned, errors = clean_household_fields(raw)
    if errors:
        raise RecordInvalid(_("The record has errors."), details=errors)
    return cleaned


def _require_living(resident: Resident) -> None:
    if not resident.is_living:
        raise StateConflict(
            _("This resident is recorded as %(status)s.")
            % {"status": ResidentStatus(resident.status).label.lower()}
        )


def _move_citizen_grant(resident: Resident, from_code: str, to_village: Region) -> None:
    if resident.user_id is None or from_code == to_village.code:
        return
    RoleAssignment.objects.filter(
        user_id=resident.user_id, role=Role.CITIZEN, scope_id=from_code
    ).update(scope=to_village)

"""Reads of the welfare app, always scoped to the acting user.

Public API for other apps (keep stable):
``welfare_status_for_households(*, actor, household_ids) -> dict[int, WelfareStatus]`` (health,
letters' SPM panel) and the actor-free aggregate ``public_recipient_counts`` (portal; no names).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import has_role, has_role_anywhere, scope_q
from smartkampung.core.exceptions import NotFound
from smartkampung.population.models import Household, Resident, ResidentStatus

from .models import (
    AidProgramme,
    Enrolment,
    EnrolmentStatus,
    RegisterEntry,
    RegisterImport,
    SpmOutsideRegister,
    WelfareProposal,
)
from .permissions import (
    BLT_READ_ROLES,
    PROPOSAL_CHECK_ROLES,
    PROPOSAL_READ_ROLES,
    REPORT_ROLES,
    SOCIAL_ROLES,
    WELFARE_READ_ROLES,
)

__all__ = [
    "WelfareStatus",
    "current_period",
    "enrolment_list",
    "household_history",
    "programme_list",
    "proposal_get",
    "proposal_list",
    "register_list",
    "welfare_status_for_households",
]


@dataclass(frozen=True)
class WelfareStatus:
    """A household's welfare status now: in the register, its decile, the programme codes it
    is enrolled in this period."""

    in_register: bool
    decile: int | None
    programmes: tuple[str, ...]


def current_period(day: date | None = None) -> str:
    day = day or timezone.localdate()
    return f"{day.year:04d}-{day.month:02d}"


def _own_household_ids(actor: Any) -> set[int]:
    resident = (
        getattr(actor, "resident", None) if getattr(actor, "is_authenticated", False) else None
    )
    if resident is None:
        return set()
    try:
        return {resident.household_id} if resident.household_id else set()
    except Exception:  # no linked resident
        return set()


def own_household_id(*, actor: Any) -> int | None:
    """The household of the citizen behind this login (a living resident), or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    row = (
        Resident.objects.filter(
            user_id=actor.pk, status__in=(ResidentStatus.ALIVE, ResidentStatus.MISSING)
        )
        .values_list("household_id", flat=True)
        .first()
    )
    return int(row) if row else None


def _visible_household_ids(actor: Any, household_ids: Iterable[int]) -> dict[int, str]:
    """{household id: village} of the households the actor may see the welfare status of."""
    ids = {int(i) for i in household_ids}
    if not ids:
        return {}
    own = _own_household_ids(actor)
    rows = Household.objects.filter(pk__in=ids).values_list("pk", "village_id")
    return {
        pk: village
        for pk, village in rows
        if pk in own or has_role(actor, WELFARE_READ_ROLES, village)
    }


def welfare_status_for_households(
    *, actor: Any, household_ids: Iterable[int]
) -> dict[int, WelfareStatus]:
    """Welfare status of the given households, for those the actor may see (the household's
    village staff, the social office, the household itself); others are missing keys.

    Three queries whatever the number of households. Does not write the access log: the
    caller that shows the status calls ``services.welfare_view_log``."""
    visible = _visible_household_ids(actor, household_ids)
    if not visible:
        return {}
    deciles = dict(
        RegisterEntry.objects.filter(household_id__in=visible, valid_to__isnull=True).values_list(
            "household_id", "decile"
        )
    )
    programmes: dict[int, set[str]] = defaultdict(set)
    for household_id, code in Enrolment.objects.filter(
        household_id__in=visible, period=current_period(), status=EnrolmentStatus.ACTIVE
    ).values_list("household_id", "programme__code"):
        programmes[household_id].add(code)
    return {
        pk: WelfareStatus(
            in_register=pk in deciles,
            decile=deciles.get(pk),
            programmes=tuple(sorted(programmes.get(pk, ()))),
        )
        for pk in visible
    }


def register_list(
    *, actor: Any, village_code: str = "", day: date | None = None, decile_max: int | None = None
) -> QuerySet[RegisterEntry]:
    """Register versions true on ``day`` (default: the current ones) in the actor's scope."""
    qs = RegisterEntry.objects.filter(scope_q(actor, WELFARE_READ_ROLES))
    if village_code:
        if not has_role(actor, WELFARE_READ_ROLES, village_code):
            raise NotFound(_("Village not found."))
        qs = qs.filter(village_id=village_code)
    if day is None:
        qs = qs.filter(valid_to__isnull=True)
    else:
        qs = qs.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    if decile_max:
        qs = qs.filter(decile__lte=decile_max)
    return qs.select_related("household").order_by("decile", "household__kk_number", "pk")


def household_history(*, actor: Any, household_id: int) -> tuple[Household, list[RegisterEntry]]:
    """A household and every version of its register record, newest first (404 if unseen)."""
    visible = _visible_household_ids(actor, [household_id])
    if household_id not in visible:
        raise NotFound(_("Not found."))
    household = Household.objects.select_related("village", "head").get(pk=household_id)
    entries = list(
        RegisterEntry.objects.filter(household_id=household_id).order_by("-valid_from", "-pk")
    )
    return household, entries


def programme_list() -> QuerySet[AidProgramme]:
    """Programmes are public facts (names, rules), not personal data."""
    return AidProgramme.objects.prefetch_related("excludes").order_by("code")


def enrolment_list(
    *, actor: Any, village_code: str = "", programme_code: str = "", period: str = ""
) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(scope_q(actor, BLT_READ_ROLES | WELFARE_READ_ROLES))
    if village_code:
        if not has_role(actor, BLT_READ_ROLES | WELFARE_READ_ROLES, village_code):
            raise NotFound(_("Village not found."))
        qs = qs.filter(village_id=village_code)
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    if period:
        qs = qs.filter(period=period)
    return qs.select_related("programme", "village", "household").order_by(
        "-period", "programme__code", "pk"
    )


def proposal_list(*, actor: Any, status: str = "") -> QuerySet[WelfareProposal]:
    qs = WelfareProposal.objects.filter(scope_q(actor, PROPOSAL_READ_ROLES))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("village", "household").order_by("-proposed_at", "-pk")


def proposal_get(*, actor: Any, proposal_id: int) -> WelfareProposal:
    found = proposal_list(actor=actor).filter(pk=proposal_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    return found


def proposals_awaiting(*, actor: Any) -> QuerySet[WelfareProposal]:
    """The proposals waiting for this actor: the kecamatan's to check, the social office's to
    decide."""
    q = Q(pk__in=[])
    if has_role_anywhere(actor, PROPOSAL_CHECK_ROLES):
        q |= Q(status="proposed") & scope_q(actor, PROPOSAL_CHECK_ROLES)
    if has_role_anywhere(actor, SOCIAL_ROLES):
        q |= Q(status="checked") & scope_q(actor, SOCIAL_ROLES)
    return WelfareProposal.objects.filter(q).select_related("village").order_by("proposed_at")


def import_list(*, actor: Any) -> QuerySet[RegisterImport]:
    if not has_role_anywhere(actor, SOCIAL_ROLES):
        raise NotFound(_("Not found."))
    return RegisterImport.objects.order_by("-created_at", "-pk")


def spm_outside_register_counts(*, actor: Any) -> list[dict[str, Any]]:
    """SPMs issued to households outside the register, per village (regency view)."""
    if not has_role_anywhere(actor, REPORT_ROLES):
        raise NotFound(_("Not found."))
    return list(
        SpmOutsideRegister.objects.filter(scope_q(actor, REPORT_ROLES))
        .values("village_id", "village__name", "village__parent__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "village_id")
    )

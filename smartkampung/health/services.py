"""Writes of the health app: posyandu and cadres, growth visits, pregnancies, household
water/sanitation, the logged view of a child's record and the prevalence recompute.

Every write checks permission, runs in a transaction and records an audit event. Bad input
raises a domain error with a message per field and saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.accounts.models import Role, User
from smartkampung.accounts.permissions import actor_grants, covers, has_role
from smartkampung.core.exceptions import NotFound
from smartkampung.population.models import LIVING_STATUSES, Resident, ResidentViewLog, Sex
from smartkampung.regions.models import Region

from . import selectors
from .exceptions import CadreInvalid, PosyanduInvalid, PregnancyInvalid, VisitExists, VisitInvalid
from .growth.kms import growth_trend
from .growth.who import DAYS_PER_MONTH, FLAG_BITS, LYING, STANDING, compute_zscores
from .models import (
    KEK_MUAC_CM,
    CadreAssignment,
    GrowthVisit,
    HouseholdSanitation,
    Position,
    Posyandu,
    Pregnancy,
    PregnancyOutcome,
    PregnancyVisit,
)
from .permissions import CHILD_READ_ROLES, can_manage_village, can_record_at
from .schedule import immunisation_schedule, vaccine_codes

# Plausible ranges of what a cadre can type for a child under five; beyond them it is a typing
# error (WHO's tables end at 120 cm and about 30 kg at five years).
WEIGHT_RANGE = (Decimal("0.3"), Decimal("60"))
HEIGHT_RANGE = (Decimal("30"), Decimal("130"))
HEAD_RANGE = (Decimal("20"), Decimal("60"))
MUAC_RANGE = (Decimal("5"), Decimal("35"))
MOTHER_MUAC_RANGE = (Decimal("10"), Decimal("50"))
MOTHER_WEIGHT_RANGE = (Decimal("25"), Decimal("200"))
EXCLUSIVE_BREASTFEEDING_MONTHS = 6


def _decimal(
    errors: dict[str, str], field: str, value: Any, bounds: tuple[Decimal, Decimal], places: int
) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[field] = _("Not a number.")
        return None
    if not number.is_finite():
        errors[field] = _("Not a number.")
        return None
    low, high = bounds
    if number < low or number > high:
        errors[field] = _("Must lie between %(low)s and %(high)s.") % {"low": low, "high": high}
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _date(errors: dict[str, str], field: str, value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = _("Not a date (YYYY-MM-DD).")
        return None


def _month(d: date) -> date:
    return d.replace(day=1)


# --- posyandu and cadres -------------------------------------------------------------------


def posyandu_create(
    *, actor: Any, village: Region, name: str, rw: str = "", dusun: str = ""
) -> Posyandu:
    """A new posyandu of the village (village operator or secretary)."""
    if not can_manage_village(actor, village.code) or not village.is_village:
        raise NotFound(_("Village not found."))
    name = " ".join((name or "").split())[:100]
    rw = (rw or "").strip()
    dusun = " ".join((dusun or "").split())[:60]
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the posyandu a name.")
    if rw and not (rw.isdigit() and len(rw) <= 3):
        errors["rw"] = _("RW is a number of up to 3 digits.")
    if rw and dusun:
        errors["dusun"] = _("A posyandu serves an RW or a dusun, not both.")
    if not errors and Posyandu.objects.filter(village_id=village.code, name__iexact=name).exists():
        errors["name"] = _("The village already has a posyandu of this name.")
    if errors:
        raise PosyanduInvalid(_("The posyandu was not saved."), details=errors)
    with transaction.atomic():
        posyandu = Posyandu.objects.create(
            village_id=village.code, name=name, rw=rw.zfill(3) if rw else "", dusun=dusun
        )
        audit.record(actor, "health.posyandu_create", posyandu, {"name": name})
    return posyandu


def cadre_assign(*, actor: Any, posyandu: Posyandu, user: User) -> CadreAssignment:
    """Tie a user who holds the posyandu-cadre role on the village to this posyandu."""
    if not can_manage_village(actor, posyandu.village_id):
        raise NotFound(_("Posyandu not found."))
    if not has_role(user, {Role.POSYANDU_CADRE}, posyandu.village_id):
        raise CadreInvalid(
            _("This user is not a posyandu cadre of the village; grant the role first.")
        )
    with transaction.atomic():
        assignment, _created = CadreAssignment.objects.update_or_create(
            user=user, defaults={"posyandu": posyandu}
        )
        audit.record(actor, "health.cadre_assign", posyandu, {"user": user.pk})
    if hasattr(user, "_sk_cadre_posyandu"):
        del user._sk_cadre_posyandu
    return assignment


# --- the child's record ----------------------------------------------------------------------


def _child_for_recording(actor: Any, posyandu: Posyandu, child_id: Any) -> Resident:
    try:
        pk = int(child_id)
    except (TypeError, ValueError):
        raise NotFound(_("Child not found in this posyandu's village.")) from None
    child = (
        Resident.objects.filter(selectors._children_q(actor), pk=pk, status__in=LIVING_STATUSES)
        .filter(village_id=posyandu.village_id)
        .first()
    )
    # A child of another village and one the cadre may not see get the same 404.
    if child is None:
        raise NotFound(_("Child not found in this posyandu's village."))
    return child


def _vaccine_names(codes: Iterable[str]) -> list[str]:
    names = {v.code: v.label() for v in immunisation_schedule()}
    return [names.get(code, code) for code in codes]


def growth_visit_record(
    *,
    actor: Any,
    posyandu: Posyandu,
    child_id: Any,
    visit_date: Any,
    weight_kg: Any = None,
    height_cm: Any = None,
    position: str = "",
    head_cm: Any = None,
    muac_cm: Any = None,
    vitamin_a: bool = False,
    immunisations: Iterable[str] = (),
    exclusive_breastfeeding: bool | None = None,
) -> GrowthVisit:
    """Record one monthly visit: validated, z-scored to WHO's standard, classified (Permenkes
    2/2020), compared with last month (KMS); an implausible value queues it for
    re-measurement. Only the posyandu's cadres record."""
    if not can_record_at(actor, posyandu):
        raise NotFound(_("Posyandu not found."))
    child = _child_for_recording(actor, posyandu, child_id)
    errors: dict[str, str] = {}
    when = _date(errors, "visit_date", visit_date)
    weight = _decimal(errors, "weight_kg", weight_kg, WEIGHT_RANGE, 2)
    height = _decimal(errors, "height_cm", height_cm, HEIGHT_RANGE, 1)
    head = _decimal(errors, "head_cm", head_cm, HEAD_RANGE, 1)
    muac = _decimal(errors, "muac_cm", muac_cm, MUAC_RANGE, 1)
    position = (position or "").strip()
    if position not in ("", *Position.values):
        errors["position"] = _("Choose lying or standing.")
    elif height is not None and not position:
        errors["position"] = _("Say whether the child was measured lying or standing.")
    if weight is None and height is None and "weight_kg" not in errors:
        errors["weight_kg"] = _("Give at least the weight or the length/height.")
    codes = [str(c) for c in immunisations or ()]
    unknown = sorted(set(codes) - vaccine_codes())
    if unknown:
        errors["immunisations"] = _("Unknown vaccine: %(codes)s.") % {"codes": ", ".join(unknown)}
    age_days = 0
    if when is not None:
        if when > timezone.localdate():
            errors["visit_date"] = _("The visit date is in the future.")
        elif when < child.birth_date:
            errors["visit_date"] = _("The visit date is before the child's birth.")
        else:
            age_days = (when - child.birth_date).days
            if age_days / DAYS_PER_MONTH >= 60:
                errors["visit_date"] = _("The child was five or older on that date.")
            elif (
                exclusive_breastfeeding is not None
                and age_days / DAYS_PER_MONTH >= EXCLUSIVE_BREASTFEEDING_MONTHS
            ):
                errors["exclusive_breastfeeding"] = _(
                    "Exclusive breastfeeding is recorded only for babies under 6 months."
                )
    if errors:
        raise VisitInvalid(_("The visit was not saved: check the marked fields."), details=errors)
    assert when is not None

    z = compute_zscores(
        sex=[child.sex if child.sex in (Sex.MALE, Sex.FEMALE) else 0],
        age_days=[age_days],
        weight_kg=[float(weight) if weight is not None else np.nan],
        height_cm=[float(height) if height is not None else np.nan],
        position=[{"lying": LYING, "standing": STANDING}.get(position, 0)],
        head_cm=[float(head) if head is not None else np.nan],
    )
    values = {k: (None if np.isnan(v[0]) else float(v[0])) for k, v in _z_items(z)}
    flags = int(z.flags[0])
    plausible = {k: values[k] is not None and not flags & FLAG_BITS[k] for k in values}
    haz = values["haz"] if plausible["haz"] else None
    whz = values["whz"] if plausible["whz"] else None
    waz = values["waz"] if plausible["waz"] else None
    implausible = any(flags & FLAG_BITS[k] for k in ("haz", "waz", "whz", "baz", "hcz"))

    with transaction.atomic():
        # One writer per child at a time: the month check and the trend read the same rows.
        Resident.objects.select_for_update().filter(pk=child.pk).first()
        earlier = GrowthVisit.objects.filter(child=child).order_by("-visit_date", "-id")
        same_month = earlier.filter(month=_month(when), remeasured_by__isnull=True)
        if same_month.filter(needs_remeasure=False).exists():
            raise VisitExists(
                _(
                    "This child was already measured this month; only a visit with an "
                    "implausible value is measured again."
                )
            )
        previous = (
            earlier.filter(visit_date__lt=when, weight_kg__isnull=False, remeasured_by__isnull=True)
            .exclude(month=_month(when))
            .first()
        )
        given_before = {
            c for row in earlier.values_list("immunisations", flat=True) for c in (row or [])
        }
        repeated = sorted(set(codes) & given_before)
        if repeated:
            raise VisitInvalid(
                _("The visit was not saved: check the marked fields."),
                details={
                    # Named as the cadre knows them, not by code.
                    "immunisations": _("Already recorded for this child: %(codes)s.")
                    % {"codes": ", ".join(_vaccine_names(repeated))}
                },
            )
        visit = GrowthVisit.objects.create(
            child=child,
            posyandu=posyandu,
            village_id=posyandu.village_id,
            visit_date=when,
            month=_month(when),
            age_days=age_days,
            weight_kg=weight,
            height_cm=height,
            position=position,
            head_cm=head,
            muac_cm=muac,
            vitamin_a=bool(vitamin_a),
            immunisations=sorted(set(codes)),
            exclusive_breastfeeding=exclusive_breastfeeding,
            flags=flags,
            stunted=haz is not None and haz < -2,
            severely_stunted=haz is not None and haz < -3,
            wasted=whz is not None and whz < -2,
            overweight=whz is not None and whz > 2,
            underweight=waz is not None and waz < -2,
            trend=growth_trend(
                visit_date=when,
                weight_kg=weight,
                age_days=age_days,
                previous_date=previous.visit_date if previous else None,
                previous_weight_kg=previous.weight_kg if previous else None,
            ),
            needs_remeasure=implausible,
            recorded_by=actor,
            **values,
        )
        resolved = list(
            GrowthVisit.objects.filter(child=child, needs_remeasure=True, visit_date__lte=when)
            .exclude(pk=visit.pk)
            .values_list("pk", flat=True)
        )
        if resolved:
            GrowthVisit.objects.filter(pk__in=resolved).update(
                needs_remeasure=False, remeasured_by=visit
            )
        audit.record(
            actor,
            "health.growth_visit_record",
            visit,
            {"child": child.pk, "flags": flags, "remeasures": resolved},
            scope=posyandu.village_id,
        )
    return visit


def _z_items(z: Any) -> list[tuple[str, Any]]:
    return [(k, getattr(z, k)) for k in ("waz", "haz", "whz", "baz", "hcz")]


def child_record_view(*, actor: Any, child: Resident, channel: str = "web") -> None:
    """Log a view of a child's health record in the register's access log (the family sees
    it with the other views of the child's record) and in the audit trail."""
    roles = {
        g.role
        for g in actor_grants(actor)
        if g.role in CHILD_READ_ROLES | {Role.POSYANDU_CADRE} and covers(g.scope, child.village_id)
    }
    with transaction.atomic():
        ResidentViewLog.objects.create(
            resident=child,
            viewer=actor,
            viewer_name=(getattr(actor, "display_name", "") or actor.username)[:150],
            viewer_role=",".join(sorted(roles)),
            reason=_("Health record (posyandu)"),
            channel=channel if channel in ResidentViewLog.Channel.values else "web",
        )
        audit.record(actor, "health.child_view", child, {"channel": channel})


# --- pregnancies --------------------------------------------------------------------------


def pregnancy_register(
    *,
    actor: Any,
    posyandu: Posyandu,
    mother_id: Any,
    registered_on: Any,
    expected_delivery: Any = None,
) -> Pregnancy:
    if not can_record_at(actor, posyandu):
        raise NotFound(_("Posyandu not found."))
    try:
        pk = int(mother_id)
    except (TypeError, ValueError):
        raise NotFound(_("Resident not found in this posyandu's village.")) from None
    mother = Resident.objects.filter(
        pk=pk, status__in=LIVING_STATUSES, village_id=posyandu.village_id
    ).first()
    if mother is None:
        raise NotFound(_("Resident not found in this posyandu's village."))
    errors: dict[str, str] = {}
    if mother.sex != Sex.FEMALE:
        errors["mother"] = _("Only a woman can be registered as pregnant.")
    start = _date(errors, "registered_on", registered_on)
    due = None
    if expected_delivery not in (None, ""):
        due = _date(errors, "expected_delivery", expected_delivery)
    today = timezone.localdate()
    if start and start > today:
        errors["registered_on"] = _("The date is in the future.")
    if start and due and not (start <= due <= start.replace(year=start.year + 1)):
        errors["expected_delivery"] = _("The expected delivery must fall within a year.")
    if errors:
        raise PregnancyInvalid(_("The pregnancy was not saved."), details=errors)
    assert start is not None
    with transaction.atomic():
        if Pregnancy.objects.filter(mother=mother, ended_on__isnull=True).exists():
            raise PregnancyInvalid(
                _("The pregnancy was not saved."),
                details={"mother": _("She already has an open pregnancy record.")},
            )
        pregnancy = Pregnancy.objects.create(
            mother=mother,
            posyandu=posyandu,
            village_id=posyandu.village_id,
            registered_on=start,
            expected_delivery=due,
            recorded_by=actor,
        )
        audit.record(actor, "health.pregnancy_register", pregnancy, {"mother": mother.pk})
    return pregnancy


def pregnancy_visit_record(
    *, actor: Any, pregnancy: Pregnancy, visit_date: Any, muac_cm: Any, weight_kg: Any = None
) -> PregnancyVisit:
    """A visit of a pregnant woman; MUAC < 23.5 cm flags chronic energy deficiency (KEK)."""
    if not can_record_at(actor, pregnancy.posyandu):
        raise NotFound(_("Pregnancy not found."))
    errors: dict[str, str] = {}
    when = _date(errors, "visit_date", visit_date)
    muac = _decimal(errors, "muac_cm", muac_cm, MOTHER_MUAC_RANGE, 1)
    weight = _decimal(errors, "weight_kg", weight_kg, MOTHER_WEIGHT_RANGE, 2)
    if muac is None and "muac_cm" not in errors:
        errors["muac_cm"] = _("Measure the upper-arm circumference.")
    if when and when > timezone.localdate():
        errors["visit_date"] = _("The visit date is in the future.")
    if when and when < pregnancy.registered_on:
        errors["visit_date"] = _("The visit is before the pregnancy was registered.")
    if pregnancy.ended_on is not None:
        errors["visit_date"] = _("This pregnancy record is closed.")
    if errors:
        raise PregnancyInvalid(_("The visit was not saved."), details=errors)
    assert when is not None and muac is not None
    with transaction.atomic():
        if PregnancyVisit.objects.filter(pregnancy=pregnancy, visit_date=when).exists():
            raise VisitExists(_("A visit on this date is already recorded."))
        visit = PregnancyVisit.objects.create(
            pregnancy=pregnancy,
            visit_date=when,
            muac_cm=muac,
            weight_kg=weight,
            chronic_energy_deficiency=muac < Decimal(str(KEK_MUAC_CM)),
            recorded_by=actor,
        )
        audit.record(
            actor,
            "health.pregnancy_visit",
            pregnancy,
            {"kek": visit.chronic_energy_deficiency},
            scope=pregnancy.village_id,
        )
    return visit


def pregnancy_close(*, actor: Any, pregnancy: Pregnancy, outcome: Any, ended_on: Any) -> Pregnancy:
    """Close a pregnancy with its outcome (delivered, miscarriage, other) and the day it ended:
    not in the future, not before its registration or its last visit. Only the posyandu's
    cadres; a closed record stays closed and takes no more visits."""
    if not can_record_at(actor, pregnancy.posyandu):
        raise NotFound(_("Pregnancy not found."))
    errors: dict[str, str] = {}
    if outcome not in PregnancyOutcome.values:
        errors["outcome"] = _("Choose how the pregnancy ended.")
    when = _date(errors, "ended_on", ended_on)
    if when and when > timezone.localdate():
        errors["ended_on"] = _("The date is in the future.")
    if errors:
        raise PregnancyInvalid(_("The pregnancy was not closed."), details=errors)
    assert when is not None
    with transaction.atomic():
        # The row lock makes two cadres closing at once end in one outcome, not the last one.
        locked = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
        last_visit = (
            PregnancyVisit.objects.filter(pregnancy=locked)
            .order_by("-visit_date")
            .values_list("visit_date", flat=True)
            .first()
        )
        if locked.ended_on is not None:
            errors["ended_on"] = _("This pregnancy record is closed.")
        elif when < locked.registered_on:
            errors["ended_on"] = _("The date is before the pregnancy was registered.")
        elif last_visit is not None and when < last_visit:
            errors["ended_on"] = _("The date is before the last visit (%(date)s).") % {
                "date": last_visit.isoformat()
            }
        if errors:
            raise PregnancyInvalid(_("The pregnancy was not closed."), details=errors)
        locked.outcome = outcome
        locked.ended_on = when
        locked.save(update_fields=["outcome", "ended_on"])
        audit.record(
            actor,
            "health.pregnancy_close",
            locked,
            {"outcome": outcome, "ended_on": when.isoformat()},
            scope=locked.village_id,
        )
    return locked


# --- households -------------------------------------------------------------------------------


def household_sanitation_set(
    *, actor: Any, household_id: int, safe_water: bool | None, healthy_latrine: bool | None
) -> HouseholdSanitation:
    """Record a household's drinking water and latrine (village staff, or a cadre of the
    posyandu serving it)."""
    household = selectors.household_get(actor=actor, household_id=household_id)
    for value in (safe_water, healthy_latrine):
        if value is not None and not isinstance(value, bool):
            raise VisitInvalid(_("Answer yes, no or unknown."))
    with transaction.atomic():
        row, _created = HouseholdSanitation.objects.update_or_create(
            household=household,
            defaults={
                "safe_water": safe_water,
                "healthy_latrine": healthy_latrine,
                "updated_by": actor,
            },
        )
        audit.record(
            actor,
            "health.household_sanitation",
            household,
            {"safe_water": safe_water, "healthy_latrine": healthy_latrine},
            scope=household.village_id,
        )
    return row


def _parse_bool(value: Any) -> bool | None:
    if value in (True, False, None):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "ya", "on"):
        return True
    if text in ("0", "false", "no", "tidak"):
        return False
    if text in ("", "unknown", "none"):
        return None
    raise VisitInvalid(_("Answer yes, no or unknown."))


def sanitation_from_form(data: Mapping[str, Any]) -> tuple[bool | None, bool | None]:
    return _parse_bool(data.get("safe_water")), _parse_bool(data.get("healthy_latrine"))

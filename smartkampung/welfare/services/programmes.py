"""Aid programmes and their rules as data, and quotas per village (the social office)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.accounts.permissions import has_role, scope_codes
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.regions.models import Level, Region

from ..exceptions import WelfareInvalid
from ..models import (
    DECILE_MAX,
    DECILE_MIN,
    AidProgramme,
    ProgrammeFundSource,
    ProgrammeQuota,
    Target,
)
from ..permissions import SOCIAL_ROLES
from ..rules import forget_programmes
from .common import clean_text

_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,19}$")
_ACTIVITY = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")


def _require_social(actor: Any, regency_code: str) -> None:
    if actor is not None and not has_role(actor, SOCIAL_ROLES, regency_code):
        raise PermissionDenied(_("Only the social affairs office keeps the aid programmes."))


def _regency_for(actor: Any, regency_code: str | None) -> str:
    """The regency a new programme belongs to: the one named, else the actor's."""
    if regency_code:
        return regency_code
    codes = scope_codes(actor, SOCIAL_ROLES) if actor is not None else []
    if not codes:
        raise PermissionDenied(_("Only the social affairs office keeps the aid programmes."))
    return codes[0]


def _int_or_none(value: Any, label: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[label] = _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    if not low <= number <= high:
        errors[label] = _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def _clean(data: dict[str, Any], *, programme: AidProgramme | None, regency: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    code = str(data.get("code") or (programme.code if programme else "")).strip().upper()
    if not _CODE.match(code):
        errors["code"] = _("2–20 capital letters, digits, _ or -, starting with a letter.")
    elif (
        AidProgramme.objects.filter(regency_id=regency, code=code)
        .exclude(pk=programme.pk if programme is not None else 0)
        .exists()
    ):
        errors["code"] = _("Another programme has this code.")
    name = clean_text(data.get("name"), max_length=120)
    if not name:
        errors["name"] = _("This field is required.")
    target = str(data.get("target") or "")
    if target not in Target.values:
        errors["target"] = _("Choose person or household.")
    fund = str(data.get("fund_source") or "")
    if fund not in ProgrammeFundSource.values:
        errors["fund_source"] = _("Choose a fund source.")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, date):
        errors["starts_on"] = _("Enter a date.")
    if not isinstance(ends, date):
        errors["ends_on"] = _("Enter a date.")
    elif isinstance(starts, date) and ends < starts:
        errors["ends_on"] = _("The programme's period cannot end before it starts.")
    decile_max = _int_or_none(data.get("decile_max"), "decile_max", DECILE_MIN, DECILE_MAX, errors)
    min_age = _int_or_none(data.get("min_age"), "min_age", 0, 150, errors)
    max_age = _int_or_none(data.get("max_age"), "max_age", 0, 150, errors)
    if min_age is not None and max_age is not None and max_age < min_age:
        errors["max_age"] = _("The maximum age is below the minimum age.")
    excludes_codes = sorted(
        {str(c).strip().upper() for c in data.get("excludes") or [] if str(c).strip()}
    )
    excludes = list(AidProgramme.objects.filter(regency_id=regency, code__in=excludes_codes))
    unknown = sorted(set(excludes_codes) - {p.code for p in excludes})
    if unknown:
        errors["excludes"] = _("Unknown programmes: %(codes)s.") % {"codes": ", ".join(unknown)}
    if code in excludes_codes:
        errors["excludes"] = _("A programme cannot exclude itself.")
    activity = str(data.get("budget_activity_code") or "").strip()
    if activity and not _ACTIVITY.match(activity):
        errors["budget_activity_code"] = _("An activity code is BB.SS.KK, e.g. 05.03.01.")
    amount = data.get("monthly_amount")
    if amount in ("", None):
        amount = None
    else:
        try:
            amount = int(str(amount).strip())
            if amount <= 0 or amount > 100_000_000:
                raise ValueError
        except ValueError:
            errors["monthly_amount"] = _("An amount in rupiah, more than 0.")
            amount = None
    if fund == ProgrammeFundSource.DANA_DESA and not errors and (not activity or amount is None):
        errors["budget_activity_code"] = _(
            "A Dana Desa programme names the APBDes activity that pays it and the monthly amount."
        )
    if errors:
        raise WelfareInvalid(_("The programme has errors; nothing was saved."), details=errors)
    return {
        "code": code,
        "name": name,
        "target": target,
        "fund_source": fund,
        "starts_on": starts,
        "ends_on": ends,
        "decile_max": decile_max,
        "min_age": min_age,
        "max_age": max_age,
        "budget_activity_code": activity,
        "monthly_amount": amount,
        "excludes": excludes,
    }


def programme_save(
    *,
    actor: Any,
    data: dict[str, Any],
    programme: AidProgramme | None = None,
    regency_code: str | None = None,
) -> AidProgramme:
    """Create or change a programme and its rules (the regency's social office); audited."""
    regency = programme.regency_id if programme is not None else _regency_for(actor, regency_code)
    _require_social(actor, regency)
    values = _clean(data, programme=programme, regency=regency)
    excludes = values.pop("excludes")
    with transaction.atomic():
        if programme is None:
            programme = AidProgramme.objects.create(regency_id=regency, **values)
            action = "welfare.programme_create"
        else:
            programme = AidProgramme.objects.select_for_update().get(pk=programme.pk)
            for key, value in values.items():
                setattr(programme, key, value)
            programme.save()
            action = "welfare.programme_update"
        programme.excludes.set(excludes)
        forget_programmes()
        transaction.on_commit(forget_programmes)
        audit.record(
            actor,
            action,
            programme,
            {
                **values,
                "excludes": [p.code for p in excludes],
            },
            scope=regency,
        )
    return programme


def quota_set(
    *, actor: Any, programme: AidProgramme, village_code: str, quota: Any
) -> ProgrammeQuota:
    """Set a village's quota per period for a programme (the social office)."""
    _require_social(actor, programme.regency_id)
    village = Region.objects.filter(
        code=str(village_code),
        level=Level.VILLAGE,
        code__startswith=programme.regency_id + ".",
    ).first()
    if village is None:
        raise NotFound(_("Village not found."))
    try:
        value = int(str(quota).strip())
        if value < 0 or value > 1_000_000:
            raise ValueError
    except ValueError as exc:
        raise WelfareInvalid(
            _("A quota is a whole number, 0 or more."), code="invalid_quota"
        ) from exc
    with transaction.atomic():
        row, _created = ProgrammeQuota.objects.select_for_update().get_or_create(
            programme=programme, village_id=village.code, defaults={"quota": value}
        )
        if row.quota != value:
            row.quota = value
            row.save(update_fields=["quota"])
        forget_programmes()
        transaction.on_commit(forget_programmes)
        audit.record(
            actor,
            "welfare.quota_set",
            row,
            {"programme": programme.code, "quota": value},
        )
    return row

"""Writes of the village enterprise (BUMDes): its record and managers, the capital the APBDes
placed in it, and its yearly reports with the village head's check.

Every write checks permission, runs in a transaction and records an audit event. Bad input
raises a domain error with a message per field and saves nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.accounts.models import Role, User
from smartkampung.accounts.permissions import has_role
from smartkampung.budgets.selectors.aggregates import equity_participation
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.population import selectors as population
from smartkampung.regions.models import Region

from ..exceptions import (
    CapitalAboveBudget,
    CapitalInvalid,
    EnterpriseInvalid,
    ManagerInvalid,
    ReportExists,
    ReportInvalid,
    ReportState,
)
from ..models import (
    CapitalPlacement,
    EnterpriseManager,
    EnterpriseReport,
    ReportStatus,
    VillageEnterprise,
)
from ..permissions import (
    can_check_report,
    can_manage_enterprises,
    can_read_enterprise,
    can_submit_report,
)
from .common import clean_text, money, whole_number, year_value

REGISTRATION_RE = re.compile(r"^[A-Za-z0-9./\-]{4,40}$")
MAX_UNITS = 20
MAX_EMPLOYEES = 100_000


def _units(errors: dict[str, str], units: Any) -> list[str]:
    if isinstance(units, str):
        units = units.splitlines() if "\n" in units else units.split(",")
    cleaned = [clean_text(u, 80) for u in (units or [])]
    cleaned = list(dict.fromkeys(u for u in cleaned if u))
    if len(cleaned) > MAX_UNITS:
        errors["units"] = _("At most %(max)s units of business.") % {"max": MAX_UNITS}
    return cleaned


def enterprise_register(
    *,
    actor: Any,
    village: Region,
    name: str,
    registration_number: str,
    units: Any = (),
    other_capital: Any = "0",
) -> VillageEnterprise:
    """Record the village's BUMDes (village operator or secretary)."""
    if not village.is_village or not can_manage_enterprises(actor, village.code):
        raise NotFound(_("Village not found."))
    errors: dict[str, str] = {}
    name = clean_text(name, 120)
    number = (registration_number or "").strip()
    if not name:
        errors["name"] = _("Give the enterprise a name.")
    if not REGISTRATION_RE.match(number):
        errors["registration_number"] = _(
            "The registration number has 4 to 40 letters, digits, dots, slashes or dashes."
        )
    unit_list = _units(errors, units)
    capital = money(errors, "other_capital", other_capital, required=False)
    if "registration_number" not in errors and (
        VillageEnterprise.objects.filter(registration_number__iexact=number).exists()
    ):
        errors["registration_number"] = _("An enterprise with this registration number exists.")
    if "name" not in errors and (
        VillageEnterprise.objects.filter(village_id=village.code, name__iexact=name).exists()
    ):
        errors["name"] = _("The village already has an enterprise of this name.")
    if errors:
        raise EnterpriseInvalid(_("The enterprise was not saved."), details=errors)
    with transaction.atomic():
        enterprise = VillageEnterprise.objects.create(
            village_id=village.code,
            name=name,
            registration_number=number,
            units=unit_list,
            other_capital=capital,
        )
        audit.record(
            actor,
            "economy.enterprise_register",
            enterprise,
            {"name": name, "registration_number": number},
            scope=village.code,
        )
    return enterprise


def enterprise_update(
    *, actor: Any, enterprise: VillageEnterprise, units: Any, other_capital: Any
) -> VillageEnterprise:
    """Change the units of business and the other (non-APBDes) capital."""
    if not can_manage_enterprises(actor, enterprise.village_id):
        raise NotFound(_("Enterprise not found."))
    errors: dict[str, str] = {}
    unit_list = _units(errors, units)
    capital = money(errors, "other_capital", other_capital, required=False)
    if errors:
        raise EnterpriseInvalid(_("The enterprise was not saved."), details=errors)
    with transaction.atomic():
        locked = VillageEnterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = {"units": locked.units, "other_capital": str(locked.other_capital)}
        locked.units = unit_list
        locked.other_capital = capital
        locked.save(update_fields=["units", "other_capital"])
        audit.record(
            actor,
            "economy.enterprise_update",
            locked,
            {"before": before, "units": unit_list, "other_capital": str(capital)},
            scope=locked.village_id,
        )
    return locked


def manager_add(
    *,
    actor: Any,
    enterprise: VillageEnterprise,
    resident_id: Any,
    position: str,
    user: User | None = None,
) -> EnterpriseManager:
    """Name a living resident of the village as a manager; ``user`` (holding the BUMDes
    manager role on the village) is the login that will submit the enterprise's reports."""
    if not can_manage_enterprises(actor, enterprise.village_id):
        raise NotFound(_("Enterprise not found."))
    errors: dict[str, str] = {}
    position = clean_text(position, 60)
    if not position:
        errors["position"] = _("Give the manager's position (e.g. director).")
    try:
        resident = population.resident_get(actor=actor, resident_id=int(resident_id))
    except (NotFound, TypeError, ValueError):
        resident = None
    if resident is None or resident.village_id != enterprise.village_id or not resident.is_living:
        errors["resident"] = _("Choose a living resident of the village.")
    elif EnterpriseManager.objects.filter(enterprise=enterprise, resident=resident).exists():
        errors["resident"] = _("This resident is already a manager of the enterprise.")
    if user is not None:
        if not has_role(user, {Role.BUMDES_MANAGER}, enterprise.village_id):
            errors["user"] = _(
                "This user is not a BUMDes manager of the village; grant the role first."
            )
        elif EnterpriseManager.objects.filter(user=user).exists():
            errors["user"] = _("This user already manages an enterprise.")
    if errors:
        raise ManagerInvalid(_("The manager was not saved."), details=errors)
    assert resident is not None
    with transaction.atomic():
        manager = EnterpriseManager.objects.create(
            enterprise=enterprise, resident=resident, position=position, user=user
        )
        audit.record(
            actor,
            "economy.manager_add",
            enterprise,
            {"resident": resident.pk, "position": position, "user": user.pk if user else None},
            scope=enterprise.village_id,
        )
    if user is not None and hasattr(user, "_sk_bumdes"):
        del user._sk_bumdes
    return manager


# --- capital from the APBDes ------------------------------------------------------------------


def capital_available(*, village_code: str, year: int) -> tuple[Decimal, Decimal]:
    """(equity participation of the approved APBDes, part of it already placed) for a year."""
    budgeted = equity_participation(village_codes=[village_code], year=year).get(
        (village_code, year), Decimal("0.00")
    )
    placed = CapitalPlacement.objects.filter(village_id=village_code, year=year).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0.00")
    return budgeted, placed


def capital_place(
    *, actor: Any, enterprise: VillageEnterprise, year: Any, amount: Any = None
) -> CapitalPlacement:
    """Record the capital the village placed in the enterprise in a budget year, read from the
    approved APBDes's equity participation (financing 6.2.2). Without ``amount`` the whole part
    not yet placed is recorded; an amount above it is refused."""
    if not can_manage_enterprises(actor, enterprise.village_id):
        raise NotFound(_("Enterprise not found."))
    errors: dict[str, str] = {}
    year_number = year_value(errors, "year", year)
    value = money(errors, "amount", amount) if amount not in (None, "") else None
    if errors:
        raise CapitalInvalid(_("The capital was not recorded."), details=errors)
    with transaction.atomic():
        # One placement at a time per village: two clerks cannot both take the same budget.
        VillageEnterprise.objects.select_for_update().filter(
            village_id=enterprise.village_id
        ).count()
        budgeted, placed = capital_available(village_code=enterprise.village_id, year=year_number)
        available = budgeted - placed
        if not budgeted:
            raise CapitalAboveBudget(
                _("The approved APBDes %(year)s places no capital (financing 6.2.2).")
                % {"year": year_number},
                details={"year": _("No equity participation in the approved APBDes.")},
            )
        if CapitalPlacement.objects.filter(enterprise=enterprise, year=year_number).exists():
            raise CapitalInvalid(
                _("The capital of %(year)s is already recorded.") % {"year": year_number},
                details={"year": _("Already recorded.")},
            )
        if value is None:
            value = available
        if value <= 0 or value > available:
            raise CapitalAboveBudget(
                _(
                    "The capital (Rp %(amount)s) is more than the approved APBDes %(year)s "
                    "placed and not yet recorded (Rp %(available)s)."
                )
                % {"amount": value, "year": year_number, "available": available},
                details={"amount": _("Above the APBDes equity participation.")},
            )
        placement = CapitalPlacement.objects.create(
            enterprise=enterprise,
            village_id=enterprise.village_id,
            year=year_number,
            amount=value,
            budgeted=budgeted,
            recorded_by=actor,
        )
        audit.record(
            actor,
            "economy.capital_place",
            enterprise,
            {"year": year_number, "amount": str(value), "budgeted": str(budgeted)},
            scope=enterprise.village_id,
        )
    return placement


# --- yearly reports ---------------------------------------------------------------------------


def _report_values(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    year = year_value(errors, "year", data.get("year"))
    if year and year > timezone.localdate().year:
        errors["year"] = _("A report cannot be for a future year.")
    values: dict[str, Any] = {"year": year}
    for field in ("revenue", "costs", "assets", "pad_share"):
        values[field] = money(errors, field, data.get(field))
    values["employees"] = whole_number(
        errors, "employees", data.get("employees", 0), maximum=MAX_EMPLOYEES
    )
    values["profit"] = values["revenue"] - values["costs"]
    if "pad_share" not in errors and values["pad_share"] > max(values["profit"], Decimal(0)):
        errors["pad_share"] = _("The share paid to the village cannot exceed the profit.")
    return values, errors


def report_submit(
    *, actor: Any, enterprise: VillageEnterprise, data: dict[str, Any]
) -> EnterpriseReport:
    """The enterprise's manager submits its report for a past or the current year (or submits
    again a report the village head returned)."""
    if not can_read_enterprise(actor, enterprise):
        raise NotFound(_("Enterprise not found."))
    if not can_submit_report(actor, enterprise):
        raise PermissionDenied(_("Only the enterprise's manager submits its reports."))
    values, errors = _report_values(data)
    if errors:
        raise ReportInvalid(_("The report was not saved."), details=errors)
    now = timezone.now()
    with transaction.atomic():
        VillageEnterprise.objects.select_for_update().filter(pk=enterprise.pk).count()
        existing = EnterpriseReport.objects.filter(
            enterprise=enterprise, year=values["year"]
        ).first()
        if existing is not None and existing.status != ReportStatus.RETURNED:
            raise ReportExists(
                _("The report of %(year)s has already been submitted.") % {"year": values["year"]}
            )
        fields = {k: values[k] for k in ("revenue", "costs", "profit", "assets", "pad_share")}
        fields["employees"] = values["employees"]
        if existing is None:
            report = EnterpriseReport.objects.create(
                enterprise=enterprise,
                village_id=enterprise.village_id,
                year=values["year"],
                submitted_by=actor,
                submitted_at=now,
                **fields,
            )
        else:
            report = existing
            for key, value in fields.items():
                setattr(report, key, value)
            report.status = ReportStatus.SUBMITTED
            report.submitted_by = actor
            report.submitted_at = now
            report.save()
        audit.record(
            actor,
            "economy.report_submit",
            report,
            {"year": values["year"], **{k: str(v) for k, v in fields.items()}},
            scope=enterprise.village_id,
        )
    return report


def report_check(
    *, actor: Any, report: EnterpriseReport, accept: bool, note: str = ""
) -> EnterpriseReport:
    """The village head accepts a submitted report, or returns it with a note."""
    enterprise = report.enterprise
    if not can_read_enterprise(actor, enterprise):
        raise NotFound(_("Report not found."))
    if not can_check_report(actor, enterprise):
        raise PermissionDenied(_("Only the village head checks the enterprise's reports."))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ReportInvalid(
            _("The note is too long (at most 2,000 characters)."),
            details={"note": _("Too long.")},
        )
    if not accept and not note:
        raise ReportInvalid(
            _("Write what needs correcting."), details={"note": _("This field is required.")}
        )
    with transaction.atomic():
        locked = EnterpriseReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise ReportState(_("This report is not waiting for a check."))
        locked.status = ReportStatus.CHECKED if accept else ReportStatus.RETURNED
        locked.note = note
        locked.checked_by = actor
        locked.checked_at = timezone.now()
        locked.save(update_fields=["status", "note", "checked_by", "checked_at"])
        audit.record(
            actor,
            "economy.report_check",
            locked,
            {"year": locked.year, "status": locked.status, "note": note},
            scope=locked.village_id,
        )
    return locked

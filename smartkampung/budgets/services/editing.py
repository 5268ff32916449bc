"""Drafting an APBDes: creating a version and editing its revenue, activities, items and
financing. Every write checks the role, locks the budget row (so a submission cannot slip in
between), and records an audit event last."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.regions.models import Kind, Level, Region

from ..checks import line_amount
from ..exceptions import BudgetConflict, BudgetErrorCode, BudgetInvalid
from ..models import (
    Activity,
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetRevenue,
    BudgetStatus,
    VillageBudget,
)
from ..permissions import can_create_budget
from .common import (
    MAX_VOLUME,
    clean_text,
    get_account,
    get_fund_source,
    get_ssh,
    lock_editable,
    to_decimal,
)

MIN_YEAR, MAX_YEAR = 2015, 2100


def require_desa(village_code: str) -> Region:
    village = Region.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise NotFound(_("Village not found."))
    if village.kind != Kind.DESA:
        raise BudgetInvalid(
            _(
                "%(name)s is a kelurahan: kelurahan are part of the regency's administration and "
                "have no village budget (APBDes)."
            )
            % {"name": village.name},
            code=BudgetErrorCode.NOT_A_DESA,
        )
    return village


def budget_create(*, actor: Any, village_code: str, year: int) -> VillageBudget:
    """Start the original APBDes (version 1) of a village for a year, as a draft."""
    if not can_create_budget(actor, village_code):
        raise PermissionDenied(_("Only the village operator or secretary drafts the budget."))
    village = require_desa(village_code)
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise BudgetInvalid(_("The year is not valid."), code="invalid_year")
    with transaction.atomic():
        if VillageBudget.objects.filter(village_id=village.code, year=year).exists():
            raise BudgetConflict(
                _(
                    "A budget for %(year)s already exists; open it, or start a revision of the "
                    "approved one."
                )
                % {"year": year},
                code=BudgetErrorCode.ALREADY_EXISTS,
            )
        try:
            with transaction.atomic():
                budget = VillageBudget.objects.create(
                    village_id=village.code, year=year, version=1, created_by=actor
                )
        except IntegrityError as exc:  # a concurrent create won the race
            raise BudgetConflict(
                _("A budget for %(year)s already exists.") % {"year": year},
                code=BudgetErrorCode.ALREADY_EXISTS,
            ) from exc
        audit.record(actor, "budgets.budget_create", budget, {"year": year, "version": 1})
    return budget


# --- revenue ----------------------------------------------------------------------------------


def revenue_add(
    *,
    actor: Any,
    budget: VillageBudget,
    account_code: str,
    fund_source_code: str | None,
    amount: Any,
    description: str = "",
) -> BudgetRevenue:
    account = get_account(account_code, prefix="4", region=budget.village_id)
    assert account is not None  # required=True raises instead
    source = get_fund_source(fund_source_code, region=budget.village_id)
    value = to_decimal(amount, label=_("Amount"))
    with transaction.atomic():
        locked = lock_editable(actor, budget)
        position = _next_position(BudgetRevenue.objects.filter(budget=locked))
        line = BudgetRevenue.objects.create(
            budget=locked,
            account=account,
            fund_source=source,
            description=clean_text(description) or (account.name_id if account else ""),
            amount=value,
            position=position,
        )
        audit.record(
            actor,
            "budgets.revenue_add",
            line,
            {"budget": locked.pk, "account": line.account_id, "amount": value},
            scope=locked.village_id,
        )
    return line


def revenue_update(*, actor: Any, line: BudgetRevenue, **fields: Any) -> BudgetRevenue:
    region = line.budget.village_id
    updates: dict[str, Any] = {}
    if "account_code" in fields:
        updates["account"] = get_account(fields["account_code"], prefix="4", region=region)
    if "fund_source_code" in fields:
        updates["fund_source"] = get_fund_source(fields["fund_source_code"], region=region)
    if "amount" in fields:
        updates["amount"] = to_decimal(fields["amount"], label=_("Amount"))
    if "description" in fields:
        updates["description"] = clean_text(fields["description"])
    with transaction.atomic():
        locked = lock_editable(actor, line.budget)
        for name, value in updates.items():
            setattr(line, name, value)
        line.save()
        audit.record(
            actor,
            "budgets.revenue_update",
            line,
            {"budget": locked.pk, "fields": sorted(updates)},
            scope=locked.village_id,
        )
    return line


def revenue_delete(*, actor: Any, line: BudgetRevenue) -> None:
    with transaction.atomic():
        locked = lock_editable(actor, line.budget)
        data = {"budget": locked.pk, "account": line.account_id, "amount": line.amount}
        target = ("budgets.budgetrevenue", line.pk)
        line.delete()
        audit.record(actor, "budgets.revenue_delete", target, data, scope=locked.village_id)


# --- financing --------------------------------------------------------------------------------


def financing_add(
    *,
    actor: Any,
    budget: VillageBudget,
    account_code: str,
    amount: Any,
    description: str = "",
    fund_source_code: str | None = None,
) -> BudgetFinancing:
    account = get_account(account_code, prefix="6", region=budget.village_id)
    assert account is not None  # required=True raises instead
    source = get_fund_source(fund_source_code, region=budget.village_id, required=False)
    value = to_decimal(amount, label=_("Amount"))
    with transaction.atomic():
        locked = lock_editable(actor, budget)
        line = BudgetFinancing.objects.create(
            budget=locked,
            account=account,
            fund_source=source,
            description=clean_text(description) or (account.name_id if account else ""),
            amount=value,
            position=_next_position(BudgetFinancing.objects.filter(budget=locked)),
        )
        audit.record(
            actor,
            "budgets.financing_add",
            line,
            {"budget": locked.pk, "account": line.account_id, "amount": value},
            scope=locked.village_id,
        )
    return line


def financing_delete(*, actor: Any, line: BudgetFinancing) -> None:
    with transaction.atomic():
        locked = lock_editable(actor, line.budget)
        data = {"budget": locked.pk, "account": line.account_id, "amount": line.amount}
        target = ("budgets.budgetfinancing", line.pk)
        line.delete()
        audit.record(actor, "budgets.financing_delete", target, data, scope=locked.village_id)


# --- activities -------------------------------------------------------------------------------


def _activity_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, max_length in (("location", 255), ("output", 255), ("output_unit", 40)):
        if name in fields:
            cleaned[name] = clean_text(fields[name], max_length=max_length)
    if "duration" in fields:
        cleaned["duration"] = clean_text(fields["duration"], max_length=40)
    if "output_volume" in fields:
        cleaned["output_volume"] = to_decimal(
            fields["output_volume"], label=_("Output volume"), maximum=MAX_VOLUME
        )
    return cleaned


def activity_add(
    *, actor: Any, budget: VillageBudget, activity_code: str, **fields: Any
) -> BudgetActivity:
    """Add a reference activity (BB.SS.KK) with its location, output and volume."""
    reference = (
        Activity.objects.usable_in(budget.village_id)
        .filter(code=str(activity_code).strip(), active=True)
        .first()
    )
    if reference is None:
        raise BudgetInvalid(
            _("Unknown activity %(code)s.") % {"code": activity_code}, code="unknown_activity"
        )
    cleaned = _activity_fields(fields)
    with transaction.atomic():
        locked = lock_editable(actor, budget)
        if BudgetActivity.objects.filter(budget=locked, activity=reference).exists():
            raise BudgetConflict(
                _("Activity %(code)s is already in this budget.") % {"code": reference.code},
                code=BudgetErrorCode.ACTIVITY_EXISTS,
            )
        row = BudgetActivity.objects.create(budget=locked, activity=reference, **cleaned)
        audit.record(
            actor,
            "budgets.activity_add",
            row,
            {"budget": locked.pk, "activity": reference.code},
            scope=locked.village_id,
        )
    return row


def activity_update(*, actor: Any, activity: BudgetActivity, **fields: Any) -> BudgetActivity:
    cleaned = _activity_fields(fields)
    with transaction.atomic():
        locked = lock_editable(actor, activity.budget)
        for name, value in cleaned.items():
            setattr(activity, name, value)
        activity.save()
        audit.record(
            actor,
            "budgets.activity_update",
            activity,
            {"budget": locked.pk, "fields": sorted(cleaned)},
            scope=locked.village_id,
        )
    return activity


def activity_delete(*, actor: Any, activity: BudgetActivity) -> None:
    with transaction.atomic():
        locked = lock_editable(actor, activity.budget)
        data = {"budget": locked.pk, "activity": activity.activity_id}
        target = ("budgets.budgetactivity", activity.pk)
        activity.delete()  # its items go with it
        audit.record(actor, "budgets.activity_delete", target, data, scope=locked.village_id)


# --- items ------------------------------------------------------------------------------------


def _item_fields(fields: dict[str, Any], *, year: int, region: str) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "description" in fields:
        cleaned["description"] = clean_text(fields["description"])
    if "unit" in fields:
        cleaned["unit"] = clean_text(fields["unit"], max_length=40)
    if "volume" in fields:
        cleaned["volume"] = to_decimal(fields["volume"], label=_("Volume"), maximum=MAX_VOLUME)
    if "unit_price" in fields:
        cleaned["unit_price"] = to_decimal(fields["unit_price"], label=_("Unit price"))
    if "fund_source_code" in fields:
        cleaned["fund_source"] = get_fund_source(
            fields["fund_source_code"], region=region, required=False
        )
    if "account_code" in fields:
        cleaned["account"] = get_account(
            fields["account_code"], prefix="5", region=region, required=False
        )
    if "ssh_id" in fields:
        cleaned["ssh"] = get_ssh(fields["ssh_id"], year=year, region=region)
    return cleaned


def item_build(*, activity: BudgetActivity, **fields: Any) -> BudgetItem:
    """An unsaved item from form input (used by the editor's live preview and by item_add)."""
    cleaned = _item_fields(fields, year=activity.budget.year, region=activity.budget.village_id)
    item = BudgetItem(budget_id=activity.budget_id, activity=activity, **cleaned)
    if item.ssh is not None and not item.unit:
        item.unit = item.ssh.unit
    item.amount = line_amount(item.volume, item.unit_price)
    return item


def item_add(*, actor: Any, activity: BudgetActivity, **fields: Any) -> BudgetItem:
    """Add an item (description, volume, unit, unit price, fund source, account, SSH item).

    Incomplete items may be saved in a draft; the checks name them until they are complete."""
    item = item_build(activity=activity, **fields)
    with transaction.atomic():
        locked = lock_editable(actor, activity.budget)
        item.position = _next_position(BudgetItem.objects.filter(activity=activity))
        item.save()
        audit.record(
            actor,
            "budgets.item_add",
            item,
            {"budget": locked.pk, "activity": activity.activity_id, "amount": item.amount},
            scope=locked.village_id,
        )
    return item


def item_update(*, actor: Any, item: BudgetItem, **fields: Any) -> BudgetItem:
    cleaned = _item_fields(fields, year=item.budget.year, region=item.budget.village_id)
    with transaction.atomic():
        locked = lock_editable(actor, item.budget)
        for name, value in cleaned.items():
            setattr(item, name, value)
        item.amount = line_amount(item.volume, item.unit_price)
        item.save()
        audit.record(
            actor,
            "budgets.item_update",
            item,
            {"budget": locked.pk, "fields": sorted(cleaned), "amount": item.amount},
            scope=locked.village_id,
        )
    return item


def item_delete(*, actor: Any, item: BudgetItem) -> None:
    with transaction.atomic():
        locked = lock_editable(actor, item.budget)
        data = {"budget": locked.pk, "description": item.description, "amount": item.amount}
        target = ("budgets.budgetitem", item.pk)
        item.delete()
        audit.record(actor, "budgets.item_delete", target, data, scope=locked.village_id)


def _next_position(qs: Any) -> int:
    return int(qs.aggregate(m=Max("position"))["m"] or 0) + 1


def budget_delete_draft(*, actor: Any, budget: VillageBudget) -> None:
    """Discard a draft that was never submitted (e.g. a wrong import or a false start)."""
    with transaction.atomic():
        locked = lock_editable(actor, budget)
        if locked.status != BudgetStatus.DRAFT or locked.reviews.exists():
            raise BudgetConflict(
                _("Only a draft that was never submitted can be discarded."),
                code=BudgetErrorCode.WRONG_STATUS,
            )
        data = {"year": locked.year, "version": locked.version}
        target = ("budgets.villagebudget", locked.pk)
        village = locked.village_id
        locked.imports.update(budget=None)
        locked.delete()
        audit.record(actor, "budgets.budget_discard", target, data, scope=village)


__all__ = [
    "activity_add",
    "activity_delete",
    "activity_update",
    "budget_create",
    "budget_delete_draft",
    "financing_add",
    "financing_delete",
    "item_add",
    "item_build",
    "item_delete",
    "item_update",
    "require_desa",
    "revenue_add",
    "revenue_delete",
    "revenue_update",
]

"""The budget cycle: draft → submitted (village head) → evaluated by the kecamatan (approved or
returned with notes) → approved by the regency, which locks it. A revision (perubahan APBDes)
is a new version copied from the approved one; approving it supersedes the old version and
carries every disbursement request over to the matching items."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import PermissionDenied

from ..checks import blocking
from ..exceptions import BudgetConflict, BudgetErrorCode, BudgetInvalid, ChecksFailed
from ..models import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetOrigin,
    BudgetRevenue,
    BudgetReview,
    BudgetStatus,
    Ceiling,
    Disbursement,
    ReviewAction,
    VillageBudget,
)
from ..models.budget import OPEN_STATUSES
from ..permissions import (
    can_approve_budget,
    can_create_budget,
    can_evaluate_budget,
    can_submit_budget,
)
from ..selectors.budgets import budget_content
from .common import clean_text, require_view

MAX_NOTES = 4000


def _lock(budget: VillageBudget) -> VillageBudget:
    return VillageBudget.objects.select_for_update().get(pk=budget.pk)


def _require_status(budget: VillageBudget, *allowed: str) -> None:
    if budget.status not in allowed:
        raise BudgetConflict(
            _("This action is not possible while the budget is “%(status)s”.")
            % {"status": budget.get_status_display()},
            code=BudgetErrorCode.WRONG_STATUS,
        )


def _require_checks_pass(budget: VillageBudget) -> None:
    _totals, findings = budget_content(budget).evaluate()
    errors = blocking(findings)
    if errors:
        raise ChecksFailed(
            _("The budget does not pass its checks: %(first)s") % {"first": errors[0].message}
            + (
                " " + _("(and %(n)d more problems)") % {"n": len(errors) - 1}
                if len(errors) > 1
                else ""
            ),
            details=[f.as_dict() for f in errors],
        )


def _review(budget: VillageBudget, actor: Any, action: str, notes: str = "") -> None:
    BudgetReview.objects.create(budget=budget, action=action, actor=actor, notes=notes)


def _notes(notes: str, *, required: bool) -> str:
    text = (notes or "").strip()[:MAX_NOTES]
    if required and not text:
        raise BudgetInvalid(_("Write what the village must correct."), code="return_notes_required")
    return text


def budget_submit(*, actor: Any, budget: VillageBudget) -> VillageBudget:
    """The village head submits a draft (or a returned version) to the kecamatan."""
    require_view(actor, budget)
    if not can_submit_budget(actor, budget):
        raise PermissionDenied(_("Only the village head submits the budget."))
    with transaction.atomic():
        locked = _lock(budget)
        _require_status(locked, BudgetStatus.DRAFT, BudgetStatus.RETURNED)
        _require_checks_pass(locked)
        locked.status = BudgetStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        _review(locked, actor, ReviewAction.SUBMIT)
        audit.record(actor, "budgets.budget_submit", locked, {"version": locked.version})
    return locked


def budget_evaluate(
    *, actor: Any, budget: VillageBudget, approve: bool, notes: str = ""
) -> VillageBudget:
    """The kecamatan evaluates a submitted budget: approve it for the regency, or return it."""
    require_view(actor, budget)
    if not can_evaluate_budget(actor, budget):
        raise PermissionDenied(_("Only the kecamatan evaluates village budgets."))
    text = _notes(notes, required=not approve)
    with transaction.atomic():
        locked = _lock(budget)
        _require_status(locked, BudgetStatus.SUBMITTED)
        if approve:
            _require_checks_pass(locked)
            locked.status = BudgetStatus.EVALUATED
            action = ReviewAction.DISTRICT_APPROVE
        else:
            locked.status = BudgetStatus.RETURNED
            action = ReviewAction.DISTRICT_RETURN
        locked.save(update_fields=["status", "updated_at"])
        _review(locked, actor, action, text)
        audit.record(
            actor, "budgets.budget_evaluate", locked, {"approve": approve, "notes": bool(text)}
        )
    return locked


def budget_decide(
    *, actor: Any, budget: VillageBudget, approve: bool, notes: str = ""
) -> VillageBudget:
    """The regency approves an evaluated budget (which locks it) or returns it."""
    require_view(actor, budget)
    if not can_approve_budget(actor, budget):
        raise PermissionDenied(_("Only the regency approves village budgets."))
    text = _notes(notes, required=not approve)
    with transaction.atomic():
        locked = _lock(budget)
        _require_status(locked, BudgetStatus.EVALUATED)
        if not approve:
            locked.status = BudgetStatus.RETURNED
            locked.save(update_fields=["status", "updated_at"])
            _review(locked, actor, ReviewAction.REGENCY_RETURN, text)
            audit.record(actor, "budgets.budget_decide", locked, {"approve": False})
            return locked
        # Lock the executing version (disbursement services lock it first too) and the
        # ceilings, so that the checks below see figures nobody can change until we commit.
        executing = (
            VillageBudget.objects.select_for_update()
            .filter(village_id=locked.village_id, year=locked.year, status=BudgetStatus.APPROVED)
            .first()
        )
        list(
            Ceiling.objects.select_for_update().filter(
                village_id=locked.village_id, year=locked.year
            )
        )
        _require_checks_pass(locked)
        if executing is not None:
            _carry_over_execution(old=executing, new=locked)
            executing.status = BudgetStatus.SUPERSEDED
            executing.save(update_fields=["status", "updated_at"])
        locked.status = BudgetStatus.APPROVED
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_at", "updated_at"])
        _review(locked, actor, ReviewAction.REGENCY_APPROVE, text)
        audit.record(
            actor,
            "budgets.budget_decide",
            locked,
            {"approve": True, "supersedes": executing.pk if executing else None},
        )
    return locked


def _carry_over_execution(*, old: VillageBudget, new: VillageBudget) -> None:
    """Move requested and realised amounts, and the requests themselves, to the new version."""
    old_items = {
        item.lineage: item
        for item in BudgetItem.objects.select_for_update().filter(budget=old).order_by("pk")
    }
    new_items = {item.lineage: item for item in BudgetItem.objects.filter(budget=new)}
    changed = []
    for lineage, old_item in old_items.items():
        if old_item.committed == 0 and old_item.realised == 0:
            continue
        target = new_items.get(lineage)
        if target is None or target.amount < old_item.committed + old_item.realised:
            # The checks refuse this before we get here; keep the invariant regardless.
            raise BudgetConflict(
                _("Item “%(item)s” has requests or realisation the revision does not cover.")
                % {"item": old_item.description},
                code=BudgetErrorCode.HAS_REALISATION,
            )
        target.committed = old_item.committed
        target.realised = old_item.realised
        changed.append(target)
        Disbursement.objects.filter(item=old_item).update(item=target)
    BudgetItem.objects.bulk_update(changed, ["committed", "realised"])


def budget_revise(*, actor: Any, budget: VillageBudget) -> VillageBudget:
    """Start a revision (perubahan APBDes): a new draft version copied from the approved one.

    The copy keeps each line's ``lineage``, so the diff and the execution follow it."""
    require_view(actor, budget)
    if not can_create_budget(actor, budget.village_id):
        raise PermissionDenied(_("Only the village operator or secretary drafts the budget."))
    with transaction.atomic():
        locked = _lock(budget)
        _require_status(locked, BudgetStatus.APPROVED)
        if VillageBudget.objects.filter(
            village_id=locked.village_id,
            year=locked.year,
            status__in=[s.value for s in OPEN_STATUSES],
        ).exists():
            raise BudgetConflict(
                _("A revision of this budget is already in progress."),
                code=BudgetErrorCode.OPEN_VERSION_EXISTS,
            )
        version = (
            VillageBudget.objects.filter(village_id=locked.village_id, year=locked.year).aggregate(
                m=Max("version")
            )["m"]
            or 0
        ) + 1
        revision = VillageBudget.objects.create(
            village_id=locked.village_id,
            year=locked.year,
            version=version,
            based_on=locked,
            origin=BudgetOrigin.MANUAL,
            created_by=actor,
        )
        copy_lines(source=locked, target=revision)
        audit.record(
            actor,
            "budgets.budget_revise",
            revision,
            {"version": version, "based_on": locked.pk},
        )
    return revision


def copy_lines(*, source: VillageBudget, target: VillageBudget) -> None:
    """Copy revenue, financing, activities and items, keeping their lineage."""
    BudgetRevenue.objects.bulk_create(
        BudgetRevenue(
            budget=target,
            account_id=r.account_id,
            fund_source_id=r.fund_source_id,
            description=r.description,
            amount=r.amount,
            lineage=r.lineage,
            position=r.position,
        )
        for r in BudgetRevenue.objects.filter(budget=source)
    )
    BudgetFinancing.objects.bulk_create(
        BudgetFinancing(
            budget=target,
            account_id=f.account_id,
            fund_source_id=f.fund_source_id,
            description=f.description,
            amount=f.amount,
            lineage=f.lineage,
            position=f.position,
        )
        for f in BudgetFinancing.objects.filter(budget=source)
    )
    new_activity = {}
    for activity in BudgetActivity.objects.filter(budget=source):
        new_activity[activity.pk] = BudgetActivity.objects.create(
            budget=target,
            activity_id=activity.activity_id,
            location=activity.location,
            output=activity.output,
            output_volume=activity.output_volume,
            output_unit=activity.output_unit,
            duration=activity.duration,
            lineage=activity.lineage,
        )
    BudgetItem.objects.bulk_create(
        BudgetItem(
            budget=target,
            activity=new_activity[i.activity_id],
            account_id=i.account_id,
            description=clean_text(i.description),
            volume=i.volume,
            unit=i.unit,
            unit_price=i.unit_price,
            amount=i.amount,
            fund_source_id=i.fund_source_id,
            ssh_id=i.ssh_id,
            lineage=i.lineage,
            position=i.position,
        )
        for i in BudgetItem.objects.filter(budget=source)
    )

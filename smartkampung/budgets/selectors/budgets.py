"""Reads of budgets, always scoped to the acting user (out of scope → NotFound)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import VILLAGE_STAFF_ROLES, scope_q
from smartkampung.core.exceptions import NotFound

from ..checks import Finding, Snapshot, Totals, evaluate
from ..models import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetRevenue,
    BudgetReview,
    BudgetStatus,
    Ceiling,
    FundSource,
    SiskeudesImport,
    VillageBudget,
)
from ..permissions import BUDGET_READER_ROLES, can_view_budget


def visible_budgets_q(actor: Any) -> Q:
    """Budgets the actor may read: shared versions in scope, drafts of their own village."""
    shared = scope_q(actor, BUDGET_READER_ROLES) & ~Q(status=BudgetStatus.DRAFT)
    own_drafts = scope_q(actor, VILLAGE_STAFF_ROLES) & Q(status=BudgetStatus.DRAFT)
    return shared | own_drafts


def budget_list(
    *,
    actor: Any,
    year: int | None = None,
    village_code: str | None = None,
    region_code: str | None = None,
    status: str | None = None,
) -> QuerySet[VillageBudget]:
    qs = (
        VillageBudget.objects.filter(visible_budgets_q(actor))
        .select_related("village")
        .defer("village__boundary")
    )
    if year:
        qs = qs.filter(year=year)
    if village_code:
        qs = qs.filter(village_id=village_code)
    if region_code:
        qs = qs.filter(Q(village_id=region_code) | Q(village__pk__startswith=region_code + "."))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("village_id", "-year", "-version")


def budget_get(*, actor: Any, budget_id: int) -> VillageBudget:
    budget = (
        VillageBudget.objects.select_related("village", "village__parent", "based_on")
        .defer("village__boundary", "village__parent__boundary")
        .filter(pk=budget_id)
        .first()
    )
    if budget is None or not can_view_budget(actor, budget):
        raise NotFound(_("Budget not found."))
    return budget


def budget_versions(*, actor: Any, village_code: str, year: int) -> list[VillageBudget]:
    return list(budget_list(actor=actor, village_code=village_code, year=year).order_by("version"))


def budget_executing(*, village_code: str, year: int) -> VillageBudget | None:
    """The approved version being executed (internal: callers check the actor themselves)."""
    return VillageBudget.objects.filter(
        village_id=village_code, year=year, status=BudgetStatus.APPROVED
    ).first()


def ceilings_for(*, village_code: str, year: int) -> dict[str, Decimal]:
    return dict(
        Ceiling.objects.filter(village_id=village_code, year=year).values_list(
            "fund_source_id", "amount"
        )
    )


def fund_sources_by_code() -> dict[str, FundSource]:
    return {s.code: s for s in FundSource.objects.all()}


@dataclass
class BudgetContent:
    """A budget version loaded in a fixed number of queries, ready for checks and pages."""

    budget: VillageBudget
    revenues: list[BudgetRevenue]
    financing: list[BudgetFinancing]
    activities: list[BudgetActivity]
    items: list[BudgetItem]
    ceilings: dict[str, Decimal]
    fund_sources: dict[str, FundSource]
    executed: dict[Any, tuple[Decimal, str]] = field(default_factory=dict)

    def snapshot(self, *, extra_items: list[Any] | None = None, **replace: Any) -> Snapshot:
        items: list[Any] = list(self.items)
        if extra_items:
            items += extra_items
        return Snapshot(
            revenues=replace.get("revenues", self.revenues),
            financing=replace.get("financing", self.financing),
            activities=self.activities,
            items=replace.get("items", items),
            ceilings=self.ceilings,
            fund_sources=self.fund_sources,
            executed=self.executed,
            year=self.budget.year,
        )

    def evaluate(self) -> tuple[Totals, list[Finding]]:
        return evaluate(self.snapshot())

    def items_by_activity(self) -> dict[int, list[BudgetItem]]:
        grouped: dict[int, list[BudgetItem]] = defaultdict(list)
        for item in self.items:
            grouped[item.activity_id].append(item)
        return grouped


def budget_content(budget: VillageBudget) -> BudgetContent:
    """Load one version's lines (callers have checked that the actor may see ``budget``)."""
    revenues = list(
        BudgetRevenue.objects.filter(budget=budget).select_related("account", "fund_source")
    )
    financing = list(
        BudgetFinancing.objects.filter(budget=budget).select_related("account", "fund_source")
    )
    activities = list(
        BudgetActivity.objects.filter(budget=budget).select_related(
            "activity", "activity__sub_sector", "activity__sub_sector__sector"
        )
    )
    by_id = {a.pk: a for a in activities}
    items = list(
        BudgetItem.objects.filter(budget=budget).select_related("account", "fund_source", "ssh")
    )
    for item in items:
        item.activity = by_id[item.activity_id]  # no query per item
    executed: dict[Any, tuple[Decimal, str]] = {}
    if budget.is_open and budget.version > 1:
        executing = budget_executing(village_code=budget.village_id, year=budget.year)
        if executing is not None:
            for lineage, committed, realised, description in BudgetItem.objects.filter(
                budget=executing
            ).values_list("lineage", "committed", "realised", "description"):
                executed[lineage] = (committed + realised, description)
    return BudgetContent(
        budget=budget,
        revenues=revenues,
        financing=financing,
        activities=activities,
        items=items,
        ceilings=ceilings_for(village_code=budget.village_id, year=budget.year),
        fund_sources=fund_sources_by_code(),
        executed=executed,
    )


def budget_reviews(*, budget: VillageBudget) -> list[BudgetReview]:
    return list(BudgetReview.objects.filter(budget=budget).select_related("actor"))


def budget_item_get(*, actor: Any, item_id: int) -> BudgetItem:
    item = (
        BudgetItem.objects.select_related("budget", "activity", "account", "fund_source", "ssh")
        .filter(pk=item_id)
        .first()
    )
    if item is None or not can_view_budget(actor, item.budget):
        raise NotFound(_("Item not found."))
    return item


def budget_activity_list(*, actor: Any, village_code: str, year: int) -> list[BudgetActivity]:
    """Activities of the village's current version for a year (executing if approved, else the
    latest visible version) — what the projects app offers when a project is created."""
    versions = budget_versions(actor=actor, village_code=village_code, year=year)
    if not versions:
        return []
    executing = [v for v in versions if v.status == BudgetStatus.APPROVED]
    budget = executing[0] if executing else versions[-1]
    return list(
        BudgetActivity.objects.filter(budget=budget)
        .select_related("activity", "budget")
        .order_by("activity_id")
    )


def budget_activity_current(activity: BudgetActivity) -> BudgetActivity | None:
    """The row with the same lineage in the executing version (after revisions), if any."""
    return (
        BudgetActivity.objects.filter(
            lineage=activity.lineage,
            budget__village_id=activity.budget.village_id,
            budget__year=activity.budget.year,
            budget__status=BudgetStatus.APPROVED,
        )
        .select_related("budget", "activity")
        .first()
    )


def siskeudes_import_list(*, actor: Any, village_code: str) -> QuerySet[SiskeudesImport]:
    """Past imports of a village (reports include no personal data)."""
    from ..permissions import can_view_village_budgets

    if not can_view_village_budgets(actor, village_code):
        raise NotFound(_("Not found."))
    return SiskeudesImport.objects.filter(village_id=village_code).select_related("created_by")


def siskeudes_import_get(*, actor: Any, import_id: int) -> SiskeudesImport:
    record = (
        SiskeudesImport.objects.select_related("village", "budget").filter(pk=import_id).first()
    )
    if record is None:
        raise NotFound(_("Not found."))
    siskeudes_import_list(actor=actor, village_code=record.village_id)
    return record

"""The budget list, the budget page (read and edit) and the editor's live preview."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.pagination import paginate

from .. import services
from ..forms import (
    ActivityForm,
    BudgetCreateForm,
    FinancingForm,
    RevenueForm,
    ReviewForm,
)
from ..models import (
    BudgetStatus,
    VillageBudget,
)
from ..permissions import (
    EDITOR_ROLES,
    can_approve_budget,
    can_create_budget,
    can_edit_budget,
    can_evaluate_budget,
    can_manage_any_reference,
    can_submit_budget,
    can_use_budgets,
    can_view_consolidation,
    can_view_execution,
)
from ..selectors import budgets as selectors
from .common import actor, current_year, villages_for, year_param


def detail_url(budget: VillageBudget, anchor: str = "") -> str:
    url = reverse("budgets:detail", args=[budget.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_GET
def budget_index(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not can_use_budgets(user):
        raise NotFound()
    year = year_param(request)
    status = request.GET.get("status") or None
    if status not in BudgetStatus.values:
        status = None
    qs = selectors.budget_list(actor=user, year=year, status=status)
    page, query = paginate(request, qs, per_page=50)
    editable_villages = villages_for(user, EDITOR_ROLES)
    return render(
        request,
        "budgets/index.html",
        {
            "page_obj": page,
            "querystring_base": query,
            "year": year,
            "years": range(current_year() - 2, current_year() + 2),
            "status": status or "",
            "statuses": BudgetStatus.choices,
            "create_form": BudgetCreateForm(villages=editable_villages, initial={"year": year})
            if editable_villages
            else None,
            "consolidation_scope": _consolidation_scope(user),
            "manages_reference": can_manage_any_reference(user),
        },
    )


def _grants(user: Any) -> Any:
    from smartkampung.accounts.permissions import actor_grants

    return actor_grants(user)


def _consolidation_scope(user: Any) -> str | None:
    """The widest region the actor may consolidate (regency, else a kecamatan)."""
    scopes = sorted((g.scope for g in _grants(user)), key=len)
    return next((s for s in scopes if can_view_consolidation(user, s)), None)


@login_required
@require_POST
def budget_create(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = BudgetCreateForm(request.POST, villages=villages_for(user, EDITOR_ROLES))
    if not form.is_valid():
        messages.error(request, _("Choose a village and a year."))
        return HttpResponseRedirect(reverse("budgets:index"))
    try:
        budget = services.budget_create(
            actor=user, village_code=form.cleaned_data["village"], year=form.cleaned_data["year"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("budgets:index"))
    messages.success(request, _("The draft budget was created. Add revenue and activities."))
    return HttpResponseRedirect(detail_url(budget))


def _findings_by_target(findings: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for finding in findings:
        if finding.target:
            grouped[finding.target].append(finding)
    return grouped


def ceiling_rows(content: selectors.BudgetContent, totals: Any) -> list[dict[str, Any]]:
    rows = []
    codes = set(content.ceilings) | {c for c, v in totals.revenue_by_source.items() if c and v}
    for code in sorted(codes, key=lambda c: getattr(content.fund_sources.get(c), "position", 99)):
        ceiling = content.ceilings.get(code)
        revenue = totals.revenue_by_source.get(code, Decimal("0"))
        rows.append(
            {
                "code": code,
                "name": getattr(content.fund_sources.get(code), "name", code),
                "ceiling": ceiling,
                "revenue": revenue,
                "room": None if ceiling is None else ceiling - revenue,
                "spent": totals.expenditure_by_source.get(code, Decimal("0")),
            }
        )
    return rows


def budget_page_context(request: HttpRequest, budget: VillageBudget) -> dict[str, Any]:
    user = actor(request)
    content = selectors.budget_content(budget)
    totals, findings = content.evaluate()
    editable = budget.is_editable and can_edit_budget(user, budget)
    grouped = content.items_by_activity()
    by_target = _findings_by_target(findings)
    for item in content.items:
        flags = by_target.get(f"item:{item.pk}", [])
        item.flag = (  # type: ignore[attr-defined]
            "error" if any(f.blocking for f in flags) else "warning" if flags else ""
        )
    activities = [(activity, grouped.get(activity.pk, [])) for activity in content.activities]
    return {
        "budget": budget,
        "village": budget.village,
        "content": content,
        "activities": activities,
        "totals": totals,
        "findings": findings,
        "errors": [f for f in findings if f.blocking],
        "warnings": [f for f in findings if not f.blocking],
        "ceiling_rows": ceiling_rows(content, totals),
        "editable": editable,
        "executing": budget.status == BudgetStatus.APPROVED,
        "versions": selectors.budget_versions(
            actor=user, village_code=budget.village_id, year=budget.year
        ),
        "reviews": selectors.budget_reviews(budget=budget),
        "can_submit": budget.status in (BudgetStatus.DRAFT, BudgetStatus.RETURNED)
        and can_submit_budget(user, budget),
        "can_evaluate": budget.status == BudgetStatus.SUBMITTED
        and can_evaluate_budget(user, budget),
        "can_decide": budget.status == BudgetStatus.EVALUATED and can_approve_budget(user, budget),
        "can_revise": budget.status == BudgetStatus.APPROVED
        and can_create_budget(user, budget.village_id),
        "can_discard": editable and budget.status == BudgetStatus.DRAFT,
        "can_view_execution": budget.status == BudgetStatus.APPROVED
        and can_view_execution(user, budget.village_id),
        "review_form": ReviewForm(),
        "revenue_form": RevenueForm(region=budget.village_id) if editable else None,
        "financing_form": FinancingForm(prefix="fin", region=budget.village_id)
        if editable
        else None,
        "activity_form": ActivityForm(prefix="act", region=budget.village_id) if editable else None,
    }


@login_required
@require_GET
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    return render(request, "budgets/detail.html", budget_page_context(request, budget))

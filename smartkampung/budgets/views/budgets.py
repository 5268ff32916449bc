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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError, NotFound, PermissionDenied
from smartkampung.core.pagination import paginate

from .. import services
from ..checks import evaluate
from ..forms import (
    ActivityEditForm,
    ActivityForm,
    BudgetCreateForm,
    FinancingForm,
    ItemForm,
    RevenueForm,
    ReviewForm,
)
from ..models import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetRevenue,
    BudgetStatus,
    VillageBudget,
)
from ..permissions import (
    EDITOR_ROLES,
    can_approve_budget,
    can_create_budget,
    can_edit_budget,
    can_evaluate_budget,
    can_manage_reference,
    can_submit_budget,
    can_use_budgets,
    can_view_consolidation,
    can_view_execution,
)
from ..selectors import budgets as selectors
from .common import actor, attempt, current_year, villages_for, year_param


def _detail_url(budget: VillageBudget, anchor: str = "") -> str:
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
    regency = next((g.scope for g in _grants(user) if g.scope.count(".") == 1), None)
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
            "manages_reference": can_manage_reference(user),
            "regency": regency,
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
    return HttpResponseRedirect(_detail_url(budget))


def _findings_by_target(findings: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for finding in findings:
        if finding.target:
            grouped[finding.target].append(finding)
    return grouped


def _ceiling_rows(content: selectors.BudgetContent, totals: Any) -> list[dict[str, Any]]:
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
        "ceiling_rows": _ceiling_rows(content, totals),
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
        "revenue_form": RevenueForm() if editable else None,
        "financing_form": FinancingForm(prefix="fin") if editable else None,
        "activity_form": ActivityForm(prefix="act") if editable else None,
    }


@login_required
@require_GET
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    return render(request, "budgets/detail.html", budget_page_context(request, budget))


def _editable_budget(request: HttpRequest, pk: int) -> VillageBudget:
    user = actor(request)
    budget = selectors.budget_get(actor=user, budget_id=pk)
    if not can_edit_budget(user, budget):
        raise PermissionDenied(_("Only the village operator or secretary edits the budget."))
    return budget


# --- live preview -----------------------------------------------------------------------------


@login_required
@require_POST
def budget_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Totals, balance and checks as they would be with the line being typed (nothing saved)."""
    budget = _editable_budget(request, pk)
    content = selectors.budget_content(budget)
    kind = request.POST.get("kind")
    line_amount: Decimal | None = None
    target = ""
    error = ""
    replace: dict[str, Any] = {}
    try:
        if kind == "item":
            form = ItemForm(request.POST, year=budget.year)
            activity = next(
                (a for a in content.activities if str(a.pk) == request.POST.get("activity")), None
            )
            if activity is None or not form.is_valid():
                raise DomainError(_("Check the numbers you typed."))
            item = services.item_build(activity=activity, **form.service_fields())
            editing = request.POST.get("item_id")
            if editing:
                item.pk = int(editing) if editing.isdigit() else None
                replace["items"] = [item if str(i.pk) == editing else i for i in content.items]
            else:
                replace["items"] = [*content.items, item]
            line_amount, target = item.amount, f"item:{item.pk}"
        elif kind in ("revenue", "financing"):
            form_class = RevenueForm if kind == "revenue" else FinancingForm
            line_form = form_class(request.POST, prefix=None if kind == "revenue" else "fin")
            if not line_form.is_valid():
                raise DomainError(_("Check the numbers you typed."))
            data = line_form.cleaned_data
            model = BudgetRevenue if kind == "revenue" else BudgetFinancing
            line = model(
                budget=budget,
                account_id=data["account"],
                fund_source_id=data.get("fund_source") or None,
                amount=data["amount"],
            )
            key = "revenues" if kind == "revenue" else "financing"
            replace[key] = [*getattr(content, key), line]
            line_amount = line.amount
        else:
            raise DomainError(_("Unknown line."))
    except DomainError as exc:
        error = exc.message
    totals, findings = evaluate(content.snapshot(**replace))
    return render(
        request,
        "budgets/partials/preview.html",
        {
            "budget": budget,
            "content": content,
            "line_amount": line_amount,
            "line_findings": [f for f in findings if target and f.target == target],
            "error": error,
            "totals": totals,
            "findings": findings,
            "errors": [f for f in findings if f.blocking],
            "warnings": [f for f in findings if not f.blocking],
            "ceiling_rows": _ceiling_rows(content, totals),
            "preview": True,
        },
    )


# --- revenue and financing --------------------------------------------------------------------


@login_required
@require_POST
def revenue_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    form = RevenueForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The revenue line is not complete: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return HttpResponseRedirect(_detail_url(budget, "revenue"))
    data = form.cleaned_data
    return attempt(
        request,
        lambda: services.revenue_add(
            actor=actor(request),
            budget=budget,
            account_code=data["account"],
            fund_source_code=data["fund_source"],
            amount=data["amount"],
            description=data["description"],
        ),
        success=_("Revenue line added."),
        redirect_to=_detail_url(budget, "revenue"),
    )


@login_required
@require_POST
def revenue_delete(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    line = BudgetRevenue.objects.filter(pk=line_id, budget=budget).first()
    if line is None:
        raise NotFound()
    return attempt(
        request,
        lambda: services.revenue_delete(actor=actor(request), line=line),
        success=_("Revenue line removed."),
        redirect_to=_detail_url(budget, "revenue"),
    )


@login_required
@require_POST
def financing_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    form = FinancingForm(request.POST, prefix="fin")
    if not form.is_valid():
        messages.error(request, _("The financing line is not complete."))
        return HttpResponseRedirect(_detail_url(budget, "financing"))
    data = form.cleaned_data
    return attempt(
        request,
        lambda: services.financing_add(
            actor=actor(request),
            budget=budget,
            account_code=data["account"],
            fund_source_code=data.get("fund_source") or None,
            amount=data["amount"],
            description=data["description"],
        ),
        success=_("Financing line added."),
        redirect_to=_detail_url(budget, "financing"),
    )


@login_required
@require_POST
def financing_delete(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    line = BudgetFinancing.objects.filter(pk=line_id, budget=budget).first()
    if line is None:
        raise NotFound()
    return attempt(
        request,
        lambda: services.financing_delete(actor=actor(request), line=line),
        success=_("Financing line removed."),
        redirect_to=_detail_url(budget, "financing"),
    )


# --- activities and items ---------------------------------------------------------------------


@login_required
@require_POST
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    form = ActivityForm(request.POST, prefix="act")
    if not form.is_valid():
        messages.error(request, _("Choose an activity from the list."))
        return HttpResponseRedirect(_detail_url(budget, "expenditure"))
    data = dict(form.cleaned_data)
    code = data.pop("activity")
    data["output_volume"] = data.get("output_volume") or 0
    result: dict[str, Any] = {}

    def call() -> None:
        result["row"] = services.activity_add(
            actor=actor(request), budget=budget, activity_code=code, **data
        )

    response = attempt(
        request, call, success=_("Activity added."), redirect_to=_detail_url(budget, "expenditure")
    )
    if "row" in result:
        return HttpResponseRedirect(_detail_url(budget, f"activity-{result['row'].pk}"))
    return response


def _activity(budget: VillageBudget, activity_id: int) -> BudgetActivity:
    row = (
        BudgetActivity.objects.select_related("activity", "budget")
        .filter(pk=activity_id, budget=budget)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    row = _activity(budget, activity_id)
    form = ActivityEditForm(
        request.POST or None,
        initial={
            "location": row.location,
            "output": row.output,
            "output_volume": row.output_volume,
            "output_unit": row.output_unit,
            "duration": row.duration,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["output_volume"] = data.get("output_volume") or 0
        return attempt(
            request,
            lambda: services.activity_update(actor=actor(request), activity=row, **data),
            success=_("Activity saved."),
            redirect_to=_detail_url(budget, f"activity-{row.pk}"),
        )
    return render(
        request,
        "budgets/activity_form.html",
        {"budget": budget, "row": row, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    row = _activity(budget, activity_id)
    return attempt(
        request,
        lambda: services.activity_delete(actor=actor(request), activity=row),
        success=_("Activity removed with its items."),
        redirect_to=_detail_url(budget, "expenditure"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    row = _activity(budget, activity_id)
    form = ItemForm(request.POST or None, year=budget.year, auto_id=f"item{row.pk}_%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=actor(request), activity=row, **form.service_fields())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Item added."))
            return HttpResponseRedirect(_detail_url(budget, f"activity-{row.pk}"))
    template = "budgets/item_form.html"
    if request.headers.get("HX-Request") == "true" and request.method == "GET":
        template += "#item-form"
    return render(
        request,
        template,
        {"budget": budget, "row": row, "form": form, "item": None},
        status=422 if form.errors else 200,
    )


def _item(budget: VillageBudget, item_id: int) -> BudgetItem:
    item = (
        BudgetItem.objects.select_related("activity", "activity__activity", "budget")
        .filter(pk=item_id, budget=budget)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    item = _item(budget, item_id)
    form = ItemForm(
        request.POST or None,
        year=budget.year,
        auto_id=f"item{item.activity_id}_%s",
        initial={
            "description": item.description,
            "volume": item.volume,
            "unit": item.unit,
            "unit_price": item.unit_price,
            "fund_source": item.fund_source_id or "",
            "account": item.account_id or "",
            "ssh": str(item.ssh_id or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=actor(request), item=item, **form.service_fields())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Item saved."))
            return HttpResponseRedirect(_detail_url(budget, f"activity-{item.activity_id}"))
    template = "budgets/item_form.html"
    if request.headers.get("HX-Request") == "true" and request.method == "GET":
        template += "#item-form"
    return render(
        request,
        template,
        {"budget": budget, "row": item.activity, "form": form, "item": item},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    item = _item(budget, item_id)
    return attempt(
        request,
        lambda: services.item_delete(actor=actor(request), item=item),
        success=_("Item removed."),
        redirect_to=_detail_url(budget, f"activity-{item.activity_id}"),
    )

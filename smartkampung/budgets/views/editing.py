"""Editing a draft: the live preview, revenue and financing lines, activities and items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError, NotFound, PermissionDenied

from .. import services
from ..checks import evaluate
from ..forms import ActivityEditForm, ActivityForm, FinancingForm, ItemForm, RevenueForm
from ..models import BudgetActivity, BudgetFinancing, BudgetItem, BudgetRevenue, VillageBudget
from ..permissions import can_edit_budget
from ..selectors import budgets as selectors
from .budgets import ceiling_rows, detail_url
from .common import actor, attempt


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
            form = ItemForm(request.POST, year=budget.year, region=budget.village_id)
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
            line_form = form_class(
                request.POST,
                prefix=None if kind == "revenue" else "fin",
                region=budget.village_id,
            )
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
            "ceiling_rows": ceiling_rows(content, totals),
            "preview": True,
        },
    )


# --- revenue and financing --------------------------------------------------------------------


@login_required
@require_POST
def revenue_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    form = RevenueForm(request.POST, region=budget.village_id)
    if not form.is_valid():
        messages.error(
            request,
            _("The revenue line is not complete: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return HttpResponseRedirect(detail_url(budget, "revenue"))
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
        redirect_to=detail_url(budget, "revenue"),
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
        redirect_to=detail_url(budget, "revenue"),
    )


@login_required
@require_POST
def financing_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    form = FinancingForm(request.POST, prefix="fin", region=budget.village_id)
    if not form.is_valid():
        messages.error(request, _("The financing line is not complete."))
        return HttpResponseRedirect(detail_url(budget, "financing"))
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
        redirect_to=detail_url(budget, "financing"),
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
        redirect_to=detail_url(budget, "financing"),
    )


# --- activities and items ---------------------------------------------------------------------


@login_required
@require_POST
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    form = ActivityForm(request.POST, prefix="act", region=budget.village_id)
    if not form.is_valid():
        messages.error(request, _("Choose an activity from the list."))
        return HttpResponseRedirect(detail_url(budget, "expenditure"))
    data = dict(form.cleaned_data)
    code = data.pop("activity")
    data["output_volume"] = data.get("output_volume") or 0
    result: dict[str, Any] = {}

    def call() -> None:
        result["row"] = services.activity_add(
            actor=actor(request), budget=budget, activity_code=code, **data
        )

    response = attempt(
        request, call, success=_("Activity added."), redirect_to=detail_url(budget, "expenditure")
    )
    if "row" in result:
        return HttpResponseRedirect(detail_url(budget, f"activity-{result['row'].pk}"))
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
            redirect_to=detail_url(budget, f"activity-{row.pk}"),
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
        redirect_to=detail_url(budget, "expenditure"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    budget = _editable_budget(request, pk)
    row = _activity(budget, activity_id)
    form = ItemForm(
        request.POST or None,
        year=budget.year,
        region=budget.village_id,
        auto_id=f"item{row.pk}_%s",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=actor(request), activity=row, **form.service_fields())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Item added."))
            return HttpResponseRedirect(detail_url(budget, f"activity-{row.pk}"))
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
        region=budget.village_id,
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
            return HttpResponseRedirect(detail_url(budget, f"activity-{item.activity_id}"))
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
        redirect_to=detail_url(budget, f"activity-{item.activity_id}"),
    )

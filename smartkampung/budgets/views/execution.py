"""Execution of the approved budget: requests (SPP), approvals, receipts, and the LRA."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smartkampung.accounts.stepup import stepup_gate
from smartkampung.core.exceptions import NotFound
from smartkampung.core.pagination import paginate
from smartkampung.core.templatetags.sk import rupiah

from .. import services
from ..exports import lra_workbook, xlsx_response
from ..forms import DisbursementForm, NotesForm, ReceiptForm
from ..models import BudgetItem, BudgetStatus, DisbursementStatus, VillageBudget
from ..permissions import (
    can_decide_disbursement,
    can_pay_disbursement,
    can_record_receipt,
    can_request_disbursement,
    can_view_execution,
)
from ..selectors import budgets as selectors
from ..selectors import execution as execution_selectors
from ..selectors.reports import PERIODS, lra_report
from .common import actor, attempt


def _executing(request: HttpRequest, pk: int) -> VillageBudget:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    if budget.status != BudgetStatus.APPROVED or not can_view_execution(
        actor(request), budget.village_id
    ):
        raise NotFound(_("Only the approved budget being executed has an execution page."))
    return budget


def _item_choices(items: list[BudgetItem]) -> list[tuple[str, str]]:
    return [
        (
            str(i.pk),
            f"{i.activity.activity_id} · {i.description} — "
            + _("remaining %(amount)s") % {"amount": f"Rp {i.remaining:,.0f}".replace(",", ".")},
        )
        for i in items
        if i.remaining > 0
    ]


@login_required
@require_GET
def execution_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    budget = _executing(request, pk)
    content = selectors.budget_content(budget)
    disbursements = execution_selectors.disbursement_list(
        actor=user, village_code=budget.village_id, year=budget.year
    )
    page, query = paginate(request, disbursements, per_page=50)
    may_request = can_request_disbursement(user, budget.village_id)
    may_record = can_record_receipt(user, budget.village_id)
    totals = {
        "amount": sum(i.amount for i in content.items),
        "committed": sum(i.committed for i in content.items),
        "realised": sum(i.realised for i in content.items),
    }
    return render(
        request,
        "budgets/execution.html",
        {
            "budget": budget,
            "content": content,
            "grouped": content.items_by_activity(),
            "totals": totals,
            "page_obj": page,
            "querystring_base": query,
            "receipts": execution_selectors.receipt_list(
                actor=user, village_code=budget.village_id, year=budget.year
            )[:100],
            "may_request": may_request,
            "may_decide": can_decide_disbursement(user, budget.village_id),
            "may_pay": can_pay_disbursement(user, budget.village_id),
            "may_record": may_record,
            "request_form": DisbursementForm(items=_item_choices(content.items))
            if may_request
            else None,
            "receipt_form": ReceiptForm(
                region=budget.village_id, initial={"received_on": timezone.localdate()}
            )
            if may_record
            else None,
            "notes_form": NotesForm(),
            "pending": DisbursementStatus.PENDING,
            "approved": DisbursementStatus.APPROVED,
            "periods": [(key, label) for key, (label, _month) in PERIODS.items()],
        },
    )


def _execution_url(budget_id: int) -> str:
    return reverse("budgets:execution", args=[budget_id])


@login_required
@require_POST
def disbursement_request(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _executing(request, pk)
    content_items = list(
        BudgetItem.objects.filter(budget=budget).select_related("activity", "budget")
    )
    form = DisbursementForm(request.POST, items=[(str(i.pk), "") for i in content_items])
    if not form.is_valid():
        messages.error(request, _("The request is not complete."))
        return HttpResponseRedirect(_execution_url(pk))
    item = next(i for i in content_items if str(i.pk) == form.cleaned_data["item"])
    data = form.cleaned_data
    return attempt(
        request,
        lambda: services.disbursement_request(
            actor=actor(request),
            item=item,
            amount=data["amount"],
            description=data["description"],
            kind=data["kind"],
        ),
        success=_("The request was recorded and awaits the village head."),
        redirect_to=_execution_url(pk),
    )


def _decision(request: HttpRequest, disbursement_id: int, action: str) -> HttpResponse:
    user = actor(request)
    disbursement = execution_selectors.disbursement_get(actor=user, disbursement_id=disbursement_id)
    back = _execution_url(disbursement.item.budget_id)
    if action == "approve":
        if disbursement.status == DisbursementStatus.PENDING and can_decide_disbursement(
            user, disbursement.village_id
        ):
            # Approving an SPP asks twice (ADR 0112), showing what is paid out.
            gate = stepup_gate(
                request,
                purpose="budgets.disbursement_approve",
                title=_("Approve this payment request (SPP)"),
                summary=[
                    (_("Number"), disbursement.number),
                    (_("Item"), disbursement.item.description),
                    (_("Description"), disbursement.description),
                    (_("Amount"), rupiah(disbursement.amount)),
                    (_("Year"), disbursement.year),
                ],
                cancel_url=back,
                target=disbursement,
            )
            if gate is not None:
                return gate
        return attempt(
            request,
            lambda: services.disbursement_approve(actor=user, disbursement=disbursement),
            success=_("Approved: the amount is now realised."),
            redirect_to=back,
        )
    if action == "reject":
        form = NotesForm(request.POST)
        notes = form.cleaned_data["notes"] if form.is_valid() else ""
        return attempt(
            request,
            lambda: services.disbursement_reject(
                actor=user, disbursement=disbursement, notes=notes
            ),
            success=_("Rejected: the amount is available again."),
            redirect_to=back,
        )
    return attempt(
        request,
        lambda: services.disbursement_cancel(actor=user, disbursement=disbursement),
        success=_("The request was withdrawn."),
        redirect_to=back,
    )


@login_required
@require_POST
def disbursement_approve(request: HttpRequest, disbursement_id: int) -> HttpResponse:
    return _decision(request, disbursement_id, "approve")


@login_required
@require_POST
def disbursement_reject(request: HttpRequest, disbursement_id: int) -> HttpResponse:
    return _decision(request, disbursement_id, "reject")


@login_required
@require_POST
def disbursement_cancel(request: HttpRequest, disbursement_id: int) -> HttpResponse:
    return _decision(request, disbursement_id, "cancel")


@login_required
@require_POST
def disbursement_mark_paid(request: HttpRequest, disbursement_id: int) -> HttpResponse:
    """The treasurer records that an approved SPP has been paid out."""
    user = actor(request)
    disbursement = execution_selectors.disbursement_get(actor=user, disbursement_id=disbursement_id)
    return attempt(
        request,
        lambda: services.disbursement_mark_paid(actor=user, disbursement=disbursement),
        success=_("Recorded as paid."),
        redirect_to=_execution_url(disbursement.item.budget_id) + f"#spp-{disbursement.pk}",
    )


@login_required
@require_POST
def receipt_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _executing(request, pk)
    form = ReceiptForm(request.POST, region=budget.village_id)
    if not form.is_valid():
        messages.error(request, _("The receipt is not complete."))
        return HttpResponseRedirect(_execution_url(pk))
    data = form.cleaned_data
    return attempt(
        request,
        lambda: services.receipt_record(
            actor=actor(request),
            village_code=budget.village_id,
            year=budget.year,
            account_code=data["account"],
            fund_source_code=data["fund_source"],
            amount=data["amount"],
            description=data["description"],
            received_on=data["received_on"],
        ),
        success=_("The receipt was recorded."),
        redirect_to=_execution_url(pk),
    )


@login_required
@require_GET
def lra(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The realisation report of a village for a year, cumulative to the chosen period."""
    period = request.GET.get("period") or "s1"
    if period not in PERIODS:
        period = "s1"
    report = lra_report(actor=actor(request), village_code=code, year=year, period=period)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(lra_workbook(report), f"LRA_{code}_{year}_{period}.xlsx")
    return render(
        request,
        "budgets/lra.html",
        {
            "report": report,
            "budget": report.budget,
            "period": period,
            "periods": [(key, label) for key, (label, _month) in PERIODS.items()],
        },
    )

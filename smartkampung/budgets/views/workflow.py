"""Workflow actions on a budget page, the version diff and the APBDes export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smartkampung.accounts.stepup import stepup_gate
from smartkampung.core.exceptions import DomainError, NotFound

from .. import services
from ..exports import apbdes_workbook, xlsx_response
from ..forms import ReviewForm
from ..permissions import can_approve_budget
from ..selectors import budgets as selectors
from ..selectors.diff import version_diff
from ..selectors.reports import apbdes_report
from .common import actor, attempt


def _url(pk: int) -> str:
    return reverse("budgets:detail", args=[pk])


@login_required
@require_POST
def budget_submit(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    return attempt(
        request,
        lambda: services.budget_submit(actor=actor(request), budget=budget),
        success=_("The budget was submitted to the kecamatan."),
        redirect_to=_url(pk),
    )


def _review(request: HttpRequest, pk: int, *, regency: bool) -> HttpResponse:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return HttpResponseRedirect(_url(pk))
    approve = form.cleaned_data["decision"] == "approve"
    notes = form.cleaned_data["notes"]
    if regency and approve and can_approve_budget(actor(request), budget):
        # Locking a budget asks twice (ADR 0112).
        gate = stepup_gate(
            request,
            purpose="budgets.budget_lock",
            title=_("Approve and lock this budget"),
            summary=[
                (_("Village"), budget.village.name),
                (_("Year"), budget.year),
                (_("Version"), budget.version),
                (_("Status"), budget.get_status_display()),
            ],
            cancel_url=_url(pk),
            target=budget,
            keep=("decision", "notes"),
        )
        if gate is not None:
            return gate
    service = services.budget_decide if regency else services.budget_evaluate
    if approve:
        success = (
            _("The budget is approved and locked.")
            if regency
            else _("The evaluation was recorded; the budget goes to the regency.")
        )
    else:
        success = _("The budget was returned to the village with your notes.")
    return attempt(
        request,
        lambda: service(actor=actor(request), budget=budget, approve=approve, notes=notes),
        success=success,
        redirect_to=_url(pk),
    )


@login_required
@require_POST
def budget_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, regency=False)


@login_required
@require_POST
def budget_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, regency=True)


@login_required
@require_POST
def budget_revise(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    try:
        revision = services.budget_revise(actor=actor(request), budget=budget)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_url(pk))
    messages.success(request, _("A revision was started as a new version."))
    return HttpResponseRedirect(_url(revision.pk))


@login_required
@require_POST
def budget_discard(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    try:
        services.budget_delete_draft(actor=actor(request), budget=budget)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_url(pk))
    messages.success(request, _("The draft was discarded."))
    return HttpResponseRedirect(reverse("budgets:index"))


@login_required
@require_GET
def budget_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between this version and another one (default: the one it revises)."""
    user = actor(request)
    new = selectors.budget_get(actor=user, budget_id=pk)
    against = request.GET.get("against")
    if against and against.isdigit():
        old = selectors.budget_get(actor=user, budget_id=int(against))
    elif new.based_on_id:
        old = selectors.budget_get(actor=user, budget_id=new.based_on_id)
    else:
        raise NotFound(_("This version has no earlier version to compare with."))
    if old.version > new.version:
        old, new = new, old
    diff = version_diff(old=old, new=new)
    return render(
        request,
        "budgets/diff.html",
        {
            "diff": diff,
            "budget": new,
            "versions": selectors.budget_versions(
                actor=user, village_code=new.village_id, year=new.year
            ),
        },
    )


@login_required
@require_GET
def budget_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The version in the official APBDes layout, as an XLSX workbook."""
    budget = selectors.budget_get(actor=actor(request), budget_id=pk)
    report = apbdes_report(budget=budget)
    name = f"APBDes_{budget.village_id}_{budget.year}_v{budget.version}.xlsx"
    return xlsx_response(apbdes_workbook(report), name)

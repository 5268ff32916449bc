"""Pages of the economy app: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkampung.accounts.models import Role, User
from smartkampung.accounts.permissions import scope_codes
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.regions.models import Region

from . import selectors, services
from .models import ReportStatus, VillageEnterprise
from .permissions import (
    READ_ROLES,
    can_check_report,
    can_manage_enterprises,
    can_submit_report,
    managed_enterprise_id,
)

REPORT_FIELDS = ("year", "revenue", "costs", "assets", "pad_share", "employees")


def _village(code: str) -> Region:
    region = Region.objects.filter(pk=code).defer("boundary").first()
    if region is None or not region.is_village:
        raise NotFound(_("Village not found."))
    return region


def _error_text(exc: DomainError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    return " ".join([exc.message, *(str(v) for v in details.values())])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A manager's own enterprise, else the enterprises in the actor's scope."""
    own = managed_enterprise_id(request.user)
    if own is not None:
        return redirect("economy:enterprise", enterprise_id=own)
    codes = scope_codes(request.user, READ_ROLES)
    if not codes:
        raise Http404
    if len(codes) == 1 and codes[0].count(".") == 3:
        return redirect("economy:village", code=codes[0])
    enterprises = list(selectors.enterprise_list(actor=request.user)[:500])
    return render(request, "economy/home.html", {"enterprises": enterprises})


@login_required
def village_page(request: HttpRequest, code: str) -> HttpResponse:
    """The village's enterprises and, for its operator or secretary, the register form."""
    village = _village(code)
    enterprises = list(selectors.enterprise_list(actor=request.user, village_code=code))
    can_manage = can_manage_enterprises(request.user, code)
    if not enterprises and not can_manage and not selectors.can_read_village(request.user, code):
        raise NotFound(_("Village not found."))
    error = ""
    status = 200
    if request.method == "POST":
        try:
            enterprise = services.enterprise_register(
                actor=request.user,
                village=village,
                name=request.POST.get("name", ""),
                registration_number=request.POST.get("registration_number", ""),
                units=request.POST.get("units", ""),
                other_capital=request.POST.get("other_capital", "0"),
            )
            return redirect("economy:enterprise", enterprise_id=enterprise.pk)
        except DomainError as exc:
            if exc.status == 404:
                raise
            error, status = _error_text(exc), 422
    return render(
        request,
        "economy/village.html",
        {
            "village": village,
            "enterprises": enterprises,
            "can_manage": can_manage,
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


def _enterprise_context(request: HttpRequest, enterprise: VillageEnterprise) -> dict[str, Any]:
    actor = request.user
    can_manage = can_manage_enterprises(actor, enterprise.village_id)
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "managers": selectors.enterprise_managers(enterprise=enterprise),
        "placements": selectors.enterprise_placements(enterprise=enterprise),
        "reports": selectors.enterprise_reports(enterprise=enterprise),
        "can_manage": can_manage,
        "can_submit": can_submit_report(actor, enterprise),
        "can_check": can_check_report(actor, enterprise),
        "submitted": ReportStatus.SUBMITTED,
        "returned": ReportStatus.RETURNED,
        "this_year": timezone.localdate().year,
        "error": "",
        "posted": {},
    }
    if can_manage:
        context["candidates"] = User.objects.filter(
            role_assignments__role=Role.BUMDES_MANAGER,
            role_assignments__scope_id=enterprise.village_id,
            bumdes_manager__isnull=True,
        ).order_by("username")[:100]
    return context


@login_required
def enterprise_page(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    return render(request, "economy/enterprise.html", _enterprise_context(request, enterprise))


def _post_action(request: HttpRequest, enterprise: VillageEnterprise, call: Any) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        if exc.status == 404:
            raise
        context = _enterprise_context(request, enterprise)
        context["error"] = _error_text(exc)
        context["posted"] = request.POST
        return render(request, "economy/enterprise.html", context, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("economy:enterprise", enterprise_id=enterprise.pk)


@login_required
@require_POST
def manager_add(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    user_id = request.POST.get("user", "")
    user = User.objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None
    return _post_action(
        request,
        enterprise,
        lambda: services.manager_add(
            actor=request.user,
            enterprise=enterprise,
            resident_id=request.POST.get("resident", ""),
            position=request.POST.get("position", ""),
            user=user,
        ),
    )


@login_required
@require_POST
def capital_place(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    return _post_action(
        request,
        enterprise,
        lambda: services.capital_place(
            actor=request.user,
            enterprise=enterprise,
            year=request.POST.get("year", ""),
            amount=request.POST.get("amount", "") or None,
        ),
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    data = {f: request.POST.get(f, "") for f in REPORT_FIELDS}
    return _post_action(
        request,
        enterprise,
        lambda: services.report_submit(actor=request.user, enterprise=enterprise, data=data),
    )


@login_required
@require_POST
def report_check(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, report_id=report_id)
    return _post_action(
        request,
        report.enterprise,
        lambda: services.report_check(
            actor=request.user,
            report=report,
            accept=request.POST.get("decision") == "accept",
            note=request.POST.get("note", ""),
        ),
    )

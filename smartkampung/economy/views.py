"""Pages of the economy app: thin views over the selectors and services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smartkampung.accounts.models import Role, User
from smartkampung.accounts.permissions import scope_codes
from smartkampung.core.csvfiles import csv_response
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.regions.models import Level, Region

from . import selectors, services
from .kbli import SECTION_NAMES
from .models import ApprovalStatus, Product, ReportStatus, VillageEnterprise
from .overview import CSV_HEADER, economy_overview, overview_csv_rows
from .permissions import (
    OVERVIEW_ROLES,
    READ_ROLES,
    can_check_report,
    can_keep_businesses,
    can_manage_enterprises,
    can_submit_report,
    citizen_resident,
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
    overview = scope_codes(request.user, OVERVIEW_ROLES)
    if overview:
        return redirect("economy:overview", code=overview[0])
    codes = scope_codes(request.user, READ_ROLES)
    if not codes:
        resident = citizen_resident(request.user)
        if resident is not None:
            return redirect("economy:businesses", code=resident.village_id)
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


# --- local businesses (UMKM) and the market page ----------------------------------------------


@login_required
def business_list(request: HttpRequest, code: str) -> HttpResponse:
    """The village's businesses (staff) or the citizen's own, with the register form."""
    village = _village(code)
    actor = request.user
    staff = can_keep_businesses(actor, code)
    citizen = citizen_resident(actor)
    if not staff and (citizen is None or citizen.village_id != code):
        raise NotFound(_("Village not found."))
    error, status = "", 200
    if request.method == "POST":
        try:
            business = services.business_register(
                actor=actor,
                village=village,
                name=request.POST.get("name", ""),
                kbli_code=request.POST.get("kbli_code", ""),
                nib=request.POST.get("nib", ""),
                description=request.POST.get("description", ""),
                owner_id=request.POST.get("owner", ""),
            )
            return redirect("economy:business", business_id=business.pk)
        except DomainError as exc:
            if exc.status == 404:
                raise
            error, status = _error_text(exc), exc.status
    return render(
        request,
        "economy/businesses.html",
        {
            "village": village,
            "businesses": list(selectors.business_list(actor=actor, village_code=code)[:500]),
            "staff": staff,
            "sections": SECTION_NAMES,
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


def _business_context(request: HttpRequest, business: Any) -> dict[str, Any]:
    return {
        "business": business,
        "sector_name": SECTION_NAMES.get(business.sector, ""),
        "products": list(business.products.order_by("name")),
        "staff": can_keep_businesses(request.user, business.village_id),
        "pending": ApprovalStatus.PENDING,
        "error": "",
        "posted": {},
    }


@login_required
def business_page(request: HttpRequest, business_id: int) -> HttpResponse:
    business = selectors.business_get(actor=request.user, business_id=business_id)
    context = _business_context(request, business)
    if request.method == "POST":
        try:
            services.product_add(
                actor=request.user,
                business=business,
                name=request.POST.get("name", ""),
                price=request.POST.get("price", ""),
                whatsapp=request.POST.get("whatsapp", ""),
                description=request.POST.get("description", ""),
                photo=request.FILES.get("photo"),
            )
            return redirect("economy:business", business_id=business.pk)
        except DomainError as exc:
            if exc.status == 404:
                raise
            context.update(error=_error_text(exc), posted=request.POST)
            return render(request, "economy/business.html", context, status=exc.status)
    return render(request, "economy/business.html", context)


@login_required
@require_POST
def business_decide(request: HttpRequest, business_id: int) -> HttpResponse:
    business = selectors.business_get(actor=request.user, business_id=business_id)
    services.business_decide(
        actor=request.user, business=business, approve=request.POST.get("decision") == "approve"
    )
    return redirect("economy:business", business_id=business.pk)


@login_required
@require_POST
def product_decide(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get(actor=request.user, product_id=product_id)
    services.product_decide(
        actor=request.user, product=product, approve=request.POST.get("decision") == "approve"
    )
    return redirect("economy:business", business_id=product.business_id)


@require_GET
def market_page(request: HttpRequest, code: str) -> HttpResponse:
    """Public (no login): the village's approved products. A page without scripts; photos load
    lazily from their own URL, so the page itself stays small on a phone."""
    village = _village(code)
    search = request.GET.get("q", "")[:60]
    products = selectors.market_products(village_code=code, search=search)
    response = render(
        request,
        "economy/market.html",
        {"village": village, "products": products, "search": search},
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


MIN_SEARCH = 2


@require_GET
def market_search(request: HttpRequest) -> HttpResponse:
    """Public (no login): search the approved products of every village by name, optionally
    in one village. Without a search word (two letters at least) nothing is listed."""
    search = " ".join(request.GET.get("q", "").split())[:60]
    villages = list(
        Region.objects.filter(level=Level.VILLAGE).order_by("name").values_list("code", "name")
    )
    code = request.GET.get("village", "")
    known = {c for c, _name in villages}
    village_code = code if code in known else None
    products = (
        selectors.market_products(village_code=village_code, search=search, limit=100)
        if len(search) >= MIN_SEARCH
        else []
    )
    names = dict(villages)
    response = render(
        request,
        "economy/market_search.html",
        {
            "products": [(p, names.get(p.village_id, "")) for p in products],
            "search": search,
            "villages": villages,
            "village_code": village_code or "",
            "searched": len(search) >= MIN_SEARCH,
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def market_photo(request: HttpRequest, product_id: int) -> HttpResponse:
    """The re-encoded photo of a listed product (never the seller's original file)."""
    product = (
        Product.objects.filter(
            pk=product_id,
            status=ApprovalStatus.APPROVED,
            business__status=ApprovalStatus.APPROVED,
        )
        .exclude(photo="")
        .only("photo")
        .first()
    )
    if product is None:
        raise NotFound(_("Product not found."))
    with default_storage.open(product.photo, "rb") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- the regency's overview -------------------------------------------------------------------


def _due_year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    if text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100:
        return int(text)
    return None  # outside the window: the default (last year)


@login_required
def overview_page(request: HttpRequest, code: str) -> HttpResponse:
    """Capital placed vs returns per village, BUMDes without last year's report, red flags."""
    region, due, rows = economy_overview(
        actor=request.user, region_code=code, last_year=_due_year(request)
    )
    totals = {
        "placed": sum((r.placed for r in rows), Decimal(0)),
        "returned": sum((r.returned for r in rows), Decimal(0)),
        "budgeted": sum((r.budgeted for r in rows), Decimal(0)),
        "flags": sum(len(r.flags) for r in rows),
        "without_report": sum(len(r.without_report) for r in rows),
    }
    return render(
        request,
        "economy/overview.html",
        {"region": region, "due": due, "rows": rows, "totals": totals},
    )


@login_required
def overview_csv(request: HttpRequest, code: str) -> HttpResponse:
    region, due, rows = economy_overview(
        actor=request.user, region_code=code, last_year=_due_year(request)
    )
    return csv_response(
        CSV_HEADER, overview_csv_rows(rows), filename=f"bumdes-{region.code}-{due}.csv", bom=True
    )

"""Reads of the economy app, always scoped to the acting user (out of scope → NotFound)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.exceptions import NotFound

from .models import (
    ApprovalStatus,
    CapitalPlacement,
    EnterpriseReport,
    LocalBusiness,
    Product,
    VillageEnterprise,
)
from .permissions import READ_ROLES, can_read_enterprise, managed_enterprise_id


def enterprise_list(*, actor: Any, village_code: str | None = None) -> QuerySet[VillageEnterprise]:
    """Enterprises the actor may read: those in the scope of their official roles, and the one
    they manage."""
    visible = scope_q(actor, READ_ROLES)
    own = managed_enterprise_id(actor)
    if own is not None:
        visible |= Q(pk=own)
    qs = (
        VillageEnterprise.objects.filter(visible)
        .select_related("village")
        .defer("village__boundary")
    )
    if village_code:
        qs = qs.filter(village_id=village_code)
    return qs.order_by("village_id", "name")


def enterprise_get(*, actor: Any, enterprise_id: int) -> VillageEnterprise:
    enterprise = (
        VillageEnterprise.objects.select_related("village")
        .defer("village__boundary")
        .filter(pk=enterprise_id)
        .first()
    )
    if enterprise is None or not can_read_enterprise(actor, enterprise):
        raise NotFound(_("Enterprise not found."))
    return enterprise


def enterprise_managers(*, enterprise: VillageEnterprise) -> list[Any]:
    """The managers with their residents (callers have checked the actor may see it)."""
    return list(enterprise.managers.select_related("resident", "user").order_by("pk"))


def enterprise_placements(*, enterprise: VillageEnterprise) -> list[CapitalPlacement]:
    return list(enterprise.placements.order_by("-year"))


def enterprise_reports(*, enterprise: VillageEnterprise) -> list[EnterpriseReport]:
    """The reports, newest first; each carries ``pad_budgeted_next``: the profit share
    (4.1.1.01) the approved APBDes of the following year counts on (None without one)."""
    from smartkampung.budgets.selectors.aggregates import enterprise_profit_share

    reports = list(enterprise.reports.order_by("-year"))
    budgeted = enterprise_profit_share(
        village_codes=[enterprise.village_id], years=[r.year + 1 for r in reports]
    )
    for report in reports:
        report.pad_budgeted_next = budgeted.get((enterprise.village_id, report.year + 1))  # type: ignore[attr-defined]
    return reports


def report_get(*, actor: Any, report_id: int) -> EnterpriseReport:
    report = EnterpriseReport.objects.select_related("enterprise").filter(pk=report_id).first()
    if report is None or not can_read_enterprise(actor, report.enterprise):
        raise NotFound(_("Report not found."))
    return report


def can_read_village(actor: Any, village_code: str) -> bool:
    """Whether the actor's official roles cover the village (its page may be empty)."""
    from smartkampung.accounts.permissions import has_role

    return has_role(actor, READ_ROLES, village_code)


# --- local businesses (UMKM) ------------------------------------------------------------------


def business_list(*, actor: Any, village_code: str) -> QuerySet[LocalBusiness]:
    """The village's businesses for its staff; a citizen's own businesses otherwise."""
    from .permissions import can_keep_businesses, citizen_resident

    qs = LocalBusiness.objects.filter(village_id=village_code).select_related("owner")
    if can_keep_businesses(actor, village_code):
        return qs.order_by("status", "name")
    resident = citizen_resident(actor)
    if resident is None:
        return qs.none()
    return qs.filter(owner=resident).order_by("name")


def business_get(*, actor: Any, business_id: int) -> LocalBusiness:
    from .permissions import can_read_business

    business = LocalBusiness.objects.select_related("owner").filter(pk=business_id).first()
    if business is None or not can_read_business(actor, business):
        raise NotFound(_("Business not found."))
    return business


def product_get(*, actor: Any, product_id: int) -> Product:
    from .permissions import can_read_business

    product = Product.objects.select_related("business").filter(pk=product_id).first()
    if product is None or not can_read_business(actor, product.business):
        raise NotFound(_("Product not found."))
    return product


def market_products(
    *, village_code: str | None, search: str = "", limit: int = 200
) -> list[Product]:
    """Public: the approved products of approved businesses of a village, or of every village
    when ``village_code`` is None (no actor; nothing personal is selected: not the owner, only
    the business name and the seller's WhatsApp)."""
    qs = Product.objects.filter(
        status=ApprovalStatus.APPROVED, business__status=ApprovalStatus.APPROVED
    )
    if village_code is not None:
        qs = qs.filter(village_id=village_code)
    search = " ".join(search.split())[:60]
    if search:
        qs = qs.filter(name__icontains=search)
    return list(
        qs.select_related("business")
        .only(
            "name",
            "description",
            "price",
            "whatsapp",
            "photo",
            "village_id",
            "business__name",
            "business__sector",
        )
        .order_by("name", "pk")[:limit]
    )

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "smartkampung.budgets"
    label = "budgets"
    verbose_name = _("Budgets")

    def nav_items(self, request: HttpRequest) -> list[Any]:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_use_budgets

        if not request.user.is_authenticated or not can_use_budgets(request.user):
            return []
        return [NavItem(label=str(_("Budgets")), url=reverse("budgets:index"), order=30)]

    def inbox_sections(self, actor: Any) -> list[Any]:
        """The home page's work inbox: SPP to approve, budgets to submit, evaluate, approve."""
        from .inbox import inbox_sections

        return inbox_sections(actor)

    def village_panels(self, request: HttpRequest, village: Any) -> list[Any]:
        """The APBDes versions and this year's absorption, on the village page."""
        from django.utils import timezone

        from smartkampung.core.navigation import Panel
        from smartkampung.regions.models import Kind

        from .permissions import can_view_village_budgets
        from .selectors.aggregates import absorption_by_village
        from .selectors.budgets import budget_list

        if village.kind != Kind.DESA or not can_view_village_budgets(request.user, village.code):
            return []
        year = timezone.localdate().year
        absorption = absorption_by_village(year=year, region_code=village.code)
        return [
            Panel(
                template="budgets/panels/village.html",
                context={
                    "budgets": list(budget_list(actor=request.user, village_code=village.code)[:6]),
                    "absorption": absorption[0] if absorption and absorption[0].budget else None,
                    "year": year,
                },
                order=30,
            )
        ]

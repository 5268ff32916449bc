from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "smartkampung.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_view_dashboard

        if not can_view_dashboard(request.user):
            return []
        return [NavItem(label=str(_("Dashboard")), url=reverse("dashboards:index"), order=5)]

    def inbox_sections(self, actor: object) -> list:
        """The home page's work inbox: villages not yet active, freshness of the figures."""
        from .inbox import inbox_sections

        return inbox_sections(actor)

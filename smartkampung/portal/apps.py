from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "smartkampung.portal"
    label = "portal"
    verbose_name = _("Portal")

    def nav_items(self, request: HttpRequest) -> list:
        """Visitors who are not logged in see the public portal and its open data; a logged-in
        citizen reaches their village's public page (its budget, projects) from the menu."""
        from smartkampung.accounts.permissions import Role, actor_grants
        from smartkampung.core.navigation import NavItem

        if request.user.is_authenticated:
            villages = [g.scope for g in actor_grants(request.user) if g.role == Role.CITIZEN]
            if not villages:
                return []
            return [
                NavItem(
                    label=str(_("Transparency portal")),
                    url=reverse("portal:region", args=[villages[0]]),
                    order=90,
                )
            ]
        return [
            NavItem(label=str(_("Transparency portal")), url=reverse("portal:home"), order=1),
            NavItem(label=str(_("Open data")), url=reverse("portal:data"), order=2),
        ]

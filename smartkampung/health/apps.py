from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "smartkampung.health"
    label = "health"
    verbose_name = _("Health")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_use_health

        if not can_use_health(request.user):
            return []
        return [NavItem(label=str(_("Health")), url=reverse("health:home"), order=50)]

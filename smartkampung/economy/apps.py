from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "smartkampung.economy"
    label = "economy"
    verbose_name = _("Village economy")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_use_economy

        if not can_use_economy(request.user):
            return []
        return [NavItem(label=str(_("Economy")), url=reverse("economy:home"), order=55)]

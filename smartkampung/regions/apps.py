from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "smartkampung.regions"
    label = "regions"
    verbose_name = _("Regions")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        if not request.user.is_authenticated:
            return []
        return [NavItem(label=str(_("Map")), url=reverse("regions:map"), order=10)]

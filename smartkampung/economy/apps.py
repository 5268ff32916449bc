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

        from .permissions import can_use_economy, citizen_resident

        if can_use_economy(request.user):
            return [NavItem(label=str(_("Economy")), url=reverse("economy:home"), order=55)]
        resident = citizen_resident(request.user)
        if resident is not None:
            url = reverse("economy:businesses", kwargs={"code": resident.village_id})
            return [NavItem(label=str(_("My business")), url=url, order=55)]
        return []

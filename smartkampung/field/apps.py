from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "smartkampung.field"
    label = "field"
    verbose_name = _("Field app")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_manage_village_devices, can_use_field_app

        items = []
        if can_use_field_app(request.user):
            items.append(NavItem(label=str(_("Field app")), url=reverse("field:shell"), order=45))
        if can_use_field_app(request.user) or can_manage_village_devices(request.user):
            items.append(NavItem(label=str(_("Devices")), url=reverse("field:devices"), order=46))
        return items

from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "smartkampung.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.accounts.permissions import can_view_audit
        from smartkampung.core.navigation import NavItem

        if not can_view_audit(request.user):
            return []
        return [NavItem(label=str(_("Audit trail")), url=reverse("audit:list"), order=90)]

from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "smartkampung.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_manage_users

        if not request.user.is_authenticated:
            return []
        items = [NavItem(label=str(_("Home")), url=reverse("accounts:home"), order=0)]
        if can_manage_users(request.user):
            items.append(
                NavItem(label=str(_("Users")), url=reverse("accounts:user_list"), order=95)
            )
        return items

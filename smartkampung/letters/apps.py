from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "smartkampung.letters"
    label = "letters"
    verbose_name = _("Letters")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        if not request.user.is_authenticated:
            return []
        return [NavItem(label=str(_("Letters")), url=reverse("letters:hub"), order=30)]

from __future__ import annotations

from typing import Any

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

    def inbox_sections(self, actor: Any) -> list[Any]:
        """The home page's work inbox: requests to check, approve, correct or download."""
        from .inbox import inbox_sections

        return inbox_sections(actor)

    def village_panels(self, request: HttpRequest, village: Any) -> list[Any]:
        """The village page: letters issued this year and requests waiting (counts only)."""
        from django.utils import timezone

        from smartkampung.core.navigation import Panel

        from .permissions import can_view_village_letters
        from .selectors import aggregate_backlog, aggregate_letters_by_village

        if not can_view_village_letters(request.user, village.code):
            return []
        year = timezone.localdate().year
        issued = aggregate_letters_by_village(region_code=village.code, year=year)
        return [
            Panel(
                template="letters/partials/village_panel.html",
                context={
                    "issued": sum(row["count"] for row in issued),
                    "year": year,
                    "backlog": aggregate_backlog(region_code=village.code),
                },
                order=30,
            )
        ]

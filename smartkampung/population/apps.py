from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "smartkampung.population"
    label = "population"
    verbose_name = _("Population")

    def nav_items(self, request: HttpRequest) -> list[Any]:
        from django.urls import reverse

        from smartkampung.accounts.permissions import Role, has_role_anywhere
        from smartkampung.core.navigation import NavItem

        from .permissions import REGISTER_READ_ROLES, STATISTICS_ROLES

        user = request.user
        if not user.is_authenticated:
            return []
        items = []
        if has_role_anywhere(user, REGISTER_READ_ROLES):
            items.append(
                NavItem(
                    label=str(_("Residents")), url=reverse("population:resident_list"), order=20
                )
            )
        if has_role_anywhere(user, STATISTICS_ROLES):
            items.append(
                NavItem(
                    label=str(_("Population statistics")),
                    url=reverse("population:statistics_home"),
                    order=25,
                )
            )
        if has_role_anywhere(user, {Role.CITIZEN}):
            items.append(NavItem(label=str(_("My record")), url=reverse("population:me"), order=5))
        return items

    def inbox_sections(self, actor: Any) -> list[Any]:
        """The home page's work inbox: refused imports, residents with incomplete data."""
        from .inbox import inbox_sections

        return inbox_sections(actor)

    def audit_target_labels(self, target_type: str, ids: list[str]) -> list[tuple[str, str]]:
        """Residents in the audit trail by their initials ("D. A."): enough for an inspector
        to follow one person's events, not a name on a shared screen."""
        from .models import Resident

        if target_type != "population.resident":
            return []
        wanted = [int(i) for i in ids if i.isdigit()]
        return [
            (str(pk), " ".join(f"{w[0]}." for w in name.split()))
            for pk, name in Resident.objects.filter(pk__in=wanted).values_list("pk", "full_name")
        ]

    def account_facts(self, user: Any) -> list[Any]:
        """A citizen's account page: their NIK (masked; they log in with it) and village."""
        from smartkampung.core.navigation import AccountFact
        from smartkampung.core.privacy import mask_identifier

        from .selectors import resident_for_citizen

        resident = resident_for_citizen(user=user)
        if resident is None:
            return []
        return [
            AccountFact(
                label=str(_("NIK")), value=mask_identifier(resident.nik), replaces_username=True
            ),
            AccountFact(label=str(_("Village")), value=resident.village.name),
        ]

    def village_panels(self, request: HttpRequest, village: Any) -> list[Any]:
        from smartkampung.core.navigation import Panel

        from .permissions import can_edit_register, can_export_register, can_read_register
        from .statistics import population_statistics

        user = request.user
        if not can_read_register(user, village.code):
            return []
        stats = population_statistics(region_code=village.code)
        return [
            Panel(
                template="population/partials/village_panel.html",
                context={
                    "village": village,
                    "total": stats.total,
                    "households": stats.households,
                    "can_edit": can_edit_register(user, village.code),
                    "can_export": can_export_register(user, village.code),
                },
                order=20,
            )
        ]

from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "smartkampung.projects"
    label = "projects"
    verbose_name = _("Projects")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_view_any_flags, can_view_any_projects

        items = []
        if can_view_any_projects(request.user):
            items.append(NavItem(label=str(_("Projects")), url=reverse("projects:map"), order=40))
        if can_view_any_flags(request.user):
            items.append(
                NavItem(label=str(_("Red flags")), url=reverse("projects:flag_queue"), order=41)
            )
        return items

    def inbox_sections(self, actor: object) -> list:
        """The home page's work inbox: open red flags for inspectors."""
        from .inbox import inbox_sections

        return inbox_sections(actor)

    def village_panels(self, request: HttpRequest, village: object) -> list:
        from smartkampung.core.navigation import Panel

        from . import selectors
        from .permissions import can_view_projects

        code = getattr(village, "code", "")
        if not can_view_projects(request.user, code):
            return []
        projects = selectors.project_list(
            actor=request.user, filters=selectors.ProjectFilters(village=code)
        )
        return [
            Panel(
                template="projects/partials/village_panel.html",
                context={
                    "village": village,
                    "count": projects.count(),
                    "recent": list(projects[:5]),
                },
                order=40,
            )
        ]

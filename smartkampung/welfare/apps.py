from __future__ import annotations

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "smartkampung.welfare"
    label = "welfare"
    verbose_name = _("Welfare")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_view_any_welfare

        if can_view_any_welfare(request.user):
            return [NavItem(label=str(_("Welfare")), url=reverse("welfare:home"), order=35)]
        from smartkampung.accounts.models import Role
        from smartkampung.accounts.permissions import actor_grants

        from .selectors import own_household_id

        # Citizens (no staff role) see their own household's status; one query, theirs only.
        grants = actor_grants(request.user)
        if (
            grants
            and all(g.role == Role.CITIZEN for g in grants)
            and own_household_id(actor=request.user) is not None
        ):
            return [NavItem(label=str(_("My welfare status")), url=reverse("welfare:me"), order=35)]
        return []

    def letter_request_panels(
        self, request: HttpRequest, letter_request: object, page: dict[str, object]
    ) -> list:
        """On an SPM request: the household's welfare status for the village office (logged),
        and the form to approve outside the register with a reason (ADR 0083)."""
        from smartkampung.core.navigation import Panel

        from . import checks, selectors, services
        from .models import SpmOutsideRegister

        if not checks._is_spm(letter_request):
            return []
        village = str(getattr(letter_request, "village_id", ""))
        from .permissions import can_read_welfare

        if not can_read_welfare(request.user, village):
            return []
        household_id = checks._household_id(letter_request)
        status = None
        if household_id is not None:
            status = selectors.welfare_status_for_households(
                actor=request.user, household_ids=[household_id]
            ).get(household_id)
            services.welfare_view_log(
                actor=request.user,
                household_ids=[household_id],
                village_code=village,
                reason=str(_("SPM request")),
            )
        outside = SpmOutsideRegister.objects.filter(
            letter_request_id=getattr(letter_request, "pk", 0)
        ).first()
        return [
            Panel(
                template="welfare/partials/spm_panel.html",
                context={
                    "status": status,
                    "outside_reason": outside.reason if outside else "",
                    "can_approve": bool(page.get("can_approve")),
                    "approve_url": page.get("approve_url", ""),
                },
                order=20,
            )
        ]

    def inbox_sections(self, actor: object) -> list:
        from .inbox import inbox_sections

        return inbox_sections(actor)

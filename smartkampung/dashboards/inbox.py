"""The dashboard's part of the work inbox (``DashboardsConfig.inbox_sections``).

A regency officer sees the villages not yet running Smart Kampung (from the stored rollout
figures) and how old the dashboard's figures are; both come from the one read of the stored
figures rows of their regency for this year (no recomputation on the home page).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import Role, scope_codes
from smartkampung.core.inbox import INBOX_ITEMS, InboxItem, InboxSection
from smartkampung.regions.models import Region

from .models import DashboardFigures, Section


def inbox_sections(actor: Any) -> list[InboxSection]:
    scopes = [c for c in scope_codes(actor, {Role.REGENCY_OFFICER}) if c.count(".") == 1]
    if not scopes:
        return []
    regency = scopes[0]
    year = timezone.localdate().year
    rows = list(DashboardFigures.objects.filter(regency_id=regency, year=year))
    dashboard = reverse("dashboards:index")
    table = reverse("dashboards:table", args=["rollout-villages"])
    if not rows:
        return [
            InboxSection(
                key="dashboards.freshness",
                title=_("Dashboard figures"),
                count=1,
                url=dashboard,
                note=_("Not computed yet: open the dashboard or run dashboard_refresh."),
                tone="urgent",
                order=40,
            )
        ]
    oldest = min(r.computed_at for r in rows)
    age_minutes = int((timezone.now() - oldest).total_seconds() // 60)
    stale = age_minutes > settings.SK_DASHBOARD_MAX_AGE_MINUTES
    rollout: dict[str, Any] = next(
        (json.loads(r.data_json) for r in rows if r.section == Section.ROLLOUT), {}
    )
    inactive = sorted(c for c, v in rollout.get("villages", {}).items() if not v.get("active"))
    names = dict(Region.objects.filter(code__in=inactive[:INBOX_ITEMS]).values_list("code", "name"))
    return [
        InboxSection(
            key="dashboards.inactive",
            title=_("Villages not yet running Smart Kampung"),
            count=len(inactive),
            url=f"{table}?active=no",
            items=tuple(
                InboxItem(
                    label=names.get(code, code),
                    url=reverse("regions:village", args=[code]),
                    note=code,
                )
                for code in inactive[:INBOX_ITEMS]
            ),
            order=40,
        ),
        InboxSection(
            key="dashboards.freshness",
            title=_("Dashboard figures"),
            count=1 if stale else 0,
            url=dashboard,
            note=_("Computed %(minutes)s minutes ago (refreshed when older than %(max)s).")
            % {"minutes": age_minutes, "max": settings.SK_DASHBOARD_MAX_AGE_MINUTES},
            tone="urgent" if stale else "",
            order=41,
        ),
    ]

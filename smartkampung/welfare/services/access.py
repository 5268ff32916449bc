"""Welfare status is read only with a trace: every view lands in the citizens' access log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from smartkampung.accounts.permissions import actor_grants, covers
from smartkampung.population.services.viewlog import household_views_record

from ..permissions import BLT_PAY_ROLES, PROPOSAL_CHECK_ROLES, WELFARE_READ_ROLES


def welfare_view_log(
    *,
    actor: Any,
    household_ids: Iterable[int],
    village_code: str = "",
    reason: str,
    channel: str = "web",
) -> int:
    """Log the view of these households' welfare status (who, which role, why)."""
    wanted = WELFARE_READ_ROLES | PROPOSAL_CHECK_ROLES | BLT_PAY_ROLES
    roles = sorted(
        {
            g.role
            for g in actor_grants(actor)
            if g.role in wanted and (not village_code or covers(g.scope, village_code))
        }
    )
    return household_views_record(
        actor=actor,
        household_ids=household_ids,
        reason=reason,
        viewer_role=",".join(roles),
        channel=channel,
        action="welfare.status_view",
    )

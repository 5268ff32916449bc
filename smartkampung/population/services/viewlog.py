"""Views of a household's data kept by another app (e.g. its welfare status), in the citizens'
access log: one ``ResidentViewLog`` row per living member, so each of them sees who looked.

Apps above population call ``household_views_record`` instead of writing the log themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from smartkampung import audit

from ..models import LIVING_STATUSES, Resident, ResidentViewLog


def household_views_record(
    *,
    actor: Any,
    household_ids: Iterable[int],
    reason: str,
    viewer_role: str,
    channel: str = "web",
    action: str = "population.household_data_view",
) -> int:
    """Log that ``actor`` saw data of these households; returns the number of rows written.

    A citizen looking at their own household is not logged (it is theirs)."""
    ids = sorted(set(household_ids))
    if not ids or not getattr(actor, "is_authenticated", False):
        return 0
    members = list(
        Resident.objects.filter(household_id__in=ids, status__in=LIVING_STATUSES).values_list(
            "pk", "user_id"
        )
    )
    if any(user_id == actor.pk for _pk, user_id in members):
        return 0
    name = (getattr(actor, "display_name", "") or actor.username)[:150]
    channel = channel if channel in ResidentViewLog.Channel.values else "web"
    with transaction.atomic():
        ResidentViewLog.objects.bulk_create(
            [
                ResidentViewLog(
                    resident_id=pk,
                    viewer=actor,
                    viewer_name=name,
                    viewer_role=viewer_role[:150],
                    reason=reason[:200],
                    channel=channel,
                )
                for pk, _user in members
            ],
            batch_size=1000,
        )
        audit.record(
            actor,
            action,
            # One household is the event's target; a list's ids go in the details (the target
            # column holds 64 characters).
            ("population.household", str(ids[0]) if len(ids) == 1 else ""),
            {
                "households": len(ids),
                "household_ids": [int(i) for i in ids[:50]],
                "reason": reason[:200],
                "channel": channel,
            },
        )
    return len(members)

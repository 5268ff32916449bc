"""Writes of the dashboard: recomputing its figures and keeping them fresh.

The figures are derived data (no user action, nothing that could not be recomputed), so these
functions take no actor and write no audit event. Freshness (docs/portal.md):

- ``dashboard_refresh`` recomputes every section of a regency for a year and stores today's
  rollout snapshot (idempotent: the same day's snapshot is replaced);
- ``dashboard_ensure_fresh`` is called when someone opens the dashboard: missing sections are
  computed at once; sections older than ``SK_DASHBOARD_MAX_AGE_MINUTES`` are refreshed by the
  background task (enqueued once per period, after the transaction commits);
- the ``dashboard_refresh`` management command does the same from cron.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from smartkampung.regions.models import Level, Region

from .compute import COMPUTERS
from .models import DashboardFigures, RolloutSnapshot, Section

REFRESH_LOCK_KEY = "dashboards:refresh-enqueued:{regency}:{year}"


def regency_codes() -> list[str]:
    return list(Region.objects.filter(level=Level.REGENCY).values_list("code", flat=True))


def dashboard_refresh(
    *,
    regency_code: str,
    year: int,
    sections: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Recompute the given sections (all by default) of ``regency_code`` for ``year`` and
    store them; the rollout section also stores today's snapshot. Returns the sections."""
    now = now or timezone.now()
    wanted = [s for s in (sections or Section.values) if s in COMPUTERS]
    computed = {
        section: COMPUTERS[section](regency_code=regency_code, year=year, now=now)
        for section in wanted
    }
    with transaction.atomic():
        for section, data in computed.items():
            DashboardFigures.objects.update_or_create(
                regency_id=regency_code,
                section=section,
                year=year,
                defaults={
                    "data_json": json.dumps(data, separators=(",", ":")),
                    "computed_at": now,
                },
            )
        if Section.ROLLOUT in computed:
            _store_snapshot(computed[Section.ROLLOUT], day=timezone.localdate(now))
    return wanted


def _store_snapshot(rollout: dict[str, Any], *, day: date) -> None:
    villages = rollout["villages"]
    assert isinstance(villages, dict)
    RolloutSnapshot.objects.filter(day=day, village_id__in=list(villages)).delete()
    RolloutSnapshot.objects.bulk_create(
        [
            RolloutSnapshot(
                day=day,
                village_id=code,
                operator_active=bool(row["operator_active"]),
                services_issued=row.get("services_issued"),
                active=bool(row["active"]),
            )
            for code, row in villages.items()
        ],
        batch_size=500,
    )


def dashboard_ensure_fresh(*, regency_code: str, year: int, now: datetime | None = None) -> None:
    """Make sure the dashboard has figures: compute missing sections now, and enqueue a
    background refresh when the stored ones are older than the allowed age."""
    now = now or timezone.now()
    stored = dict(
        DashboardFigures.objects.filter(regency_id=regency_code, year=year).values_list(
            "section", "computed_at"
        )
    )
    missing = [s for s in COMPUTERS if s not in stored]
    if missing:
        dashboard_refresh(regency_code=regency_code, year=year, sections=missing, now=now)
    max_age = timedelta(minutes=settings.SK_DASHBOARD_MAX_AGE_MINUTES)
    if any(now - at > max_age for at in stored.values()):
        lock = REFRESH_LOCK_KEY.format(regency=regency_code, year=year)
        # One enqueued refresh per period, however many people open the dashboard.
        if cache.add(lock, 1, timeout=int(max_age.total_seconds())):
            from .tasks import dashboard_refresh_task

            transaction.on_commit(
                lambda: dashboard_refresh_task.enqueue(regency_code=regency_code, year=year)
            )

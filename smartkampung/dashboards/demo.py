"""Demo data for the regency dashboard: 30 days of rollout history and recent operator logins.

The dashboard's trend is built from daily snapshots that only exist from the day the platform
runs, so the demo invents the last 30 days for the regency's villages: Sarongan has run Smart
Kampung throughout, Pesanggaran for the last 20 days, every other village not yet. The demo
operators of those two villages get a recent login (only if they never logged in), so that
today's figures continue the history. Deterministic and idempotent: existing days are kept.
Never run on a production database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.models import User
from smartkampung.regions.models import Level, Region

from .models import RolloutSnapshot

HISTORY_DAYS = 30
# Village code → days before today from which it counts as active.
ACTIVE_SINCE = {"35.10.01.2001": HISTORY_DAYS, "35.10.01.2002": 20}
OPERATORS = {"35.10.01.2001": "operator.sarongan", "35.10.01.2002": "operator.pesanggaran"}


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    codes = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    if not codes:
        write("dashboards demo: skipped (no regions)")
        return []
    today = timezone.localdate()
    now = timezone.now()
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
    seeded = set(
        RolloutSnapshot.objects.filter(day__in=days).values_list("day", flat=True).distinct()
    )
    rows = []
    for day in days:
        if day in seeded:
            continue
        age = (today - day).days
        for code in codes:
            active = ACTIVE_SINCE.get(code, -1) >= age
            rows.append(
                RolloutSnapshot(day=day, village_id=code, operator_active=active, active=active)
            )
    with transaction.atomic():
        RolloutSnapshot.objects.bulk_create(rows, batch_size=1000)
        for username in OPERATORS.values():
            User.objects.filter(username=username, last_login__isnull=True).update(
                last_login=now - timedelta(hours=20)
            )
    write(f"dashboards demo: {len(days) - len(seeded)} days of rollout history")
    return []

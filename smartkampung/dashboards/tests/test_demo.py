"""The dashboard's demo data: 30 days of rollout history, deterministic and idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from smartkampung.accounts import demo as accounts_demo
from smartkampung.accounts.models import User
from smartkampung.dashboards import demo
from smartkampung.dashboards.models import RolloutSnapshot
from smartkampung.dashboards.selectors import rollout_trend
from smartkampung.regions.models import Region


def test_seed_is_idempotent_and_tells_a_consistent_story(db: Any) -> None:
    accounts_demo.seed(write=lambda *_: None)
    never = User.objects.filter(username="operator.sukorejo").values_list("last_login", flat=True)
    demo.seed(write=lambda *_: None)
    first = list(
        RolloutSnapshot.objects.order_by("day", "village_id").values_list(
            "day", "village_id", "active"
        )
    )
    demo.seed(write=lambda *_: None)
    second = list(
        RolloutSnapshot.objects.order_by("day", "village_id").values_list(
            "day", "village_id", "active"
        )
    )

    assert first == second
    assert len(first) == 30 * 217
    trend = rollout_trend(region=Region.objects.get(code="35.10"), days=31)
    assert [row["active"] for row in trend][:10] == [1] * 10
    assert trend[-1]["active"] == 2 and trend[-1]["villages"] == 217
    # The operators of the two active villages have logged in recently; the others not.
    recent = timezone.now() - timedelta(days=2)
    assert User.objects.get(username="operator.sarongan").last_login > recent
    assert list(never) == [None]
    assert User.objects.get(username="operator.sukorejo").last_login is None

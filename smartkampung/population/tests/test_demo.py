"""The demo seeder: deterministic, idempotent, with a working citizen login per village."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from smartkampung.accounts.demo import DEMO_PASSWORD
from smartkampung.population import demo
from smartkampung.population.models import LifeEvent, Resident, ResidentViewLog

pytestmark = pytest.mark.django_db


def test_seed_twice_changes_nothing_and_citizens_log_in() -> None:
    from smartkampung.accounts import demo as account_demo

    account_demo.seed(write=lambda *_a: None)  # the operators, as in SK_DEMO_SEEDERS
    first = demo.seed(write=lambda *_a: None)
    count = Resident.objects.count()
    events = LifeEvent.objects.count()
    assert 800 < count < 1000
    second = demo.seed(write=lambda *_a: None)
    assert second == first
    assert (Resident.objects.count(), LifeEvent.objects.count()) == (count, events)
    assert len(first) == 3
    for nik, password, _role, village in first:
        user = authenticate(username=nik, password=password)
        assert user is not None and password == DEMO_PASSWORD
        assert user.resident.village_id == village
        assert ResidentViewLog.objects.filter(resident=user.resident).exists()
    assert set(LifeEvent.objects.values_list("kind", flat=True)) >= {"birth", "death"}

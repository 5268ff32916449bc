"""Concurrency on PostgreSQL (transactional tests, in a file of their own so that they run
after the tests that share the session's regions: their database is emptied afterwards)."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401  (skipif conditions)

from smartkampung.accounts.models import Role
from smartkampung.population import services
from smartkampung.population.exceptions import RecordInvalid
from smartkampung.population.models import Resident
from smartkampung.population.testing import make_kk, make_nik, resident_data


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_registrations_of_one_nik_leave_one_resident(regions_loaded, make_user):
    """Two operators register the same NIK at the same moment: the partial unique index lets
    exactly one through; the other gets the field error, not a 500."""
    import threading

    from django.db import connection as conn

    operators = [
        make_user(roles=[(Role.VILLAGE_OPERATOR, code)])
        for code in ("35.10.01.2001", "35.10.01.2002")
    ]
    nik = make_nik()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def register(user, code) -> None:
        try:
            barrier.wait()
            services.resident_register(
                actor=user, village=code, data=resident_data(nik=nik, kk_number=make_kk())
            )
            outcomes.append("ok")
        except RecordInvalid as exc:
            outcomes.append(exc.code)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=register, args=(user, code))
        for user, code in zip(operators, ("35.10.01.2001", "35.10.01.2002"), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["nik_taken", "ok"]
    assert Resident.objects.filter(nik=nik).count() == 1

"""Disbursements with many requesters at once (PostgreSQL: real row locks, parallel workers).

Twelve threads, each with its own database connection, request and approve payments from the
same two items as fast as they can, asking in total for far more than the items hold. Whatever
the interleaving, the sum of pending and approved requests never exceeds an item's budget, and
the item's counters equal the sum of its requests.
"""

from __future__ import annotations

import random
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum

from smartkampung.budgets import services
from smartkampung.budgets.exceptions import BudgetConflict, DisbursementRefused
from smartkampung.budgets.models import BudgetItem, Disbursement, DisbursementStatus

from .helpers import approved_budget, make_staff

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WORKERS = 12
ATTEMPTS_PER_WORKER = 15


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_never_exceed_an_items_budget(regions_loaded: Any) -> None:
    staff = make_staff("35.10.01.2001")
    budget = approved_budget(staff)
    items = list(BudgetItem.objects.filter(budget=budget).order_by("pk")[:2])
    item_ids = [i.pk for i in items]
    barrier = threading.Barrier(WORKERS)
    outcomes: dict[str, int] = {"requested": 0, "refused": 0, "approved": 0, "errors": 0}
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(ATTEMPTS_PER_WORKER):
                item = BudgetItem.objects.select_related("budget").get(pk=rng.choice(item_ids))
                amount = Decimal(rng.randrange(500_000, 4_000_000, 50_000))
                try:
                    request = services.disbursement_request(
                        actor=staff.treasurer, item=item, amount=amount, description="paralel"
                    )
                except (DisbursementRefused, BudgetConflict):
                    with lock:
                        outcomes["refused"] += 1
                    continue
                with lock:
                    outcomes["requested"] += 1
                if rng.random() < 0.7:
                    services.disbursement_approve(actor=staff.head, disbursement=request)
                    with lock:
                        outcomes["approved"] += 1
        except BaseException as exc:  # reported below; a thread must not die silently
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert outcomes["requested"] > 0 and outcomes["refused"] > 0  # the race really happened
    for item in BudgetItem.objects.filter(pk__in=item_ids):
        live = Disbursement.objects.filter(
            item=item, status__in=[DisbursementStatus.PENDING, DisbursementStatus.APPROVED]
        )
        total = live.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        approved = live.filter(status=DisbursementStatus.APPROVED).aggregate(s=Sum("amount"))[
            "s"
        ] or Decimal(0)
        assert total <= item.amount, (item.description, total, item.amount)
        assert item.committed + item.realised == total
        assert item.realised == approved
    numbers = list(Disbursement.objects.values_list("seq", flat=True))
    assert len(numbers) == len(set(numbers)) == outcomes["requested"]

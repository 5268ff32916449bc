"""The demo data: deterministic, idempotent, and each village at its stage."""

from __future__ import annotations

import pytest

from smartkampung.accounts import demo as accounts_demo
from smartkampung.audit.models import AuditEvent
from smartkampung.budgets import demo
from smartkampung.budgets.models import Ceiling, Disbursement, RevenueReceipt, VillageBudget
from smartkampung.budgets.reference_data import load_reference_data
from smartkampung.budgets.selectors.budgets import budget_content

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_realistic(regions_loaded):
    load_reference_data()  # in case a transactional test emptied the database before
    accounts_demo.seed(write=lambda *_: None)
    demo.seed(write=lambda *_: None)
    stages = dict(VillageBudget.objects.values_list("village_id", "status"))
    assert stages == {
        "35.10.01.2001": "approved",
        "35.10.01.2002": "submitted",
        "35.10.02.2001": "draft",
    }
    assert Ceiling.objects.values("village_id").distinct().count() == 189
    assert Disbursement.objects.filter(status="approved").count() >= 5
    assert Disbursement.objects.filter(status="pending").exists()
    assert RevenueReceipt.objects.exists()
    sarongan = VillageBudget.objects.get(village_id="35.10.01.2001")
    assert sarongan.items.count() > 40
    _totals, findings = budget_content(sarongan).evaluate()
    assert [f for f in findings if f.blocking] == []
    draft = VillageBudget.objects.get(village_id="35.10.02.2001")
    codes = {f.code for f in budget_content(draft).evaluate()[1]}
    assert {"item_incomplete", "ssh_exceeded"} <= codes
    counts = (
        VillageBudget.objects.count(),
        Disbursement.objects.count(),
        AuditEvent.objects.count(),
    )
    demo.seed(write=lambda *_: None)
    assert (
        VillageBudget.objects.count(),
        Disbursement.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

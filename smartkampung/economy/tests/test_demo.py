"""The economy demo: Sarongan's BUMDes gets its capital from the approved demo APBDes, every
demo village has a reporting BUMDes and listed products; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from smartkampung.accounts import demo as accounts_demo
from smartkampung.budgets import demo as budgets_demo
from smartkampung.budgets.reference_data import load_reference_data
from smartkampung.economy import demo
from smartkampung.economy.models import CapitalPlacement, EnterpriseReport, Product
from smartkampung.population import demo as population_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(regions_loaded):
    load_reference_data()
    quiet = {"write": lambda *_: None}
    accounts_demo.seed(**quiet)
    budgets_demo.seed(**quiet)
    population_demo.seed(**quiet)
    rows = demo.seed(**quiet)
    assert {r[0] for r in rows} == {"bumdes.sarongan", "bumdes.pesanggaran", "bumdes.sukorejo"}
    placement = CapitalPlacement.objects.get()
    assert placement.village_id == "35.10.01.2001" and placement.amount == placement.budgeted
    assert EnterpriseReport.objects.filter(status="checked").count() == 3
    counts = (CapitalPlacement.objects.count(), Product.objects.count())
    demo.seed(**quiet)
    assert (CapitalPlacement.objects.count(), Product.objects.count()) == counts
    page = Client().get("/economy/market/35.10.01.2001/").content.decode()
    assert "Kopi bubuk robusta 250 g" in page

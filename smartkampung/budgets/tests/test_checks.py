"""The budget rules as pure computation: balance, ceilings, complete items, SSH flags."""

from __future__ import annotations

import uuid
from decimal import Decimal
from types import SimpleNamespace

from smartkampung.budgets.checks import Snapshot, blocking, evaluate, line_amount

D = Decimal


def source(code, needs_ceiling=True):
    return SimpleNamespace(code=code, name=code, needs_ceiling=needs_ceiling)


SOURCES = {"DDS": source("DDS"), "ADD": source("ADD"), "PAD": source("PAD", False)}


def revenue(amount, fund_source="DDS", account="4.2.1.01", pk=1):
    return SimpleNamespace(
        pk=pk, amount=D(amount), fund_source_id=fund_source, account_id=account, description="x"
    )


def activity(pk=1, code="02.03.10"):
    return SimpleNamespace(pk=pk, activity_id=code)


def item(amount, *, pk=1, fund_source="DDS", activity_row=None, **fields):
    row = activity_row or activity()
    values = {
        "pk": pk,
        "description": "Semen",
        "account_id": "5.3.5.03",
        "volume": D("1"),
        "unit": "zak",
        "unit_price": D(amount),
        "amount": D(amount),
        "fund_source_id": fund_source,
        "activity_id": row.pk,
        "activity": row,
        "ssh_id": None,
        "ssh": None,
        "lineage": uuid.uuid4(),
    }
    values.update(fields)
    return SimpleNamespace(**values)


def financing(amount, account="6.1.1.01", fund_source="DDS"):
    return SimpleNamespace(pk=9, amount=D(amount), account_id=account, fund_source_id=fund_source)


def snapshot(**kwargs):
    defaults = {
        "revenues": [revenue("100")],
        "financing": [],
        "activities": [activity()],
        "items": [item("100")],
        "ceilings": {"DDS": D("100")},
        "fund_sources": SOURCES,
        "year": 2026,
    }
    defaults.update(kwargs)
    return Snapshot(**defaults)


def codes(findings):
    return sorted(f.code for f in findings)


def test_a_balanced_budget_within_its_ceiling_passes():
    totals, findings = evaluate(snapshot())
    assert findings == []
    assert totals.balance == 0


def test_line_amount_is_volume_times_price_rounded_half_up():
    assert line_amount(D("3"), D("0.335")) == D("1.01")
    assert line_amount(D("2.5"), D("1000")) == D("2500.00")


def test_revenue_above_its_ceiling_is_blocking_and_says_by_how_much():
    _totals, findings = evaluate(snapshot(revenues=[revenue("120")]))
    (finding,) = [f for f in findings if f.code == "revenue_over_ceiling"]
    assert finding.blocking
    assert "Rp 20" in finding.message and "DDS" in finding.message


def test_revenue_exactly_at_the_ceiling_passes():
    _totals, findings = evaluate(snapshot(revenues=[revenue("100")]))
    assert "revenue_over_ceiling" not in codes(findings)


def test_revenue_from_a_ceiling_source_without_a_ceiling_is_blocking():
    _totals, findings = evaluate(snapshot(ceilings={}))
    assert "ceiling_missing" in codes(blocking(findings))


def test_own_revenue_needs_no_ceiling():
    _totals, findings = evaluate(
        snapshot(
            revenues=[revenue("100", "PAD", "4.1.2.01")], items=[item("100", fund_source="PAD")]
        )
    )
    assert findings == []


def test_expenditure_beyond_revenue_plus_net_financing_is_blocking():
    _totals, findings = evaluate(snapshot(items=[item("150")]))
    assert "expenditure_over_means" in codes(blocking(findings))


def test_financing_receipts_cover_expenditure_and_financing_expenditure_reduces_it():
    totals, findings = evaluate(
        snapshot(items=[item("150")], financing=[financing("60"), financing("10", "6.2.2.01")])
    )
    assert totals.net_financing == D("50")
    assert totals.balance == D("0")
    assert "expenditure_over_means" not in codes(findings)


def test_incomplete_items_are_named_with_what_is_missing():
    incomplete = item("0", unit_price=D("0"), unit="", fund_source=None, description="Pasir")
    _totals, findings = evaluate(snapshot(items=[item("50"), incomplete]))
    (finding,) = [f for f in findings if f.code == "item_incomplete"]
    assert finding.blocking
    assert "Pasir" in finding.message and "unit price" in finding.message
    assert "fund source" in finding.message and "unit" in finding.message


def test_unit_price_above_ssh_is_a_flag_not_a_block():
    ssh = SimpleNamespace(price=D("72000"), unit="zak", name="Semen Portland", code="SSH-1")
    flagged = item("78000", ssh_id=1, ssh=ssh)
    _totals, findings = evaluate(
        snapshot(revenues=[revenue("78000")], ceilings={"DDS": D("78000")}, items=[flagged])
    )
    (finding,) = [f for f in findings if f.code == "ssh_exceeded"]
    assert not finding.blocking
    assert "Rp 78.000" in finding.message and "Rp 72.000" in finding.message


def test_an_activity_without_items_is_a_warning():
    _totals, findings = evaluate(snapshot(activities=[activity(), activity(2, "01.01.01")]))
    assert codes(findings) == ["activity_without_items"]
    assert not blocking(findings)


def test_spending_a_source_beyond_its_revenue_is_a_warning():
    _totals, findings = evaluate(
        snapshot(
            revenues=[revenue("100"), revenue("50", "PAD", "4.1.2.01", pk=2)],
            items=[item("120")],
        )
    )
    assert "source_overspent" in codes(findings)
    assert not blocking(findings)


def test_an_empty_budget_cannot_be_submitted():
    _totals, findings = evaluate(snapshot(revenues=[], items=[], activities=[], ceilings={}))
    assert codes(blocking(findings)) == ["empty_budget"]


def test_a_revision_cannot_cut_an_item_below_what_was_already_spent():
    spent = item("40")
    executed = {spent.lineage: (D("60"), "Semen")}
    _totals, findings = evaluate(snapshot(items=[spent], executed=executed))
    assert "item_below_realisation" in codes(blocking(findings))
    _totals, findings = evaluate(snapshot(items=[], executed=executed))
    assert "removed_item_has_realisation" in codes(blocking(findings))

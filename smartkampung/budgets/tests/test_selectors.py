"""Reads: who sees which budget, the aggregates without personal data, the LRA, the diff."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import KEC_BANGOREJO, KEC_PESANGGARAN, PESANGGARAN, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.budgets import services
from smartkampung.budgets.models import Disbursement, VillageBudget
from smartkampung.budgets.selectors import aggregates
from smartkampung.budgets.selectors.budgets import (
    budget_activity_current,
    budget_activity_list,
    budget_get,
    budget_list,
)
from smartkampung.budgets.selectors.diff import version_diff
from smartkampung.budgets.selectors.reports import lra_report
from smartkampung.core.exceptions import NotFound

from .helpers import YEAR, approve, approved_budget, cement, draft_budget, make_staff, set_ceilings

pytestmark = pytest.mark.django_db


def test_a_village_never_sees_another_villages_draft(staff, make_user):
    neighbour = make_staff(PESANGGARAN)
    draft = draft_budget(neighbour)
    assert not budget_list(actor=staff.operator).filter(pk=draft.pk).exists()
    with pytest.raises(NotFound):
        budget_get(actor=staff.operator, budget_id=draft.pk)
    with pytest.raises(NotFound):
        budget_get(actor=staff.head, budget_id=draft.pk)


def test_a_draft_is_the_villages_own_workspace(staff):
    draft = draft_budget(staff)
    for insider in (staff.operator, staff.head, staff.treasurer):
        assert budget_get(actor=insider, budget_id=draft.pk) == draft
    for outsider in (staff.camat, staff.pmd):
        with pytest.raises(NotFound):
            budget_get(actor=outsider, budget_id=draft.pk)


def test_a_kecamatan_sees_only_its_villages(staff, other_staff):
    set_ceilings(staff)
    set_ceilings(other_staff)
    ours = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    theirs = services.budget_submit(actor=other_staff.head, budget=draft_budget(other_staff))
    assert staff.camat.username != other_staff.camat.username
    visible = set(budget_list(actor=staff.camat).values_list("pk", flat=True))
    assert visible == {ours.pk}
    with pytest.raises(NotFound):
        budget_get(actor=staff.camat, budget_id=theirs.pk)
    assert set(budget_list(actor=staff.pmd).values_list("pk", flat=True)) == {ours.pk, theirs.pk}


def test_citizens_and_anonymous_see_no_budgets(staff, make_user):
    from django.contrib.auth.models import AnonymousUser

    budget = approved_budget(staff)
    citizen = make_user(roles=[(Role.CITIZEN, SARONGAN)])
    for nobody in (citizen, AnonymousUser()):
        assert not budget_list(actor=nobody).exists()
        with pytest.raises(NotFound):
            budget_get(actor=nobody, budget_id=budget.pk)


def test_inspector_reads_every_shared_budget(staff, make_user):
    inspector = make_user(roles=[(Role.INSPECTOR, "35.10")])
    budget = approved_budget(staff)
    assert budget_get(actor=inspector, budget_id=budget.pk) == budget


def _spend(staff, budget, amount, on=None):
    request = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount=amount, description="Semen"
    )
    services.disbursement_approve(actor=staff.head, disbursement=request)
    if on:
        Disbursement.objects.filter(pk=request.pk).update(approved_on=on)


def test_absorption_aggregates_per_village_kecamatan_bidang_and_source(staff, other_staff):
    ours = approved_budget(staff)
    approved_budget(other_staff)
    _spend(staff, ours, "7875000")  # 10 % of Sarongan's 78,750,000
    by_village = {r.key: r for r in aggregates.absorption_by_village(year=YEAR)}
    assert len(by_village) == 189  # every desa, with or without a budget
    assert by_village[SARONGAN].budget == Decimal("78750000")
    assert by_village[SARONGAN].absorption == pytest.approx(10.0)
    assert by_village[PESANGGARAN].budget == 0 and by_village[PESANGGARAN].absorption is None
    by_district = {r.key: r for r in aggregates.absorption_by_district(year=YEAR)}
    assert by_district[KEC_PESANGGARAN].realised == Decimal("7875000")
    assert by_district[KEC_BANGOREJO].realised == 0
    by_sector = {r.key: r for r in aggregates.absorption_by_sector(year=YEAR)}
    assert by_sector["02"].budget == Decimal("36750000") * 2
    assert by_sector["02"].realised == Decimal("7875000")
    by_source = {r.key: r for r in aggregates.absorption_by_fund_source(year=YEAR)}
    assert set(by_source) == {"DDS", "ADD"}
    scoped = aggregates.absorption_by_village(year=YEAR, region_code=KEC_BANGOREJO)
    assert SARONGAN not in {r.key for r in scoped} and SUKOREJO in {r.key for r in scoped}


def test_aggregates_ignore_drafts_and_carry_no_personal_data(staff):
    set_ceilings(staff)
    draft_budget(staff)
    rows = aggregates.consolidation(year=YEAR, region_code=KEC_PESANGGARAN)
    assert rows["total"].budget == 0
    flat = repr(rows)
    assert "op350" not in flat and "treasurer" not in flat  # no user names anywhere


def test_villages_without_a_submitted_budget(staff, other_staff):
    set_ceilings(staff)
    services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    set_ceilings(other_staff)
    draft_budget(other_staff)
    missing = {v["code"]: v for v in aggregates.villages_without_submitted_budget(year=YEAR)}
    assert SARONGAN not in missing
    assert missing[SUKOREJO]["status"] == "draft"
    assert missing[PESANGGARAN]["status"] == "none"
    assert len(missing) == 188
    counts = aggregates.budget_status_counts(year=YEAR, region_code=KEC_PESANGGARAN)
    from smartkampung.regions.models import Region

    desa = Region.objects.filter(kind="desa", code__startswith=KEC_PESANGGARAN + ".").count()
    assert counts["submitted"] == 1
    assert counts["none"] == desa - 1


def test_ceilings_vs_budgets(staff):
    set_ceilings(staff, DDS="120000000", ADD="60000000")
    draft_budget(staff)
    rows = {
        (r["village"], r["fund_source"]): r
        for r in aggregates.ceilings_vs_budgets(year=YEAR, region_code=KEC_PESANGGARAN)
    }
    dds = rows[(SARONGAN, "DDS")]
    assert (dds["ceiling"], dds["budgeted"], dds["difference"]) == (
        Decimal("120000000"),
        Decimal("100000000"),
        Decimal("20000000"),
    )
    assert rows[(SARONGAN, "PAD")]["ceiling"] is None


def test_lra_counts_what_was_realised_by_the_end_of_the_period(staff):
    budget = approved_budget(staff)
    _spend(staff, budget, "1000000", on=date(YEAR, 3, 1))
    _spend(staff, budget, "2000000", on=date(YEAR, 8, 1))
    services.receipt_record(
        actor=staff.treasurer,
        village_code=SARONGAN,
        year=YEAR,
        account_code="4.2.1.01",
        fund_source_code="DDS",
        amount="40000000",
        description="DD tahap I",
        received_on=date(YEAR, 4, 2),
    )
    first = {
        r.code: r
        for r in lra_report(actor=staff.camat, village_code=SARONGAN, year=YEAR, period="s1").rows
    }
    assert first["02.03.10"].realised == Decimal("1000000")
    assert first["4.2.1.01"].realised == Decimal("40000000")
    assert first["4.2.1.01"].difference == Decimal("-60000000")
    year = {
        r.code: r
        for r in lra_report(actor=staff.camat, village_code=SARONGAN, year=YEAR, period="year").rows
    }
    assert year["02.03.10"].realised == Decimal("3000000")
    assert year["02"].realised == Decimal("3000000")  # the bidang sums its activities
    with pytest.raises(NotFound):
        lra_report(actor=make_staff(SUKOREJO).camat, village_code=SARONGAN, year=YEAR, period="s1")


def test_version_diff_shows_added_removed_and_changed_lines(staff):
    original = approved_budget(staff)
    revision = services.budget_revise(actor=staff.operator, budget=original)
    op = staff.operator
    services.item_update(actor=op, item=cement(revision), volume="300")
    services.item_delete(actor=op, item=revision.items.get(description="Upah tenaga kerja"))
    road = revision.activities.get(activity_id="02.03.10")
    services.item_add(
        actor=op,
        activity=road,
        description="Besi beton",
        volume="10",
        unit="batang",
        unit_price="95000",
        fund_source_code="DDS",
        account_code="5.3.5.03",
    )
    diff = version_diff(old=original, new=revision)
    changes = {(r.change, r.label.split(" · ")[-1]): r for r in diff.rows}
    assert changes[("changed", "Semen")].fields == ["volume", "amount"]
    assert changes[("changed", "Semen")].delta == Decimal("3750000")
    assert ("removed", "Upah tenaga kerja") in changes
    assert changes[("added", "Besi beton")].new_amount == Decimal("950000")
    totals = {label: change for label, _old, _new, change in diff.totals}
    assert totals["Expenditure"] == Decimal("3750000") - Decimal("18000000") + Decimal("950000")


def test_identical_versions_have_no_differences(staff):
    original = approved_budget(staff)
    revision = services.budget_revise(actor=staff.operator, budget=original)
    assert version_diff(old=original, new=revision).rows == []


def test_projects_find_activities_and_follow_them_into_revisions(staff):
    original = approved_budget(staff)
    activities = budget_activity_list(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    assert [a.activity_id for a in activities] == ["01.01.01", "02.03.10"]
    road = activities[1]
    revision = approve(staff, services.budget_revise(actor=staff.operator, budget=original))
    current = budget_activity_current(road)
    assert current.budget_id == revision.pk and current.lineage == road.lineage
    assert VillageBudget.objects.get(pk=original.pk).status == "superseded"

"""Budget writes: who may, what the rules refuse, and that a refused call changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from conftest import KEC_PESANGGARAN, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.budgets import services
from smartkampung.budgets.exceptions import BudgetConflict, BudgetInvalid, ChecksFailed
from smartkampung.budgets.models import (
    BudgetItem,
    BudgetRevenue,
    BudgetReview,
    BudgetStatus,
    Ceiling,
    Disbursement,
    DisbursementStatus,
    RevenueReceipt,
    VillageBudget,
)
from smartkampung.core.exceptions import DomainError

from .helpers import YEAR, approve, approved_budget, cement, draft_budget, road, set_ceilings

pytestmark = pytest.mark.django_db

BUDGET_TABLES = (VillageBudget, BudgetRevenue, BudgetItem, BudgetReview, AuditEvent)


def rows():
    return snapshot_rows(*BUDGET_TABLES)


# --- permission matrices ----------------------------------------------------------------------


@permission_matrix(allowed={"staff_with_role"})
def test_budget_create_matrix(actor_kind, allowed, matrix_actor, village, staff):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    call = lambda: services.budget_create(actor=actor, village_code=SARONGAN, year=YEAR)  # noqa: E731
    if allowed:
        budget = call()
        assert (budget.status, budget.version) == (BudgetStatus.DRAFT, 1)
    else:
        assert_refused_unchanged(call, snapshot=rows)


@permission_matrix(allowed={"staff_with_role"})
def test_revenue_add_matrix(actor_kind, allowed, matrix_actor, village, staff):
    budget = services.budget_create(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_SECRETARY)

    def call():
        return services.revenue_add(
            actor=actor, budget=budget, account_code="4.2.1.01", fund_source_code="DDS", amount=1
        )

    if allowed:
        assert call().amount == Decimal("1.00")
    else:
        assert_refused_unchanged(call, snapshot=rows)


@permission_matrix(allowed={"staff_with_role"})
def test_submit_matrix(actor_kind, allowed, matrix_actor, village, staff):
    set_ceilings(staff)
    budget = draft_budget(staff)
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
    call = lambda: services.budget_submit(actor=actor, budget=budget)  # noqa: E731
    if allowed:
        assert call().status == BudgetStatus.SUBMITTED
    else:
        assert_refused_unchanged(call, snapshot=rows)


@permission_matrix(allowed={"staff_with_role"})
def test_evaluate_matrix(actor_kind, allowed, matrix_actor, village, staff):
    set_ceilings(staff)
    budget = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    actor = matrix_actor(actor_kind, village=village, role=Role.DISTRICT_OFFICER)
    call = lambda: services.budget_evaluate(actor=actor, budget=budget, approve=True)  # noqa: E731
    if allowed:
        assert call().status == BudgetStatus.EVALUATED
    else:
        assert_refused_unchanged(call, snapshot=rows)


@permission_matrix(allowed={"staff_with_role"})
def test_only_the_regency_approves(actor_kind, allowed, matrix_actor, village, staff):
    set_ceilings(staff)
    budget = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    budget = services.budget_evaluate(actor=staff.camat, budget=budget, approve=True)
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)
    call = lambda: services.budget_decide(actor=actor, budget=budget, approve=True)  # noqa: E731
    if allowed:
        assert call().status == BudgetStatus.APPROVED
    else:
        assert_refused_unchanged(call, snapshot=rows)


def test_kecamatan_and_village_head_cannot_approve_for_the_regency(staff):
    set_ceilings(staff)
    budget = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    budget = services.budget_evaluate(actor=staff.camat, budget=budget, approve=True)
    for actor in (staff.camat, staff.head, staff.operator):
        assert_refused_unchanged(
            lambda a=actor: services.budget_decide(actor=a, budget=budget, approve=True),
            snapshot=rows,
        )


@permission_matrix(allowed={"staff_with_role"})
def test_disbursement_request_matrix(actor_kind, allowed, matrix_actor, village, staff):
    budget = approved_budget(staff)
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_TREASURER)

    def call():
        return services.disbursement_request(
            actor=actor, item=cement(budget), amount="1000", description="Semen tahap 1"
        )

    if allowed:
        assert call().status == DisbursementStatus.PENDING
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(Disbursement, BudgetItem))


@permission_matrix(allowed={"staff_with_role"})
def test_disbursement_approve_matrix(actor_kind, allowed, matrix_actor, village, staff):
    budget = approved_budget(staff)
    request = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000", description="Semen"
    )
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
    call = lambda: services.disbursement_approve(actor=actor, disbursement=request)  # noqa: E731
    if allowed:
        assert call().status == DisbursementStatus.APPROVED
        assert cement(budget).realised == Decimal("1000.00")
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(Disbursement, BudgetItem))


def _approved_spp(staff, amount="1000"):
    budget = approved_budget(staff)
    request = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount=amount, description="Semen"
    )
    return services.disbursement_approve(actor=staff.head, disbursement=request)


@permission_matrix(allowed={"staff_with_role"})
def test_disbursement_mark_paid_matrix(actor_kind, allowed, matrix_actor, village, staff):
    spp = _approved_spp(staff)
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_TREASURER)
    call = lambda: services.disbursement_mark_paid(actor=actor, disbursement=spp)  # noqa: E731
    if allowed:
        paid = call()
        assert paid.paid_at is not None and paid.paid_by == actor
        assert paid.status == DisbursementStatus.APPROVED  # still realised from the approval
        event = AuditEvent.objects.get(action="budgets.disbursement_paid")
        assert event.actor_id == actor.pk and spp.number in event.data_json
    else:
        assert_refused_unchanged(
            call, snapshot=lambda: snapshot_rows(Disbursement, BudgetItem, AuditEvent)
        )


@pytest.mark.parametrize(
    "role", [Role.VILLAGE_HEAD, Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.INSPECTOR]
)
def test_only_the_treasurer_marks_paid(role, make_user, staff):
    spp = _approved_spp(staff)
    actor = make_user(roles=[(role, "35.10" if role == Role.INSPECTOR else SARONGAN)])
    error = assert_refused_unchanged(
        lambda: services.disbursement_mark_paid(actor=actor, disbursement=spp),
        snapshot=lambda: snapshot_rows(Disbursement, BudgetItem, AuditEvent),
    )
    assert error.status == 403


def test_mark_paid_refused_unless_approved_and_unpaid(staff):
    budget = approved_budget(staff)
    pending = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000", description="Semen"
    )
    rejected = services.disbursement_reject(
        actor=staff.head,
        disbursement=services.disbursement_request(
            actor=staff.treasurer, item=cement(budget), amount="2000", description="Pasir"
        ),
        notes="Belum perlu",
    )
    snapshot = lambda: snapshot_rows(Disbursement, BudgetItem, AuditEvent)  # noqa: E731
    for spp in (pending, rejected):
        error = assert_refused_unchanged(
            lambda s=spp: services.disbursement_mark_paid(actor=staff.treasurer, disbursement=s),
            snapshot=snapshot,
        )
        assert error.code == "disbursement_not_approved"
    approved = services.disbursement_approve(actor=staff.head, disbursement=pending)
    services.disbursement_mark_paid(actor=staff.treasurer, disbursement=approved)
    error = assert_refused_unchanged(
        lambda: services.disbursement_mark_paid(actor=staff.treasurer, disbursement=approved),
        snapshot=snapshot,
    )
    assert error.code == "disbursement_already_paid" and error.status == 409


def test_database_refuses_a_paid_request_that_is_not_approved(staff):
    budget = approved_budget(staff)
    pending = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000", description="Semen"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=pending.pk).update(paid_at="2026-03-01T10:00:00+07:00")


@permission_matrix(allowed={"staff_with_role"})
def test_receipt_matrix(actor_kind, allowed, matrix_actor, village, staff):
    approved_budget(staff)
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_TREASURER)

    def call():
        return services.receipt_record(
            actor=actor,
            village_code=SARONGAN,
            year=YEAR,
            account_code="4.2.1.01",
            fund_source_code="DDS",
            amount="40000000",
            description="Dana Desa tahap I",
        )

    if allowed:
        assert call().number.startswith("0001/TBP/")
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(RevenueReceipt))


@permission_matrix(allowed={"staff_with_role"})
def test_ceiling_set_matrix(actor_kind, allowed, matrix_actor, village, staff):
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)

    def call():
        return services.ceiling_set(
            actor=actor, village_code=SARONGAN, year=YEAR, fund_source_code="DDS", amount="5"
        )

    if allowed:
        assert call().amount == Decimal("5.00")
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(Ceiling))


# --- workflow ---------------------------------------------------------------------------------


def test_the_full_cycle_is_recorded(staff):
    budget = approved_budget(staff)
    assert budget.status == BudgetStatus.APPROVED and budget.approved_at
    actions = list(budget.reviews.values_list("action", flat=True))
    assert actions == ["submit", "district_approve", "regency_approve"]
    assert AuditEvent.objects.filter(action="budgets.budget_decide").exists()


def test_an_approved_budget_is_locked(staff):
    budget = approved_budget(staff)
    with pytest.raises(BudgetConflict) as info:
        services.item_update(actor=staff.operator, item=cement(budget), volume="1")
    assert info.value.code == "budget_not_editable"
    assert cement(budget).volume == Decimal("250.00")


def test_a_submitted_budget_cannot_be_edited(staff):
    set_ceilings(staff)
    budget = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    assert_refused_unchanged(
        lambda: services.revenue_add(
            actor=staff.operator,
            budget=budget,
            account_code="4.1.2.01",
            fund_source_code="PAD",
            amount=10,
        ),
        snapshot=rows,
    )


def test_return_needs_notes_and_reopens_the_draft(staff):
    set_ceilings(staff)
    budget = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    assert_refused_unchanged(
        lambda: services.budget_evaluate(actor=staff.camat, budget=budget, approve=False),
        snapshot=rows,
    )
    budget = services.budget_evaluate(
        actor=staff.camat, budget=budget, approve=False, notes="Lengkapi lokasi kegiatan."
    )
    assert budget.status == BudgetStatus.RETURNED
    assert budget.reviews.last().notes == "Lengkapi lokasi kegiatan."
    services.item_update(actor=staff.operator, item=cement(budget), volume="200")
    assert services.budget_submit(actor=staff.head, budget=budget).status == BudgetStatus.SUBMITTED


def test_the_regency_can_return_too(staff):
    set_ceilings(staff)
    budget = services.budget_submit(actor=staff.head, budget=draft_budget(staff))
    budget = services.budget_evaluate(actor=staff.camat, budget=budget, approve=True)
    budget = services.budget_decide(actor=staff.pmd, budget=budget, approve=False, notes="Cek SSH")
    assert budget.status == BudgetStatus.RETURNED


def test_submission_is_blocked_by_the_ceiling(staff):
    set_ceilings(staff, DDS="90000000", ADD="60000000")
    budget = draft_budget(staff)
    error = assert_refused_unchanged(
        lambda: services.budget_submit(actor=staff.head, budget=budget), snapshot=rows
    )
    assert isinstance(error, ChecksFailed)
    assert "Rp 10.000.000" in error.message
    assert {d["code"] for d in error.details} == {"revenue_over_ceiling"}


def test_submission_is_blocked_when_expenditure_exceeds_the_means(staff):
    set_ceilings(staff)
    budget = draft_budget(staff)
    services.item_add(
        actor=staff.operator,
        activity=road(budget),
        description="Aspal",
        volume="1",
        unit="paket",
        unit_price="200000000",
        fund_source_code="DDS",
        account_code="5.3.5.03",
    )
    error = assert_refused_unchanged(
        lambda: services.budget_submit(actor=staff.head, budget=budget), snapshot=rows
    )
    assert "expenditure_over_means" in {d["code"] for d in error.details}


def test_submission_names_incomplete_items(staff):
    set_ceilings(staff)
    budget = draft_budget(staff)
    services.item_add(actor=staff.operator, activity=road(budget), description="Besi beton")
    error = assert_refused_unchanged(
        lambda: services.budget_submit(actor=staff.head, budget=budget), snapshot=rows
    )
    (detail,) = error.details
    assert detail["code"] == "item_incomplete" and "Besi beton" in detail["message"]


def test_only_one_version_in_progress_and_no_second_original(staff):
    budget = approved_budget(staff)
    with pytest.raises(BudgetConflict):
        services.budget_create(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    services.budget_revise(actor=staff.operator, budget=budget)
    assert_refused_unchanged(
        lambda: services.budget_revise(actor=staff.operator, budget=budget), snapshot=rows
    )


def test_a_kelurahan_has_no_apbdes(make_user):
    from smartkampung.regions.models import Region

    code = Region.objects.filter(kind="kelurahan").values_list("code", flat=True).first()
    operator = make_user(roles=[(Role.VILLAGE_OPERATOR, code)])
    with pytest.raises(BudgetInvalid) as info:
        services.budget_create(actor=operator, village_code=code, year=YEAR)
    assert info.value.code == "budget_not_a_desa"


@pytest.mark.parametrize(
    "amount", ["-5", "abc", "NaN", "Infinity", "1e30", "12.345.678,9"], ids=str
)
def test_bad_amounts_are_refused(staff, amount):
    budget = services.budget_create(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    assert_refused_unchanged(
        lambda: services.revenue_add(
            actor=staff.operator,
            budget=budget,
            account_code="4.2.1.01",
            fund_source_code="DDS",
            amount=amount,
        ),
        snapshot=rows,
    )


@pytest.mark.parametrize("account", ["5.3.5.03", "4.2.1", "9.9.9.99", "", "4.2.1.01; DROP"])
def test_revenue_needs_a_revenue_object_account(staff, account):
    budget = services.budget_create(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    assert_refused_unchanged(
        lambda: services.revenue_add(
            actor=staff.operator,
            budget=budget,
            account_code=account,
            fund_source_code="DDS",
            amount=1,
        ),
        snapshot=rows,
    )


def test_item_amount_is_computed_in_decimal(staff):
    budget = services.budget_create(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    activity = services.activity_add(actor=staff.operator, budget=budget, activity_code="02.03.10")
    item = services.item_add(
        actor=staff.operator, activity=activity, description="x", volume="0.1", unit_price="0.3"
    )
    assert item.amount == Decimal("0.03")
    item.refresh_from_db()
    assert item.amount == Decimal("0.03") and isinstance(item.amount, Decimal)


# --- revisions --------------------------------------------------------------------------------


def test_a_revision_is_a_new_version_and_keeps_every_version(staff):
    original = approved_budget(staff)
    revision = services.budget_revise(actor=staff.operator, budget=original)
    assert (revision.version, revision.based_on_id, revision.status) == (2, original.pk, "draft")
    assert revision.items.count() == original.items.count()
    assert set(revision.items.values_list("lineage", flat=True)) == set(
        original.items.values_list("lineage", flat=True)
    )
    services.item_update(actor=staff.operator, item=cement(revision), volume="300")
    revision = approve(staff, revision)
    original.refresh_from_db()
    assert original.status == BudgetStatus.SUPERSEDED
    assert cement(original).volume == Decimal("250.00")  # the old version is kept as it was
    assert VillageBudget.objects.filter(village_id=SARONGAN, year=YEAR).count() == 2


def test_approving_a_revision_carries_requests_and_realisation_over(staff):
    original = approved_budget(staff)
    done = services.disbursement_request(
        actor=staff.treasurer, item=cement(original), amount="5000000", description="Semen 1"
    )
    services.disbursement_approve(actor=staff.head, disbursement=done)
    waiting = services.disbursement_request(
        actor=staff.treasurer, item=cement(original), amount="1000000", description="Semen 2"
    )
    revision = services.budget_revise(actor=staff.operator, budget=original)
    services.item_update(actor=staff.operator, item=cement(revision), volume="200")
    revision = approve(staff, revision)
    new_cement = cement(revision)
    assert (new_cement.realised, new_cement.committed) == (Decimal("5000000"), Decimal("1000000"))
    waiting.refresh_from_db()
    assert waiting.item_id == new_cement.pk
    services.disbursement_approve(actor=staff.head, disbursement=waiting)
    assert cement(revision).realised == Decimal("6000000")


def test_a_revision_cannot_go_below_what_was_spent(staff):
    original = approved_budget(staff)
    done = services.disbursement_request(
        actor=staff.treasurer, item=cement(original), amount="5000000", description="Semen"
    )
    services.disbursement_approve(actor=staff.head, disbursement=done)
    revision = services.budget_revise(actor=staff.operator, budget=original)
    services.item_update(actor=staff.operator, item=cement(revision), volume="10")
    error = assert_refused_unchanged(
        lambda: services.budget_submit(actor=staff.head, budget=revision), snapshot=rows
    )
    assert "item_below_realisation" in {d["code"] for d in error.details}


# --- execution --------------------------------------------------------------------------------


def test_a_request_beyond_the_remaining_budget_is_refused(staff):
    budget = approved_budget(staff)
    item = cement(budget)  # 250 × 75,000 = 18,750,000
    services.disbursement_request(
        actor=staff.treasurer, item=item, amount="18000000", description="Semen"
    )
    error = assert_refused_unchanged(
        lambda: services.disbursement_request(
            actor=staff.treasurer, item=item, amount="750000.01", description="Semen lagi"
        ),
        snapshot=lambda: snapshot_rows(Disbursement, BudgetItem),
    )
    assert error.code == "disbursement_exceeds_remaining"
    assert "Rp 750.000" in error.message
    services.disbursement_request(
        actor=staff.treasurer, item=item, amount="750000", description="Sisa"
    )
    assert cement(budget).remaining == 0


def test_rejecting_or_withdrawing_releases_the_amount(staff):
    budget = approved_budget(staff)
    first = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000", description="a"
    )
    second = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="2000", description="b"
    )
    assert cement(budget).committed == Decimal("3000")
    with pytest.raises(BudgetInvalid):
        services.disbursement_reject(actor=staff.head, disbursement=first, notes="")
    services.disbursement_reject(actor=staff.head, disbursement=first, notes="Belum perlu")
    services.disbursement_cancel(actor=staff.treasurer, disbursement=second)
    assert cement(budget).committed == 0
    with pytest.raises(BudgetConflict):
        services.disbursement_approve(actor=staff.head, disbursement=first)


def test_requests_need_the_approved_budget(staff):
    set_ceilings(staff)
    budget = draft_budget(staff)
    assert_refused_unchanged(
        lambda: services.disbursement_request(
            actor=staff.treasurer, item=cement(budget), amount="1", description="x"
        ),
        snapshot=lambda: snapshot_rows(Disbursement),
    )


def test_the_database_refuses_realisation_beyond_the_amount(staff):
    budget = approved_budget(staff)
    item = cement(budget)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetItem.objects.filter(pk=item.pk).update(realised=item.amount + Decimal("0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetItem.objects.filter(pk=item.pk).update(
            committed=item.amount, realised=Decimal("0.01")
        )
    BudgetItem.objects.filter(pk=item.pk).update(realised=item.amount)


REFUSALS: list[tuple[object, Decimal]] = []


def refuse_without_progress(*, item, amount, actor):
    REFUSALS.append((item.pk, amount))
    if item.description == "Semen":
        return "No progress photo at 50 % yet: money follows evidence."
    return None


def allow_everything(*, item, amount, actor):
    return None


@override_settings(
    SK_DISBURSEMENT_CHECKS=[
        "smartkampung.budgets.tests.test_services.allow_everything",
        "smartkampung.budgets.tests.test_services.refuse_without_progress",
    ]
)
def test_disbursement_checks_named_in_settings_can_refuse_an_approval(staff):
    REFUSALS.clear()
    budget = approved_budget(staff)
    request = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000", description="Semen"
    )
    error = assert_refused_unchanged(
        lambda: services.disbursement_approve(actor=staff.head, disbursement=request),
        snapshot=lambda: snapshot_rows(Disbursement, BudgetItem),
    )
    assert error.code == "disbursement_refused_by_check"
    assert "money follows evidence" in error.message
    assert [(cement(budget).pk, Decimal("1000.00"))] == REFUSALS
    other = budget.items.get(description="Upah tenaga kerja")
    wage = services.disbursement_request(
        actor=staff.treasurer, item=other, amount="1000", description="Upah"
    )
    assert services.disbursement_approve(actor=staff.head, disbursement=wage).status == "approved"


def test_request_numbers_count_up_per_village_and_year(staff, other_staff):
    budget = approved_budget(staff)
    numbers = [
        services.disbursement_request(
            actor=staff.treasurer, item=cement(budget), amount="1", description=str(n)
        ).number
        for n in range(3)
    ]
    assert numbers == [f"000{n}/SPP/{SARONGAN}/{YEAR}" for n in (1, 2, 3)]
    other = approved_budget(other_staff)
    first = services.disbursement_request(
        actor=other_staff.treasurer, item=cement(other), amount="1", description="x"
    )
    assert first.number == f"0001/SPP/{SUKOREJO}/{YEAR}"


def test_receipts_must_be_dated_in_the_year(staff):
    from datetime import date

    approved_budget(staff)
    assert_refused_unchanged(
        lambda: services.receipt_record(
            actor=staff.treasurer,
            village_code=SARONGAN,
            year=YEAR,
            account_code="4.2.1.01",
            fund_source_code="DDS",
            amount="1",
            description="x",
            received_on=date(YEAR - 1, 12, 31),
        ),
        snapshot=lambda: snapshot_rows(RevenueReceipt),
    )


# --- ceilings, SSH and reference lists --------------------------------------------------------


def csv(*lines):
    return ("\n".join(lines) + "\n").encode()


def test_ceilings_import_creates_updates_and_reports(staff):
    data = csv(
        "village_code,year,fund_source,amount,note",
        f"{SARONGAN},{YEAR},DDS,1000000000,",
        f"{SARONGAN},{YEAR},ADD,Rp 600.000.000,Perbup",
        f"{SUKOREJO},{YEAR},DDS,900000000.50,",
    )
    report = services.ceilings_import(actor=staff.pmd, data=data)
    assert (report.created, report.updated) == (3, 0)
    assert Ceiling.objects.get(village_id=SARONGAN, fund_source="ADD").amount == Decimal(
        "600000000"
    )
    report = services.ceilings_import(
        actor=staff.pmd,
        data=csv("kode_desa;tahun;sumber_dana;pagu", f"{SARONGAN};{YEAR};DDS;1100000000"),
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)


@pytest.mark.parametrize(
    "body,expected",
    [
        (f"{SARONGAN},{YEAR},XXX,1", "unknown fund source XXX"),
        (f"99.99.99.9999,{YEAR},DDS,1", "unknown village code"),
        (f"{SARONGAN},20x6,DDS,1", "year"),
        (f"{SARONGAN},{YEAR},DDS,-1", "negative"),
        (f"{SARONGAN},{YEAR},DDS,=HYPERLINK()", "not a number"),
    ],
)
def test_a_bad_ceiling_row_is_named_and_nothing_is_imported(staff, body, expected):
    data = csv("village_code,year,fund_source,amount", f"{SUKOREJO},{YEAR},DDS,5", body)
    error = assert_refused_unchanged(
        lambda: services.ceilings_import(actor=staff.pmd, data=data),
        snapshot=lambda: snapshot_rows(Ceiling, AuditEvent),
    )
    assert any("Row 3" in line and expected in line for line in error.details), error.details


def test_ceilings_import_refuses_kelurahan_duplicates_and_other_regencies(staff):
    from smartkampung.regions.models import Region

    kelurahan = Region.objects.filter(kind="kelurahan").values_list("code", flat=True).first()
    data = csv(
        "village_code,year,fund_source,amount",
        f"{kelurahan},{YEAR},DDS,5",
        f"{SARONGAN},{YEAR},DDS,5",
        f"{SARONGAN},{YEAR},DDS,6",
    )
    error = assert_refused_unchanged(
        lambda: services.ceilings_import(actor=staff.pmd, data=data),
        snapshot=lambda: snapshot_rows(Ceiling),
    )
    assert len(error.details) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"only,a,header\n",
        b"village_code,year\n1,2\n",
        b"a" * 6_000_000,
    ],
    ids=["empty", "not-utf8", "no-rows", "missing-columns", "too-large"],
)
def test_malformed_ceiling_files_are_refused(staff, data):
    assert_refused_unchanged(
        lambda: services.ceilings_import(actor=staff.pmd, data=data),
        snapshot=lambda: snapshot_rows(Ceiling),
    )


def test_district_officers_cannot_import_ceilings(staff):
    data = csv("village_code,year,fund_source,amount", f"{SARONGAN},{YEAR},DDS,5")
    assert_refused_unchanged(
        lambda: services.ceilings_import(actor=staff.camat, data=data),
        snapshot=lambda: snapshot_rows(Ceiling),
    )


def test_ssh_import_and_flag(staff):
    report = services.ssh_import(
        actor=staff.pmd,
        year=YEAR,
        data=csv(
            "kode,uraian,satuan,harga", "S-1,Semen Portland,zak,72000", "S-2,Pasir,m3,260.000"
        ),
    )
    assert report.created == 2
    from smartkampung.budgets.models import UnitPriceStandard
    from smartkampung.budgets.selectors.budgets import budget_content

    ssh = UnitPriceStandard.objects.get(code="S-2")
    assert ssh.price == Decimal("260000")
    set_ceilings(staff)
    budget = draft_budget(staff)
    services.item_update(
        actor=staff.operator,
        item=cement(budget),
        ssh_id=UnitPriceStandard.objects.get(code="S-1").pk,
    )
    _totals, findings = budget_content(budget).evaluate()
    assert [f.code for f in findings] == ["ssh_exceeded"]
    # a flag, not a block:
    assert services.budget_submit(actor=staff.head, budget=budget).status == "submitted"


def test_ssh_rows_with_problems_are_all_reported(staff):
    error = assert_refused_unchanged(
        lambda: services.ssh_import(
            actor=staff.pmd,
            year=YEAR,
            data=csv("code,name,unit,price", "A,,zak,1", "A,Semen,zak,0", ",x,,x"),
        ),
        snapshot=lambda: snapshot_rows(AuditEvent),
    )
    assert len(error.details) == 3


def test_regency_extends_the_activity_list(staff):
    activity = services.activity_define(
        actor=staff.pmd, code="02.03.90", name_id="Pembangunan Jalan Lingkar Desa Wisata"
    )
    assert activity.regional
    budget = services.budget_create(actor=staff.operator, village_code=SARONGAN, year=YEAR)
    services.activity_add(actor=staff.operator, budget=budget, activity_code="02.03.90")
    for bad in ("2.3.90", "09.09.90", "02.03.90"):
        with pytest.raises(DomainError):
            services.activity_define(actor=staff.pmd, code=bad, name_id="x")
    with pytest.raises(DomainError):
        services.activity_define(actor=staff.camat, code="02.03.91", name_id="x")
    account = services.account_define(actor=staff.pmd, code="5.2.1.90", name_id="Belanja lain")
    assert account.parent_id == "5.2.1"
    source = services.fund_source_define(actor=staff.pmd, code="BKK", name_id="Bantuan khusus")
    assert not source.needs_ceiling


def test_district_scope_is_not_regency_scope(make_user):
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    with pytest.raises(DomainError):
        services.ceiling_set(
            actor=camat, village_code=SARONGAN, year=YEAR, fund_source_code="DDS", amount=1
        )


def test_regional_lists_belong_to_their_regency(staff, village):
    from smartkampung.accounts.testing import build_matrix_actor
    from smartkampung.budgets.models import UnitPriceStandard

    elsewhere = build_matrix_actor(
        "other_village_staff", village=village, role=Role.REGENCY_OFFICER
    )
    services.activity_define(actor=elsewhere, code="02.03.91", name_id="Kegiatan kabupaten lain")
    services.ssh_import(
        actor=elsewhere, year=YEAR, data=csv("code,name,unit,price", "X,Semen,zak,1")
    )
    foreign_ssh = UnitPriceStandard.objects.get(code="X")
    assert foreign_ssh.regency_id == "99.01"
    budget = draft_budget(staff)
    with pytest.raises(BudgetInvalid):
        services.activity_add(actor=staff.operator, budget=budget, activity_code="02.03.91")
    with pytest.raises(BudgetInvalid):
        services.item_update(actor=staff.operator, item=cement(budget), ssh_id=foreign_ssh.pk)
    with pytest.raises(DomainError):  # and it cannot write Banyuwangi's lists
        services.ssh_import(
            actor=elsewhere,
            year=YEAR,
            data=csv("code,name,unit,price", "Y,x,zak,1"),
            regency_code="35.10",
        )

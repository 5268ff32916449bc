"""Proposals (usulan), BLT Dana Desa payments, programmes: permissions, audit, nothing changed
on a refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.budgets.models import BudgetItem, Disbursement
from smartkampung.budgets.tests import helpers as budget_helpers
from smartkampung.core.exceptions import DomainError
from smartkampung.regions.models import Region
from smartkampung.welfare import services
from smartkampung.welfare.models import (
    AidProgramme,
    BltPayment,
    Enrolment,
    ProposalStatus,
    RegisterEntry,
    WelfareProposal,
)
from smartkampung.welfare.rules import Candidate

from .conftest import PERIOD, SARONGAN, programme_data

pytestmark = pytest.mark.django_db


def _proposal_rows() -> list[Any]:
    return snapshot_rows(WelfareProposal, RegisterEntry, AuditEvent)


# --- programmes ---------------------------------------------------------------------------------


def test_a_programme_period_that_ends_before_it_starts_is_refused(social) -> None:
    data = programme_data(starts_on=date(2026, 6, 1), ends_on=date(2026, 5, 31))
    exc = assert_refused_unchanged(
        lambda: services.programme_save(actor=social, data=data),
        snapshot=lambda: snapshot_rows(AidProgramme, AuditEvent),
    )
    assert "ends_on" in exc.details


@pytest.mark.parametrize(
    "overrides",
    [
        {"decile_max": 0},
        {"decile_max": 11},
        {"code": "pkh lama!"},
        {"target": "village"},
        {"min_age": 70, "max_age": 60},
        {"excludes": ["NOPE"]},
        {"fund_source": "dana_desa"},  # without its APBDes activity and amount
    ],
)
def test_invalid_programme_rules_are_refused(social, overrides) -> None:
    assert_refused_unchanged(
        lambda: services.programme_save(actor=social, data=programme_data(**overrides)),
        snapshot=lambda: snapshot_rows(AidProgramme, AuditEvent),
    )


@permission_matrix(allowed={"staff_with_role"})
def test_programme_permission_matrix(actor_kind, allowed, matrix_actor, village) -> None:
    actor = matrix_actor(actor_kind, village=village, role=Role.SOCIAL_OFFICER)
    call = lambda: services.programme_save(  # noqa: E731
        actor=actor, data=programme_data(), regency_code="35.10"
    )
    if allowed:
        programme = call()
        assert AuditEvent.objects.filter(action="welfare.programme_create").count() == 1
        assert programme.decile_max == 4
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(AidProgramme, AuditEvent))


# --- enrolment ---------------------------------------------------------------------------------


@permission_matrix(allowed={"staff_with_role"})
def test_enrolment_permission_matrix(
    actor_kind, allowed, matrix_actor, village, make_family, make_programme, in_register
) -> None:
    family = make_family()
    in_register((family, 2))
    make_programme()
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_HEAD
    )
    candidate = Candidate("PKH", PERIOD, family["head"].nik, family["kk"], SARONGAN)
    call = lambda: services.enrolment_create(actor=actor, candidate=candidate)  # noqa: E731
    if allowed:
        enrolment = call()
        assert enrolment.status == "active" and enrolment.kk_number == family["kk"]
        event = AuditEvent.objects.get(action="welfare.enrolment_create")
        assert family["kk"] not in event.data_json
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(Enrolment, AuditEvent))


# --- proposals ---------------------------------------------------------------------------------


def test_the_proposal_cycle_writes_a_new_version_and_keeps_the_old(
    make_family, in_register, operator, camat, social
) -> None:
    family = make_family()
    in_register((family, 5), as_of=date(2026, 1, 1))
    proposal = services.proposal_create(
        actor=operator,
        household_id=family["household_id"],
        kind="decile",
        decile=2,
        reason="Kepala keluarga kehilangan pekerjaan",
        evidence="Kunjungan rumah 2 Maret 2026, surat PHK",
    )
    assert proposal.status == ProposalStatus.PROPOSED
    proposal = services.proposal_check(actor=camat, proposal=proposal, accept=True)
    assert proposal.status == ProposalStatus.CHECKED
    proposal = services.proposal_decide(actor=social, proposal=proposal, approve=True)
    versions = list(
        RegisterEntry.objects.filter(household_id=family["household_id"]).order_by(
            "valid_from", "pk"
        )
    )
    today = timezone.localdate()
    assert [(v.decile, v.valid_to) for v in versions] == [(5, today), (2, None)]
    assert versions[1].proposal == proposal and versions[1].source == "proposal"
    actions = list(
        AuditEvent.objects.filter(action__startswith="welfare.proposal")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "welfare.proposal_create",
        "welfare.proposal_check",
        "welfare.proposal_decide",
    ]


def test_add_and_remove_proposals(make_family, in_register, operator, camat, social) -> None:
    newcomer, leaving = make_family(), make_family()
    in_register((leaving, 3))
    add = services.proposal_create(
        actor=operator,
        household_id=newcomer["household_id"],
        kind="add",
        decile=1,
        reason="Keluarga miskin baru",
        evidence="Survei desa",
    )
    remove = services.proposal_create(
        actor=operator,
        household_id=leaving["household_id"],
        kind="remove",
        decile=None,
        reason="Sudah mampu",
        evidence="Usaha warung berkembang",
    )
    for p in (add, remove):
        services.proposal_decide(
            actor=social,
            proposal=services.proposal_check(actor=camat, proposal=p, accept=True),
            approve=True,
        )
    assert RegisterEntry.objects.get(household_id=newcomer["household_id"]).decile == 1
    assert not RegisterEntry.objects.filter(
        household_id=leaving["household_id"], valid_to__isnull=True
    ).exists()


@pytest.mark.parametrize(
    ("kind", "decile", "code"),
    [
        ("decile", 0, "invalid_decile"),
        ("decile", 11, "invalid_decile"),
        ("decile", 5, "same_decile"),
        ("add", 2, "already_in_register"),
        ("grow", 2, "invalid_kind"),
    ],
)
def test_invalid_proposals_change_nothing(
    make_family, in_register, operator, kind, decile, code
) -> None:
    family = make_family()
    in_register((family, 5))
    exc = assert_refused_unchanged(
        lambda: services.proposal_create(
            actor=operator,
            household_id=family["household_id"],
            kind=kind,
            decile=decile,
            reason="alasan",
            evidence="bukti",
        ),
        snapshot=_proposal_rows,
    )
    assert exc.code == code


def test_the_order_of_the_cycle_holds(make_family, in_register, operator, camat, social) -> None:
    family = make_family()
    in_register((family, 5))
    proposal = services.proposal_create(
        actor=operator,
        household_id=family["household_id"],
        kind="decile",
        decile=3,
        reason="alasan",
        evidence="bukti",
    )
    # The social office cannot approve before the kecamatan has checked.
    assert_refused_unchanged(
        lambda: services.proposal_decide(actor=social, proposal=proposal, approve=True),
        snapshot=_proposal_rows,
    )
    # A rejection needs a note.
    assert_refused_unchanged(
        lambda: services.proposal_check(actor=camat, proposal=proposal, accept=False),
        snapshot=_proposal_rows,
    )
    # The operator cannot check their own proposal.
    assert_refused_unchanged(
        lambda: services.proposal_check(actor=operator, proposal=proposal, accept=True),
        snapshot=_proposal_rows,
    )


@permission_matrix(allowed={"staff_with_role"})
def test_proposal_permission_matrix(
    actor_kind, allowed, matrix_actor, village, make_family
) -> None:
    family = make_family()
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_HEAD
    )
    call = lambda: services.proposal_create(  # noqa: E731
        actor=actor,
        household_id=family["household_id"],
        kind="add",
        decile=2,
        reason="alasan",
        evidence="bukti",
    )
    if allowed:
        assert call().status == ProposalStatus.PROPOSED
    else:
        assert_refused_unchanged(call, snapshot=_proposal_rows)


# --- BLT Dana Desa payments --------------------------------------------------------------------


@pytest.fixture
def blt_budget(regions_loaded: Any) -> Any:
    """The approved APBDes 2026 of Sarongan with a BLT line (activity 05.03.01)."""
    staff = budget_helpers.make_staff(SARONGAN)
    budget_helpers.set_ceilings(staff)
    budget = budget_helpers.draft_budget(staff)
    from smartkampung.budgets import services as budget_services

    blt = budget_services.activity_add(
        actor=staff.operator, budget=budget, activity_code="05.03.01"
    )
    budget_services.item_add(
        actor=staff.operator,
        activity=blt,
        description="BLT Dana Desa",
        volume="2",
        unit="KPM-bulan",
        unit_price="300000",
        fund_source_code="DDS",
        account_code="5.4.1.01",
    )
    budget_helpers.approve(staff, budget)
    return staff


def _blt(make_programme: Any) -> AidProgramme:
    return make_programme(
        code="BLTDD",
        fund_source="dana_desa",
        decile_max=None,
        budget_activity_code="05.03.01",
        monthly_amount=300000,
    )


def _payment_rows() -> list[Any]:
    return snapshot_rows(BltPayment, Disbursement, BudgetItem, AuditEvent)


def test_a_blt_payment_is_a_disbursement_of_the_blt_line(
    blt_budget, make_family, make_programme, operator
) -> None:
    family = make_family()
    _blt(make_programme)
    services.enrolment_create(
        actor=operator,
        candidate=Candidate("BLTDD", PERIOD, family["head"].nik, family["kk"], SARONGAN),
    )
    payment = services.blt_payment_request(
        actor=blt_budget.treasurer,
        programme_code="BLTDD",
        period=PERIOD,
        household_id=family["household_id"],
    )
    item = payment.disbursement.item
    assert item.activity.activity_id == "05.03.01" and payment.disbursement.amount == 300000
    assert item.committed == 300000 and family["kk"] not in payment.disbursement.description
    # Already paid for the month: refused, nothing changes.
    exc = assert_refused_unchanged(
        lambda: services.blt_payment_request(
            actor=blt_budget.treasurer,
            programme_code="BLTDD",
            period=PERIOD,
            household_id=family["household_id"],
        ),
        snapshot=_payment_rows,
    )
    assert exc.code == "already_paid"


def test_a_household_not_enrolled_cannot_be_paid(blt_budget, make_family, make_programme) -> None:
    family = make_family()
    _blt(make_programme)
    exc = assert_refused_unchanged(
        lambda: services.blt_payment_request(
            actor=blt_budget.treasurer,
            programme_code="BLTDD",
            period=PERIOD,
            household_id=family["household_id"],
        ),
        snapshot=_payment_rows,
    )
    assert exc.code == "not_enrolled"


def test_only_the_treasurer_pays_and_the_line_must_have_money(
    blt_budget, make_family, make_programme, operator
) -> None:
    families = [make_family() for _i in range(3)]
    _blt(make_programme)
    for f in families:
        services.enrolment_create(
            actor=operator, candidate=Candidate("BLTDD", PERIOD, f["head"].nik, f["kk"], SARONGAN)
        )
    pay = lambda actor, f: services.blt_payment_request(  # noqa: E731
        actor=actor, programme_code="BLTDD", period=PERIOD, household_id=f["household_id"]
    )
    assert_refused_unchanged(lambda: pay(operator, families[0]), snapshot=_payment_rows)
    pay(blt_budget.treasurer, families[0])
    pay(blt_budget.treasurer, families[1])
    exc = assert_refused_unchanged(
        lambda: pay(blt_budget.treasurer, families[2]), snapshot=_payment_rows
    )
    assert exc.code == "no_budget_line"


def test_domain_errors_only(make_family, social) -> None:
    family = make_family()
    with pytest.raises(DomainError):
        services.proposal_create(
            actor=social,
            household_id=family["household_id"],
            kind="add",
            decile=2,
            reason="a",
            evidence="b",
        )
    assert Region.objects.filter(code=SARONGAN).exists()

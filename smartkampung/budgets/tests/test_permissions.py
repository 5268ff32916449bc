"""A permission matrix for every budget write not covered in test_services.py, and the pure
predicates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import SARONGAN
from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.budgets import permissions, services
from smartkampung.budgets.models import (
    Account,
    Activity,
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetRevenue,
    Ceiling,
    Disbursement,
    FundSource,
    SiskeudesImport,
    UnitPriceStandard,
    VillageBudget,
)

from .helpers import YEAR, approved_budget, cement, draft_budget, road
from .test_siskeudes import EXAMPLE_ZIP

pytestmark = pytest.mark.django_db

TABLES = (
    VillageBudget,
    BudgetRevenue,
    BudgetFinancing,
    BudgetActivity,
    BudgetItem,
    Disbursement,
    Ceiling,
    UnitPriceStandard,
    Activity,
    Account,
    FundSource,
    SiskeudesImport,
    AuditEvent,
)


def _draft(staff: Any) -> Any:
    return draft_budget(staff)


def _pending(staff: Any) -> Any:
    budget = approved_budget(staff)
    return services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000", description="Semen"
    )


# (name, role the write needs, setup(staff) -> subject, call(actor, subject))
WRITES: list[tuple[str, str, Callable[[Any], Any], Callable[[Any, Any], Any]]] = [
    (
        "item_add",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.item_add(actor=actor, activity=road(b), description="Pasir"),
    ),
    (
        "item_update",
        Role.VILLAGE_SECRETARY,
        _draft,
        lambda actor, b: services.item_update(actor=actor, item=cement(b), volume="1"),
    ),
    (
        "item_delete",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.item_delete(actor=actor, item=cement(b)),
    ),
    (
        "activity_add",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.activity_add(actor=actor, budget=b, activity_code="02.03.12"),
    ),
    (
        "activity_delete",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.activity_delete(actor=actor, activity=road(b)),
    ),
    (
        "financing_add",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.financing_add(
            actor=actor, budget=b, account_code="6.1.1.01", amount="5"
        ),
    ),
    (
        "revenue_delete",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.revenue_delete(actor=actor, line=b.revenues.first()),
    ),
    (
        "budget_delete_draft",
        Role.VILLAGE_OPERATOR,
        _draft,
        lambda actor, b: services.budget_delete_draft(actor=actor, budget=b),
    ),
    (
        "budget_revise",
        Role.VILLAGE_OPERATOR,
        approved_budget,
        lambda actor, b: services.budget_revise(actor=actor, budget=b),
    ),
    (
        "disbursement_reject",
        Role.VILLAGE_HEAD,
        _pending,
        lambda actor, d: services.disbursement_reject(actor=actor, disbursement=d, notes="x"),
    ),
    (
        "disbursement_cancel",
        Role.VILLAGE_TREASURER,
        _pending,
        lambda actor, d: services.disbursement_cancel(actor=actor, disbursement=d),
    ),
    (
        "ceilings_import",
        Role.REGENCY_OFFICER,
        lambda staff: None,
        lambda actor, _s: services.ceilings_import(
            actor=actor,
            data=f"village_code,year,fund_source,amount\n{SARONGAN},{YEAR},DDS,5\n".encode(),
        ),
    ),
    (
        "ssh_import",
        Role.REGENCY_OFFICER,
        lambda staff: None,
        lambda actor, _s: services.ssh_import(
            actor=actor,
            year=YEAR,
            data=b"code,name,unit,price\nS-1,Semen,zak,72000\n",
            regency_code="35.10",
        ),
    ),
    (
        "activity_define",
        Role.REGENCY_OFFICER,
        lambda staff: None,
        lambda actor, _s: services.activity_define(
            actor=actor, code="02.03.90", name_id="x", regency_code="35.10"
        ),
    ),
    (
        "account_define",
        Role.REGENCY_OFFICER,
        lambda staff: None,
        lambda actor, _s: services.account_define(
            actor=actor, code="5.2.1.90", name_id="x", regency_code="35.10"
        ),
    ),
    (
        "fund_source_define",
        Role.REGENCY_OFFICER,
        lambda staff: None,
        lambda actor, _s: services.fund_source_define(
            actor=actor, code="BKK", name_id="x", regency_code="35.10"
        ),
    ),
    (
        "siskeudes_import",
        Role.VILLAGE_OPERATOR,
        lambda staff: None,
        lambda actor, _s: services.siskeudes_import(
            actor=actor, village_code=SARONGAN, data=EXAMPLE_ZIP.read_bytes()
        ),
    ),
]


@pytest.mark.parametrize("write", WRITES, ids=[w[0] for w in WRITES])
@permission_matrix(allowed={"staff_with_role"})
def test_every_write_has_its_role(write, actor_kind, allowed, matrix_actor, village, staff):
    _name, role, setup, call = write
    subject = setup(staff)
    actor = matrix_actor(actor_kind, village=village, role=role)
    if allowed:
        call(actor, subject)
    else:
        assert_refused_unchanged(
            lambda: call(actor, subject), snapshot=lambda: snapshot_rows(*TABLES)
        )


def test_predicates(staff, make_user):
    draft = draft_budget(staff)
    assert permissions.can_view_budget(staff.head, draft)
    assert not permissions.can_view_budget(staff.camat, draft)
    assert permissions.can_edit_budget(staff.operator, draft)
    assert not permissions.can_edit_budget(staff.head, draft)
    assert permissions.can_submit_budget(staff.head, draft)
    assert permissions.can_evaluate_budget(staff.camat, draft)
    assert not permissions.can_approve_budget(staff.camat, draft)
    assert permissions.can_approve_budget(staff.pmd, draft)
    assert permissions.can_view_consolidation(staff.camat, "35.10.01")
    assert not permissions.can_view_consolidation(staff.camat, "35.10")
    assert not permissions.can_view_consolidation(staff.operator, SARONGAN)
    citizen = make_user(roles=[(Role.CITIZEN, SARONGAN)])
    assert not permissions.can_use_budgets(citizen)
    assert permissions.can_use_budgets(staff.treasurer)

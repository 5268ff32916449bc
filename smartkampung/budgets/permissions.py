"""Who may do what with village budgets. Pure predicates over the actor's grants.

- A draft is the village's own workspace: only the village's staff see it.
- From submission on, officials whose scope covers the village see every version
  (kecamatan officers their kecamatan's villages; regency officers and inspectors all).
- The village operator and secretary edit drafts; the village head submits; the kecamatan
  evaluates; only the regency approves.
- The treasurer requests disbursements and records receipts; the village head approves them;
  the treasurer then records the payment.
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import (
    OFFICIAL_ROLES,
    VILLAGE_STAFF_ROLES,
    Role,
    actor_grants,
    has_role,
    has_role_anywhere,
)

from .models.budget import BudgetStatus, VillageBudget

EDITOR_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
HEAD_ROLES = frozenset({Role.VILLAGE_HEAD})
TREASURER_ROLES = frozenset({Role.VILLAGE_TREASURER})
DISTRICT_ROLES = frozenset({Role.DISTRICT_OFFICER})
REGENCY_ROLES = frozenset({Role.REGENCY_OFFICER})
# Officials above the village who read budgets and the consolidation.
OVERSIGHT_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.REGENCY_OFFICER, Role.INSPECTOR})
BUDGET_READER_ROLES = OFFICIAL_ROLES


def can_view_budget(actor: Any, budget: VillageBudget) -> bool:
    if budget.status == BudgetStatus.DRAFT:
        return has_role(actor, VILLAGE_STAFF_ROLES, budget.village_id)
    return has_role(actor, BUDGET_READER_ROLES, budget.village_id)


def can_view_village_budgets(actor: Any, village_code: str) -> bool:
    return has_role(actor, BUDGET_READER_ROLES, village_code)


def can_create_budget(actor: Any, village_code: str) -> bool:
    return has_role(actor, EDITOR_ROLES, village_code)


def can_edit_budget(actor: Any, budget: VillageBudget) -> bool:
    """The role to edit (the status is checked separately, with its own message)."""
    return has_role(actor, EDITOR_ROLES, budget.village_id)


def can_submit_budget(actor: Any, budget: VillageBudget) -> bool:
    return has_role(actor, HEAD_ROLES, budget.village_id)


def can_evaluate_budget(actor: Any, budget: VillageBudget) -> bool:
    return has_role(actor, DISTRICT_ROLES, budget.village_id)


def can_approve_budget(actor: Any, budget: VillageBudget) -> bool:
    return has_role(actor, REGENCY_ROLES, budget.village_id)


def can_request_disbursement(actor: Any, village_code: str) -> bool:
    return has_role(actor, TREASURER_ROLES, village_code)


def can_decide_disbursement(actor: Any, village_code: str) -> bool:
    return has_role(actor, HEAD_ROLES, village_code)


def can_pay_disbursement(actor: Any, village_code: str) -> bool:
    """Only the village treasurer records that an approved SPP was paid out."""
    return has_role(actor, TREASURER_ROLES, village_code)


def can_record_receipt(actor: Any, village_code: str) -> bool:
    return has_role(actor, TREASURER_ROLES, village_code)


def can_view_execution(actor: Any, village_code: str) -> bool:
    return has_role(actor, BUDGET_READER_ROLES, village_code)


def can_import_siskeudes(actor: Any, village_code: str) -> bool:
    """Village editors upload; the command line runs as the system (no actor)."""
    return has_role(actor, EDITOR_ROLES, village_code)


def can_manage_ceilings(actor: Any, village_code: str) -> bool:
    return has_role(actor, REGENCY_ROLES, village_code)


def actor_regency(actor: Any, roles: frozenset[str] | None = None) -> str | None:
    """The regency the actor works in (from their first grant, among ``roles`` if given)."""
    for grant in actor_grants(actor):
        if roles is None or grant.role in roles:
            return ".".join(grant.scope.split(".")[:2])
    return None


def can_manage_reference(actor: Any, regency_code: str | None) -> bool:
    """The regency's own additions to the reference lists, and its SSH."""
    return bool(regency_code) and has_role(actor, REGENCY_ROLES, str(regency_code))


def can_manage_any_reference(actor: Any) -> bool:
    """Whether the regency's pages (ceilings, SSH, reference lists) are offered at all."""
    return has_role_anywhere(actor, REGENCY_ROLES)


def can_view_consolidation(actor: Any, region_code: str) -> bool:
    return has_role(actor, OVERSIGHT_ROLES, region_code)


def can_use_budgets(actor: Any) -> bool:
    """Whether the budgets menu entry is shown at all."""
    return has_role_anywhere(actor, BUDGET_READER_ROLES)

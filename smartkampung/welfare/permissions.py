"""Who may see and change welfare data: pure predicates over the actor's grants.

Welfare status is sensitive personal data (UU 27/2022): it is visible to the household's village
staff, the social office (Dinas Sosial) and the household itself (ADR 0082). Kecamatan
officers see the proposals they check (with the household's current decile), not the register.
Aggregate reports (no names) are also open to regency officers.
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import Role, has_role, has_role_anywhere

VILLAGE_WELFARE_ROLES = frozenset(
    {Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD}
)
# Who reads households' welfare status (the register and enrolments).
WELFARE_READ_ROLES = VILLAGE_WELFARE_ROLES | {Role.SOCIAL_OFFICER}
# Who enrols and proposes for their village.
VILLAGE_WRITE_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
PROPOSAL_CHECK_ROLES = frozenset({Role.DISTRICT_OFFICER})
PROPOSAL_READ_ROLES = WELFARE_READ_ROLES | PROPOSAL_CHECK_ROLES
SOCIAL_ROLES = frozenset({Role.SOCIAL_OFFICER})
# Aggregate reports without names: also the regency's PMD officers.
REPORT_ROLES = frozenset({Role.SOCIAL_OFFICER, Role.REGENCY_OFFICER})
# BLT Dana Desa is paid by the village treasurer (a disbursement request, budgets).
BLT_PAY_ROLES = frozenset({Role.VILLAGE_TREASURER})
BLT_READ_ROLES = WELFARE_READ_ROLES | BLT_PAY_ROLES


def can_read_welfare(actor: Any, village_code: str) -> bool:
    return has_role(actor, WELFARE_READ_ROLES, village_code)


def can_enrol(actor: Any, village_code: str) -> bool:
    """Village operators and secretaries enrol; the social office may enrol anywhere."""
    return has_role(actor, VILLAGE_WRITE_ROLES | SOCIAL_ROLES, village_code)


def can_propose(actor: Any, village_code: str) -> bool:
    return has_role(actor, VILLAGE_WRITE_ROLES, village_code)


def can_check_proposal(actor: Any, village_code: str) -> bool:
    return has_role(actor, PROPOSAL_CHECK_ROLES, village_code)


def can_decide_proposal(actor: Any, village_code: str) -> bool:
    return has_role(actor, SOCIAL_ROLES, village_code)


def can_manage_programmes(actor: Any) -> bool:
    return has_role_anywhere(actor, SOCIAL_ROLES)


def can_manage_programme(actor: Any, programme: Any) -> bool:
    return has_role(actor, SOCIAL_ROLES, programme.regency_id)


def can_import_register(actor: Any) -> bool:
    return has_role_anywhere(actor, SOCIAL_ROLES)


def can_view_reports(actor: Any) -> bool:
    return has_role_anywhere(actor, REPORT_ROLES)


def can_view_error_lists(actor: Any) -> bool:
    """Exclusion and inclusion errors name households: the social office only."""
    return has_role_anywhere(actor, SOCIAL_ROLES)


def can_pay_blt(actor: Any, village_code: str) -> bool:
    return has_role(actor, BLT_PAY_ROLES, village_code)


def can_view_any_welfare(actor: Any) -> bool:
    return has_role_anywhere(
        actor, WELFARE_READ_ROLES | PROPOSAL_CHECK_ROLES | REPORT_ROLES | BLT_PAY_ROLES
    )

"""Who may do what with letters: pure predicates over the actor's grants (no queries beyond
the grants, which are loaded once per request)."""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import Role, has_role, has_role_anywhere

# Who may take a request at the counter on a resident's behalf.
COUNTER_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
# Village staff who see the village's requests and letters.
VILLAGE_LETTER_STAFF = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD})
# Who sees the regency view (aggregates, backlog, the health office's SPM list).
OVERVIEW_ROLES = frozenset({Role.REGENCY_OFFICER, Role.INSPECTOR, Role.DISTRICT_OFFICER})
# The SPM list (masked): also the health office, whose free care the SPM opens (issue 13).
SPM_LIST_ROLES = OVERVIEW_ROLES | {Role.HEALTH_OFFICER}
DEFAULT_VERIFIER_ROLES = (Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY)
DEFAULT_APPROVER_ROLES = (Role.VILLAGE_HEAD,)
# Roles a letter type may name as checker or approver (held on a village).
ASSIGNABLE_ROLES = (
    Role.VILLAGE_OPERATOR,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_HEAD,
)


# Who keeps the village's list of officials, whose names and titles are printed on letters.
OFFICIAL_KEEPERS = frozenset({Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY, Role.REGENCY_OFFICER})


def can_keep_officials(actor: Any, village_code: str) -> bool:
    return has_role(actor, OFFICIAL_KEEPERS, village_code)


def regency_code_of(code: str) -> str:
    """``35.10.01.2001`` → ``35.10`` (the regency a village or district belongs to)."""
    return ".".join(code.split(".")[:2])


def can_manage_letter_types(actor: Any, regency_code: str | None = None) -> bool:
    """Regency officers manage their regency's catalogue (any regency if none is named)."""
    if regency_code is None:
        return has_role_anywhere(actor, {Role.REGENCY_OFFICER})
    return has_role(actor, {Role.REGENCY_OFFICER}, regency_code)


def can_manage_certificates(actor: Any, village_code: str) -> bool:
    return has_role(actor, {Role.REGENCY_OFFICER}, village_code)


def can_view_overview(actor: Any) -> bool:
    return has_role_anywhere(actor, OVERVIEW_ROLES)


def can_take_request_at_counter(actor: Any, village_code: str) -> bool:
    return has_role(actor, COUNTER_ROLES, village_code)


def can_view_village_letters(actor: Any, village_code: str) -> bool:
    return has_role(actor, VILLAGE_LETTER_STAFF, village_code)


def can_check(actor: Any, verifier_roles: list[str], village_code: str) -> bool:
    return has_role(actor, verifier_roles or DEFAULT_VERIFIER_ROLES, village_code)


def can_approve(actor: Any, approver_roles: list[str], village_code: str) -> bool:
    return has_role(actor, approver_roles or DEFAULT_APPROVER_ROLES, village_code)


def is_applicant(actor: Any, request: Any) -> bool:
    """The citizen who follows the request: the resident it is about, or the member of their
    household who asked for it online — while they hold a citizen role. Never "whoever typed it
    in": a staff member who took it at the counter reads it only through a current village role
    (``requested_by`` grants nothing)."""
    if not getattr(actor, "is_authenticated", False) or actor.pk is None:
        return False
    if not has_role_anywhere(actor, {Role.CITIZEN}):
        return False
    return actor.pk == request.applicant_id


def can_view_request(actor: Any, request: Any) -> bool:
    """Its applicant, or the village staff of its village."""
    return is_applicant(actor, request) or can_view_village_letters(actor, request.village_id)

"""Who may do what with projects, photos and red flags (pure predicates).

- Officials whose scope covers the village see its projects and photos.
- Village operators create and edit their village's projects and report progress; kecamatan
  officers also report progress (their monitoring visits).
- Red flags are seen by kecamatan officers, regency officers and inspectors (not by the village
  whose project is flagged: the queue is the supervisors' work list), and decided by inspectors.
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import OFFICIAL_ROLES, Role, has_role, has_role_anywhere

PROJECT_VIEW_ROLES = OFFICIAL_ROLES
PROJECT_EDIT_ROLES = frozenset({Role.VILLAGE_OPERATOR})
REPORT_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.DISTRICT_OFFICER})
FLAG_VIEW_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.REGENCY_OFFICER, Role.INSPECTOR})
FLAG_DECIDE_ROLES = frozenset({Role.INSPECTOR})


def can_view_projects(actor: Any, village_code: str) -> bool:
    return has_role(actor, PROJECT_VIEW_ROLES, village_code)


def can_view_any_projects(actor: Any) -> bool:
    return has_role_anywhere(actor, PROJECT_VIEW_ROLES)


def can_edit_project(actor: Any, village_code: str) -> bool:
    return has_role(actor, PROJECT_EDIT_ROLES, village_code)


def can_create_any_project(actor: Any) -> bool:
    return has_role_anywhere(actor, PROJECT_EDIT_ROLES)


def can_report_progress(actor: Any, village_code: str) -> bool:
    return has_role(actor, REPORT_ROLES, village_code)


def can_view_flags(actor: Any, village_code: str) -> bool:
    return has_role(actor, FLAG_VIEW_ROLES, village_code)


def can_view_any_flags(actor: Any) -> bool:
    return has_role_anywhere(actor, FLAG_VIEW_ROLES)


def can_decide_flag(actor: Any, village_code: str) -> bool:
    return has_role(actor, FLAG_DECIDE_ROLES, village_code)

"""Who sees the regency dashboard (pure predicates).

Regency officers and inspectors see the whole regency; kecamatan officers see the same
figures for the villages of their kecamatan. Village staff and citizens do not see it (404).
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import Role, covers, has_role, scope_codes
from smartkampung.welfare.permissions import REPORT_ROLES as WELFARE_REPORT_ROLES

# The social office (Dinas Sosial) sees the dashboard for its welfare section (ADR 0087).
DASHBOARD_ROLES = frozenset(
    {Role.REGENCY_OFFICER, Role.INSPECTOR, Role.DISTRICT_OFFICER, Role.SOCIAL_OFFICER}
)


def dashboard_scopes(actor: Any) -> list[str]:
    """The region codes (regency or kecamatan) whose dashboard the actor may see."""
    return scope_codes(actor, DASHBOARD_ROLES)


def can_view_dashboard(actor: Any, region_code: str | None = None) -> bool:
    """Any dashboard at all, or the one of ``region_code`` (a regency, kecamatan or village)."""
    if region_code is None:
        return bool(dashboard_scopes(actor))
    return has_role(actor, DASHBOARD_ROLES, region_code)


def can_view_welfare_figures(actor: Any, region_code: str) -> bool:
    """The welfare section (aid recipients, overlap, exclusion and inclusion errors): the
    roles that see the welfare reports' aggregates (regency officer, social office), not
    inspectors or kecamatan officers (welfare status is sensitive, UU 27/2022)."""
    return has_role(actor, WELFARE_REPORT_ROLES, region_code)


def is_within(scopes: list[str], code: str) -> bool:
    return any(covers(scope, code) for scope in scopes)

"""Who sees the regency dashboard (pure predicates).

Regency officers and inspectors see the whole regency; kecamatan officers see the same
figures for the villages of their kecamatan. Village staff and citizens do not see it (404).
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import Role, covers, has_role, scope_codes

DASHBOARD_ROLES = frozenset({Role.REGENCY_OFFICER, Role.INSPECTOR, Role.DISTRICT_OFFICER})


def dashboard_scopes(actor: Any) -> list[str]:
    """The region codes (regency or kecamatan) whose dashboard the actor may see."""
    return scope_codes(actor, DASHBOARD_ROLES)


def can_view_dashboard(actor: Any, region_code: str | None = None) -> bool:
    """Any dashboard at all, or the one of ``region_code`` (a regency, kecamatan or village)."""
    if region_code is None:
        return bool(dashboard_scopes(actor))
    return has_role(actor, DASHBOARD_ROLES, region_code)


def is_within(scopes: list[str], code: str) -> bool:
    return any(covers(scope, code) for scope in scopes)

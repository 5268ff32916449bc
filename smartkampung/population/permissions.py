"""Who may do what with the population register: pure predicates over the actor's grants.

Reading personal data is limited to the village staff who keep or use the register and to the
supervising officials (data minimisation, UU 27/2022): the village treasurer does not see it.
Aggregate statistics are open to every official whose scope covers the region.
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import OFFICIAL_ROLES, Role, has_role

REGISTER_READ_ROLES = frozenset(
    {
        Role.VILLAGE_OPERATOR,
        Role.VILLAGE_SECRETARY,
        Role.VILLAGE_HEAD,
        Role.DISTRICT_OFFICER,
        Role.REGENCY_OFFICER,
        Role.INSPECTOR,
    }
)
REGISTER_WRITE_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
EXPORT_ROLES = frozenset(
    {Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD, Role.REGENCY_OFFICER}
)
STATISTICS_ROLES = OFFICIAL_ROLES


def can_read_register(actor: Any, village_code: str) -> bool:
    return has_role(actor, REGISTER_READ_ROLES, village_code)


def can_edit_register(actor: Any, village_code: str) -> bool:
    """Register, edit, record life events, import, issue activation codes."""
    return has_role(actor, REGISTER_WRITE_ROLES, village_code)


def can_export_register(actor: Any, village_code: str) -> bool:
    return has_role(actor, EXPORT_ROLES, village_code)


def can_view_statistics(actor: Any, region_code: str) -> bool:
    return has_role(actor, STATISTICS_ROLES, region_code)


def is_own_record(actor: Any, resident: Any) -> bool:
    """The citizen whose login is linked to this resident."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and resident.user_id is not None
        and resident.user_id == actor.pk
    )


def can_decide_transfer(actor: Any, transfer: Any) -> bool:
    """Accept or refuse a transfer: the register keepers of the RECEIVING village (ADR 0064)."""
    return can_edit_register(actor, transfer.target_village_id)


def can_cancel_transfer(actor: Any, transfer: Any) -> bool:
    """Withdraw a pending transfer: the register keepers of the origin village."""
    return can_edit_register(actor, transfer.village_id)


def can_read_transfer(actor: Any, transfer: Any) -> bool:
    """Both villages, and the officials above either, see a transfer."""
    return can_read_register(actor, transfer.village_id) or can_read_register(
        actor, transfer.target_village_id
    )

"""Who may use the field app and who may revoke a device (pure predicates over the grants).

- Field staff are those who report progress (village operators, kecamatan officers), take
  letter requests at the counter (village operators and secretaries) or weigh children at a
  posyandu (posyandu cadres); they may connect devices.
- A device session is revoked by its owner, or by the village head of a village where its
  owner holds a role (a lost phone of the village's operator).
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import Role, actor_grants, has_role, has_role_anywhere
from smartkampung.letters.permissions import COUNTER_ROLES
from smartkampung.projects.permissions import REPORT_ROLES

VISIT_ROLES = frozenset({Role.POSYANDU_CADRE})
FIELD_ROLES = REPORT_ROLES | COUNTER_ROLES | VISIT_ROLES
DEVICE_REVOKE_ROLES = frozenset({Role.VILLAGE_HEAD})


def user_id_of(actor: Any) -> int:
    """The actor's user id for owner filters (0, nobody's, for an anonymous visitor)."""
    return int(actor.pk) if getattr(actor, "is_authenticated", False) else 0


def can_use_field_app(actor: Any) -> bool:
    return has_role_anywhere(actor, FIELD_ROLES)


def can_report_anywhere(actor: Any) -> bool:
    return has_role_anywhere(actor, REPORT_ROLES)


def can_take_counter_requests_anywhere(actor: Any) -> bool:
    return has_role_anywhere(actor, COUNTER_ROLES)


def can_visit_anywhere(actor: Any) -> bool:
    return has_role_anywhere(actor, VISIT_ROLES)


def can_report_from_field(actor: Any, village_code: str) -> bool:
    return has_role(actor, REPORT_ROLES, village_code)


def can_take_counter_requests(actor: Any, village_code: str) -> bool:
    return has_role(actor, COUNTER_ROLES, village_code)


def device_owner_villages(owner: Any) -> set[str]:
    """The villages (codes of four parts) where the owner holds a role."""
    return {g.scope for g in actor_grants(owner) if g.scope.count(".") == 3}


def can_revoke_device(actor: Any, device: Any) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == device.user_id:
        return True
    return any(
        has_role(actor, DEVICE_REVOKE_ROLES, code) for code in device_owner_villages(device.user)
    )


def can_manage_village_devices(actor: Any) -> bool:
    return has_role_anywhere(actor, DEVICE_REVOKE_ROLES)

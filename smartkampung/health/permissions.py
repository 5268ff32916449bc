"""Who may see and record child health data: pure predicates over the actor's grants.

- A posyandu cadre (role granted on the village, tied to one posyandu by ``CadreAssignment``)
  sees and records the children its posyandu serves, and its pregnancies.
- Village staff who keep the register (operator, secretary, head) see their village's children
  and manage its posyandu, cadres and household water/sanitation; the treasurer does not
  (data minimisation, as in the population register).
- The health office (Dinas Kesehatan, regency) reads everything in the regency.
- Aggregate figures (no child) are open to every official whose scope covers the region.
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import OFFICIAL_ROLES, Role, has_role, has_role_anywhere

CHILD_READ_ROLES = frozenset(
    {Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD, Role.HEALTH_OFFICER}
)
MANAGE_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
FIGURE_ROLES = OFFICIAL_ROLES | {Role.HEALTH_OFFICER, Role.POSYANDU_CADRE}


def cadre_posyandu_id(actor: Any) -> int | None:
    """The posyandu the actor is a cadre of (role held on its village), else None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    cached = getattr(actor, "_sk_cadre_posyandu", False)
    if cached is not False:
        return cached
    from .models import CadreAssignment

    row = (
        CadreAssignment.objects.filter(user_id=actor.pk)
        .values_list("posyandu_id", "posyandu__village_id")
        .first()
    )
    result = row[0] if row and has_role(actor, {Role.POSYANDU_CADRE}, row[1]) else None
    actor._sk_cadre_posyandu = result
    return result


def can_read_children(actor: Any, village_code: str) -> bool:
    """Staff and the health office over the whole village (cadres: see ``can_read_child``)."""
    return has_role(actor, CHILD_READ_ROLES, village_code)


def can_manage_village(actor: Any, village_code: str) -> bool:
    return has_role(actor, MANAGE_ROLES, village_code)


def can_record_at(actor: Any, posyandu: Any) -> bool:
    """Only the posyandu's own cadres record its visits and pregnancies."""
    return cadre_posyandu_id(actor) == posyandu.pk


def can_view_figures(actor: Any, region_code: str) -> bool:
    return has_role(actor, FIGURE_ROLES, region_code)


def can_use_health(actor: Any) -> bool:
    return has_role_anywhere(actor, FIGURE_ROLES)

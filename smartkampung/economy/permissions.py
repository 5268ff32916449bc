"""Who may do what in the village economy: pure predicates over the actor's grants.

- Village operator and secretary keep the village's enterprise (BUMDes) record: its managers
  and the capital the APBDes placed in it.
- A BUMDes manager (role granted on the village, tied to one enterprise by
  ``EnterpriseManager.user``) submits that enterprise's reports; the village head checks them.
- Village staff, the kecamatan and the regency (officers, inspectors) read the enterprises and
  reports in their scope; the manager reads their own enterprise.
"""

from __future__ import annotations

from typing import Any

from smartkampung.accounts.permissions import OFFICIAL_ROLES, Role, has_role, has_role_anywhere

MANAGE_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
CHECK_ROLES = frozenset({Role.VILLAGE_HEAD})
READ_ROLES = OFFICIAL_ROLES
# The regency overview of capital and returns: the kecamatan for its villages, the regency.
OVERVIEW_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.REGENCY_OFFICER, Role.INSPECTOR})


def managed_enterprise_id(actor: Any) -> int | None:
    """The enterprise the actor manages (role held on its village), else None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    cached = getattr(actor, "_sk_bumdes", False)
    if cached is not False:
        return cached
    from .models import EnterpriseManager

    row = (
        EnterpriseManager.objects.filter(user_id=actor.pk)
        .values_list("enterprise_id", "enterprise__village_id")
        .first()
    )
    result = row[0] if row and has_role(actor, {Role.BUMDES_MANAGER}, row[1]) else None
    actor._sk_bumdes = result
    return result


def can_manage_enterprises(actor: Any, village_code: str) -> bool:
    return has_role(actor, MANAGE_ROLES, village_code)


def can_read_enterprise(actor: Any, enterprise: Any) -> bool:
    return has_role(actor, READ_ROLES, enterprise.village_id) or (
        managed_enterprise_id(actor) == enterprise.pk
    )


def can_submit_report(actor: Any, enterprise: Any) -> bool:
    return managed_enterprise_id(actor) == enterprise.pk


def can_check_report(actor: Any, enterprise: Any) -> bool:
    return has_role(actor, CHECK_ROLES, enterprise.village_id)


def can_view_overview(actor: Any, region_code: str) -> bool:
    return has_role(actor, OVERVIEW_ROLES, region_code)


def can_use_economy(actor: Any) -> bool:
    return has_role_anywhere(actor, READ_ROLES) or managed_enterprise_id(actor) is not None


# --- local businesses (UMKM) ------------------------------------------------------------------

# The village office keeps the register of local businesses and approves them and their products.
BUSINESS_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD})


def can_keep_businesses(actor: Any, village_code: str) -> bool:
    return has_role(actor, BUSINESS_ROLES, village_code)


def citizen_resident(actor: Any) -> Any:
    """The living resident behind a citizen's login (holding the citizen role on their
    village), else None: a citizen registers businesses only in their own name."""
    if not has_role_anywhere(actor, {Role.CITIZEN}):
        return None
    from smartkampung.population.selectors import resident_for_citizen

    resident = resident_for_citizen(user=actor)
    if resident is None or not resident.is_living:
        return None
    if not has_role(actor, {Role.CITIZEN}, resident.village_id):
        return None
    return resident


def is_business_owner(actor: Any, business: Any) -> bool:
    resident = citizen_resident(actor)
    return resident is not None and resident.pk == business.owner_id


def can_read_business(actor: Any, business: Any) -> bool:
    return can_keep_businesses(actor, business.village_id) or is_business_owner(actor, business)

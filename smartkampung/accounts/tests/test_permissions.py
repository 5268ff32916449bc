from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import KEC_PESANGGARAN, REGENCY, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.accounts.permissions import (
    can_view_village,
    covers,
    has_role,
    scope_codes,
    scope_q,
)
from smartkampung.regions.models import Region

pytestmark = pytest.mark.django_db


def test_covers_is_a_tree_prefix_not_a_string_prefix():
    assert covers("35.10", "35.10.01.2001")
    assert covers("35.10.01", "35.10.01")
    assert not covers("35.10.01", "35.10.010.2001")
    assert not covers("35.1", "35.10")


def test_scope_codes_drop_redundant_children(make_user):
    user = make_user(
        roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN), (Role.REGENCY_OFFICER, REGENCY)]
    )
    assert scope_codes(user, {Role.DISTRICT_OFFICER, Role.REGENCY_OFFICER}) == [REGENCY]


def test_scope_q_filters_rows_by_village_code(make_user):
    user = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    villages = Region.objects.filter(scope_q(user, {Role.DISTRICT_OFFICER}, field="code"))
    codes = set(villages.values_list("code", flat=True))
    assert SARONGAN in codes and SUKOREJO not in codes
    assert all(c.startswith("35.10.01") for c in codes)


def test_scope_q_on_a_foreign_key_to_a_village(make_user):
    """The default ``field="village"`` (a FK, as every domain row has) filters by prefix."""
    from smartkampung.accounts.models import RoleAssignment

    user = make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)])
    make_user(roles=[(Role.CITIZEN, SARONGAN)])
    make_user(roles=[(Role.CITIZEN, SUKOREJO)])
    grants = RoleAssignment.objects.filter(scope_q(user, {Role.DISTRICT_OFFICER}, field="scope"))
    assert {g.scope_id for g in grants} == {KEC_PESANGGARAN, SARONGAN}


def test_scope_q_of_a_village_is_an_equality(make_user):
    """A village is a leaf: its scope is the code alone, no prefix match (which kept
    PostgreSQL from combining the village index with a name search's trigram index)."""
    user = make_user(
        roles=[(Role.VILLAGE_OPERATOR, SARONGAN), (Role.DISTRICT_OFFICER, KEC_PESANGGARAN)]
    )
    q = scope_q(user, {Role.VILLAGE_OPERATOR}, field="code")
    assert set(Region.objects.filter(q).values_list("code", flat=True)) == {SARONGAN}
    assert "LIKE" not in str(Region.objects.filter(q).query)
    wider = scope_q(user, {Role.DISTRICT_OFFICER}, field="code")
    assert "LIKE" in str(Region.objects.filter(wider).query)


def test_nobody_sees_anything_without_grants():
    anon = AnonymousUser()
    assert not has_role(anon, {Role.REGENCY_OFFICER}, SARONGAN)
    assert not can_view_village(anon, SARONGAN)
    assert not Region.objects.filter(scope_q(anon, {Role.CITIZEN}, field="code")).exists()


def test_inactive_user_holds_no_roles(make_user):
    user = make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)], is_active=False)
    assert not has_role(user, {Role.REGENCY_OFFICER}, SARONGAN)

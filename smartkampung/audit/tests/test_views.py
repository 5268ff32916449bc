from __future__ import annotations

import pytest

from smartkampung import audit
from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import permission_matrix

pytestmark = pytest.mark.django_db


@permission_matrix(allowed={"staff_with_role", "other_village_staff"})
def test_audit_page_permission_matrix(actor_kind, allowed, matrix_actor, village, client):
    """Regency officers see the trail, each only of their own regency."""
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)
    audit.record(None, "test.secret_village_event", village, {})
    if actor.is_authenticated:
        client.force_login(actor)
    response = client.get("/audit/")
    if allowed:
        assert response.status_code == 200
        shown = "test.secret_village_event" in response.content.decode()
        assert shown == (actor_kind == "staff_with_role")
    else:
        assert response.status_code in (302, 404)


def test_filtering_by_action_and_scope(regency_officer, login_client, village):
    audit.record(regency_officer, "letters.approve", village, {"k": 1})
    audit.record(regency_officer, "budgets.submit", None, {"k": 2})
    client = login_client(regency_officer)
    html = client.get("/audit/?action=letters.").content.decode()
    assert "letters.approve" in html and "budgets.submit" not in html
    html = client.get(f"/audit/?scope={village.code}").content.decode()
    assert "letters.approve" in html and "budgets.submit" not in html


def test_bad_filter_values_do_not_break_the_page(regency_officer, login_client):
    response = login_client(regency_officer).get("/audit/?date_from=not-a-date&page=zzz")
    assert response.status_code == 200


def test_audit_list_query_count_does_not_grow(
    regency_officer, login_client, django_assert_max_num_queries
):
    for i in range(30):
        audit.record(regency_officer, f"test.e{i}", None, {})
    client = login_client(regency_officer)
    client.get("/audit/")
    with django_assert_max_num_queries(12):
        client.get("/audit/")


def test_audit_api_for_inspector(make_user, client):
    from smartkampung.accounts import services

    inspector = make_user(roles=[(Role.INSPECTOR, "35.10")])
    _, secret = services.api_token_create(actor=inspector, name="t")
    response = client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1

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


def test_trail_reads_as_sentences_with_who_whom_and_why(
    make_user, login_client, village, django_assert_max_num_queries
):
    from smartkampung.population import services as population
    from smartkampung.population.models import ResidentViewLog
    from smartkampung.population.testing import make_resident

    operator = make_user(
        "operator.sarongan", roles=[(Role.VILLAGE_OPERATOR, village.code)], full_name="Rina W"
    )
    inspector = make_user(roles=[(Role.INSPECTOR, "35.10")])
    resident = make_resident(actor=operator, village=village, full_name="Didik Anshori")
    population.resident_full_view(
        actor=operator, resident_id=resident.pk, reason="Surat domisili", channel="web"
    )
    # A view saved before the reason became required (ADR 0072) still stands out.
    ResidentViewLog.objects.create(resident=resident, viewer=operator, viewer_name="Rina W")
    audit.record(operator, "population.resident_view", resident, {"reason": "", "channel": "web"})
    audit.record(operator, "accounts.login", village, {})
    client = login_client(inspector)
    html = client.get("/audit/").content.decode()
    # Indonesian, the default language of the pages.
    assert f"Operator desa {village.name} (Rina W) melihat data lengkap D. A. — alasan:" in html
    assert "<q>Surat domisili</q>" in html
    assert "tanpa alasan" in html  # the view without a reason stands out
    assert "Didik Anshori" not in html  # initials only
    # Logins are left out unless asked for.
    assert 'data-action="accounts.login"' not in html
    assert 'data-action="accounts.login"' in client.get("/audit/?logins=on").content.decode()
    with django_assert_max_num_queries(14):  # actors and each target type once per page
        client.get("/audit/")

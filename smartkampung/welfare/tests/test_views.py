"""Welfare pages: who sees what (404 outside), forms that refuse bad input, N+1 guards."""

from __future__ import annotations

import pytest

from smartkampung.accounts.models import Role
from smartkampung.welfare.models import AidProgramme, Enrolment, WelfareProposal

from .conftest import PERIOD, SARONGAN

pytestmark = pytest.mark.django_db

PAGES = [
    "/welfare/",
    "/welfare/register/",
    "/welfare/register/import/",
    "/welfare/programmes/",
    "/welfare/enrol/",
    "/welfare/enrolments/",
    "/welfare/proposals/",
    "/welfare/reports/",
]


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        (Role.SOCIAL_OFFICER, "35.10", set(PAGES)),
        (
            Role.VILLAGE_OPERATOR,
            SARONGAN,
            set(PAGES) - {"/welfare/register/import/", "/welfare/reports/"},
        ),
        (
            Role.VILLAGE_TREASURER,
            SARONGAN,
            {"/welfare/", "/welfare/programmes/", "/welfare/enrolments/"},
        ),
        (
            Role.DISTRICT_OFFICER,
            "35.10.01",
            {"/welfare/", "/welfare/programmes/", "/welfare/proposals/"},
        ),
        (Role.REGENCY_OFFICER, "35.10", {"/welfare/", "/welfare/programmes/", "/welfare/reports/"}),
        (Role.HEALTH_OFFICER, "35.10", set()),
        (Role.CITIZEN, SARONGAN, set()),
    ],
)
def test_who_opens_which_page(make_user, login_client, role, scope, allowed) -> None:
    client = login_client(make_user(roles=[(role, scope)]))
    for url in PAGES:
        expected = 200 if url in allowed else 404
        assert client.get(url).status_code == expected, url


def test_anonymous_is_sent_to_login(client) -> None:
    assert client.get("/welfare/register/").status_code == 302


def test_household_page_of_another_village_is_404(
    make_family, other_operator, operator, login_client
) -> None:
    family = make_family()
    assert (
        login_client(other_operator)
        .get(f"/welfare/households/{family['household_id']}/")
        .status_code
        == 404
    )
    assert (
        login_client(operator).get(f"/welfare/households/{family['household_id']}/").status_code
        == 200
    )


def test_proposal_through_the_page(make_family, in_register, operator, camat, login_client) -> None:
    family = make_family()
    in_register((family, 6))
    url = f"/welfare/households/{family['household_id']}/"
    bad = login_client(operator).post(
        url, {"kind": "decile", "decile": "11", "reason": "x", "evidence": "y"}
    )
    assert bad.status_code == 400 and not WelfareProposal.objects.exists()
    ok = login_client(operator).post(
        url, {"kind": "decile", "decile": "2", "reason": "PHK", "evidence": "Kunjungan rumah"}
    )
    assert ok.status_code == 302
    proposal = WelfareProposal.objects.get()
    page = login_client(camat).get(f"/welfare/proposals/{proposal.pk}/")
    assert page.status_code == 200 and "6" in page.content.decode()
    assert (
        login_client(camat)
        .post(f"/welfare/proposals/{proposal.pk}/", {"accept": "1", "note": ""})
        .status_code
        == 302
    )
    proposal.refresh_from_db()
    assert proposal.status == "checked"


def test_enrol_page_shows_the_red_light(
    make_family, make_programme, in_register, operator, login_client
) -> None:
    family = make_family()
    in_register((family, 8))
    make_programme()
    data = {
        "programme": "PKH",
        "period": PERIOD,
        "village": SARONGAN,
        "nik": family["head"].nik,
        "kk_number": family["kk"],
    }
    page = login_client(operator).post("/welfare/enrol/", {**data, "action": "check"})
    body = page.content.decode()
    assert "decile_above_ceiling" in body
    page = login_client(operator).post("/welfare/enrol/", {**data, "action": "enrol"})
    assert page.status_code == 400 and not Enrolment.objects.exists()


def test_programme_form_refuses_a_period_ending_before_it_starts(social, login_client) -> None:
    data = {
        "code": "PKH",
        "name": "PKH",
        "target": "household",
        "fund_source": "apbn",
        "starts_on": "2026-05-01",
        "ends_on": "2026-01-01",
    }
    page = login_client(social).post("/welfare/programmes/", data)
    assert page.status_code == 400 and not AidProgramme.objects.exists()


def test_lists_do_not_grow_queries_with_rows(
    make_family, make_programme, in_register, social, login_client, django_assert_max_num_queries
) -> None:
    from smartkampung.welfare import services
    from smartkampung.welfare.rules import Candidate

    make_programme()
    client = login_client(social)

    def fill(n: int) -> None:
        for _i in range(n):
            f = make_family()
            in_register((f, 2))
            services.enrolment_create(
                actor=social, candidate=Candidate("PKH", PERIOD, f["head"].nik, f["kk"], SARONGAN)
            )

    fill(2)
    counts: list[int] = []
    for extra in (0, 5):
        fill(extra)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for url in ("/welfare/register/", f"/welfare/enrolments/?period={PERIOD}"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:], counts
    del django_assert_max_num_queries

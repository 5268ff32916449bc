"""/api/v1/population/: scoped like the pages; errors as {code, message, details}."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import api_token_create
from smartkampung.accounts.testing import snapshot_rows
from smartkampung.core.privacy import mask_identifier
from smartkampung.population import services
from smartkampung.population.models import Household, Resident, ResidentViewLog, TransferRequest
from smartkampung.population.testing import make_kk, make_resident, resident_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/population"


def api(user: Any) -> Client:
    _token, secret = api_token_create(actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _json(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def test_list_is_masked_and_pages_by_cursor(operator, village) -> None:
    people = [
        make_resident(actor=operator, village=village, full_name=f"Warga {chr(65 + i)}")
        for i in range(5)
    ]
    client = api(operator)
    first = client.get(f"{BASE}/residents?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert first["items"][0]["nik_masked"] == mask_identifier(people[0].nik)
    assert all(p.nik not in str(first) for p in people)
    seen = [i["id"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"{BASE}/residents?limit=2&cursor={cursor}").json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(p.pk for p in people)


def test_search(operator, resident) -> None:
    client = api(operator)
    assert client.get(f"{BASE}/search?q=RIYAD").json()["items"][0]["id"] == resident.pk
    assert client.get(f"{BASE}/search?q={resident.nik}").json()["items"][0]["id"] == resident.pk
    empty = client.get(f"{BASE}/search?q=")
    assert empty.status_code == 422 and empty.json()["code"] == "search_empty"
    short = client.get(f"{BASE}/search?q=351001")
    assert short.status_code == 422 and short.json()["code"] == "search_digits"


@pytest.mark.parametrize(
    "query,code",
    [
        ("cursor=%%%", "bad_cursor"),
        ("limit=0", "bad_limit"),
        ("limit=100000", "bad_limit"),
        ("status=zombie", "bad_status"),
        ("age_band=3-9", "bad_age_band"),
        ("sex=abc", "invalid_input"),
    ],
)
def test_bad_list_parameters_are_422(operator, query, code) -> None:
    response = api(operator).get(f"{BASE}/residents?{query}")
    assert response.status_code == 422 and response.json()["code"] == code


def test_detail_is_a_logged_view(operator, resident) -> None:
    body = api(operator).get(f"{BASE}/residents/{resident.pk}?reason=cek%20bansos").json()
    assert body["nik"] == resident.nik and body["kk_number"] == resident.household.kk_number
    log = ResidentViewLog.objects.get()
    assert (log.channel, log.reason) == ("api", "cek bansos")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "reason_required"),
        ("?reason=", "reason_required"),
        ("?reason=%20%20%09", "reason_required"),
        ("?reason=" + "x" * 201, "reason_too_long"),
    ],
)
def test_detail_without_a_usable_reason_is_422_and_not_logged(
    operator, resident, query, code
) -> None:
    from smartkampung.audit.models import AuditEvent

    client = api(operator)
    before = snapshot_rows(ResidentViewLog, AuditEvent)
    response = client.get(f"{BASE}/residents/{resident.pk}{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["message"]
    assert resident.nik not in response.content.decode()
    assert snapshot_rows(ResidentViewLog, AuditEvent) == before


def test_out_of_scope_is_404(make_user, resident, other_village) -> None:
    client = api(make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)]))
    for url in (
        f"{BASE}/residents/{resident.pk}",
        f"{BASE}/residents/{resident.pk}/events",
        f"{BASE}/households/{resident.household_id}",
        f"{BASE}/residents?village={resident.village_id}",
        f"{BASE}/statistics/{resident.village_id}",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    assert client.get(f"{BASE}/residents").json()["items"] == []


def test_anonymous_is_401(resident) -> None:
    assert Client().get(f"{BASE}/residents").status_code == 401


def test_create_validates_and_returns_201(operator, village) -> None:
    client = api(operator)
    before = snapshot_rows(Resident, Household)
    bad = _json(resident_data(nik="3510017213900001", village=village.code))
    response = client.post(f"{BASE}/residents", bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_record" and "nik" in response.json()["details"]
    assert snapshot_rows(Resident, Household) == before
    good = _json(resident_data(village=village.code))
    response = client.post(f"{BASE}/residents", good, content_type="application/json")
    assert response.status_code == 201 and response.json()["nik"] == good["nik"]
    again = client.post(f"{BASE}/residents", good, content_type="application/json")
    assert again.status_code == 422 and again.json()["code"] == "nik_taken"
    malformed = client.post(f"{BASE}/residents", "{not json", content_type="application/json")
    assert malformed.status_code in (400, 422)


def test_create_in_other_village_or_without_role(make_user, village, other_village) -> None:
    data = _json(resident_data(village=village.code))
    stranger = api(make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)]))
    assert (
        stranger.post(f"{BASE}/residents", data, content_type="application/json").status_code == 404
    )
    head = api(make_user(roles=[(Role.VILLAGE_HEAD, village.code)]))
    assert head.post(f"{BASE}/residents", data, content_type="application/json").status_code == 403
    assert not Resident.objects.exists()


def test_patch_death_and_events(operator, resident) -> None:
    client = api(operator)
    response = client.patch(
        f"{BASE}/residents/{resident.pk}", {"occupation": 88}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["occupation"] == 88
    bad = client.patch(
        f"{BASE}/residents/{resident.pk}", {"religion": 99}, content_type="application/json"
    )
    assert bad.status_code == 422
    death = client.post(
        f"{BASE}/residents/{resident.pk}/death",
        {"occurred_on": "2025-04-01", "place": "RSUD"},
        content_type="application/json",
    )
    assert death.status_code == 200 and death.json()["status"] == "dead"
    twice = client.post(
        f"{BASE}/residents/{resident.pk}/death",
        {"occurred_on": "2025-04-02"},
        content_type="application/json",
    )
    assert twice.status_code == 409
    events = client.get(f"{BASE}/residents/{resident.pk}/events").json()
    assert sorted(e["kind"] for e in events) == ["death", "registered"]


def test_births_move_ins_and_transfer(
    operator, village, neighbour_village, family, make_user
) -> None:
    client = api(operator)
    baby = _json(
        resident_data(
            village=village.code,
            nik="3510010302250042",
            birth_date=date(2025, 2, 3),
            kk_number=family[0].household.kk_number,
            family_role=4,
            marital_status=1,
            occupation=1,
            education=1,
            place="Puskesmas",
        )
    )
    assert client.post(f"{BASE}/births", baby, content_type="application/json").status_code == 201
    newcomer = _json(
        resident_data(village=village.code, occurred_on=date(2025, 1, 1), origin="Jember")
    )
    assert (
        client.post(f"{BASE}/move-ins", newcomer, content_type="application/json").status_code
        == 201
    )
    moved = client.post(
        f"{BASE}/residents/{family[2].pk}/transfer",
        {
            "to_village": neighbour_village.code,
            "occurred_on": "2025-05-05",
            "kk_number": make_kk(),
            "rt": "1",
            "rw": "1",
        },
        content_type="application/json",
    )
    # A request, not a move: the receiving village decides (ADR 0064).
    assert moved.status_code == 201 and moved.json()["status"] == "pending"
    family[2].refresh_from_db()
    assert family[2].village_id == village.code
    receiving = api(make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)]))
    accepted = receiving.post(
        f"{BASE}/transfers/{moved.json()['id']}/accept", {}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    family[2].refresh_from_db()
    assert family[2].village_id == neighbour_village.code
    kinds = {e["kind"] for e in client.get(f"{BASE}/events").json()}
    assert {"birth", "move_in", "transfer"} <= kinds


def test_households_and_statistics(operator, family) -> None:
    client = api(operator)
    households = client.get(f"{BASE}/households").json()
    assert households[0]["kk_masked"] == mask_identifier(family[0].household.kk_number)
    detail = client.get(f"{BASE}/households/{family[0].household_id}").json()
    assert len(detail["members"]) == 3 and family[0].nik not in str(detail)
    stats = client.get(f"{BASE}/statistics/{family[0].village_id}").json()
    assert stats["total"] == 3 and len(stats["pyramid"]) == 16


def test_me_for_citizen(operator, resident) -> None:
    code = services.activation_code_issue(actor=operator, resident=resident)
    user = services.citizen_activate(
        nik=resident.nik, code=code, password="kopi-osing-2026", address=None
    )
    services.resident_full_view(actor=operator, resident_id=resident.pk, reason="cek")
    body = api(user).get(f"{BASE}/me").json()
    assert body["resident"]["nik"] == resident.nik
    assert body["views"][0]["reason"] == "cek" and body["views"][0]["viewer_roles"]
    assert api(user).get(f"{BASE}/residents").json()["items"] == []
    assert api(operator).get(f"{BASE}/me").status_code == 404


def test_transfer_requests_through_the_api(
    operator, resident, neighbour_village, make_user
) -> None:
    origin = api(operator)
    receiving_user = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    receiving = api(receiving_user)
    asked = origin.post(
        f"{BASE}/residents/{resident.pk}/transfer",
        {
            "to_village": neighbour_village.code,
            "occurred_on": "2025-05-05",
            "kk_number": make_kk(),
            "rt": "1",
            "rw": "1",
            "details": "Bekerja",
        },
        content_type="application/json",
    ).json()
    assert asked["kind"] == "resident" and asked["reason"] == "Bekerja"
    assert resident.nik not in str(asked)
    listed = receiving.get(f"{BASE}/transfers?direction=incoming&status=pending").json()
    assert [t["id"] for t in listed] == [asked["id"]]
    assert origin.get(f"{BASE}/transfers?direction=incoming").json() == []
    url = f"{BASE}/transfers/{asked['id']}"
    before = snapshot_rows(Resident, Household, TransferRequest)
    # The origin cannot accept; the receiving village cannot withdraw; a refusal needs a note;
    # a stranger sees nothing; malformed input is a JSON 4xx. Nothing changes meanwhile.
    stranger = api(make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")]))
    refusals = [
        (
            origin.post(f"{url}/accept", {}, content_type="application/json"),
            403,
            "permission_denied",
        ),
        (
            receiving.post(f"{url}/cancel", {}, content_type="application/json"),
            403,
            "permission_denied",
        ),
        (
            receiving.post(f"{url}/refuse", {"note": " "}, content_type="application/json"),
            422,
            "invalid_record",
        ),
        (stranger.post(f"{url}/accept", {}, content_type="application/json"), 404, "not_found"),
        (stranger.get(url), 404, "not_found"),
        (receiving.get(f"{BASE}/transfers?direction=sideways"), 422, "bad_direction"),
        (receiving.get(f"{BASE}/transfers?status=lost"), 422, "bad_status"),
        (
            receiving.post(f"{url}/refuse", {"note": "x" * 2001}, content_type="application/json"),
            422,
            None,
        ),
    ]
    for response, status, code in refusals:
        body = response.json()
        assert response.status_code == status and {"code", "message"} <= set(body)
        assert code is None or body["code"] == code
    assert snapshot_rows(Resident, Household, TransferRequest) == before
    refused = receiving.post(
        f"{url}/refuse", {"note": "Tidak dikenal"}, content_type="application/json"
    ).json()
    assert (refused["status"], refused["note"]) == ("refused", "Tidak dikenal")
    again = receiving.post(f"{url}/accept", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "transfer_decided"
    resident.refresh_from_db()
    assert resident.village_id == operator.role_assignments.get().scope_id
    # Withdrawn by the origin.
    second = origin.post(
        f"{BASE}/residents/{resident.pk}/transfer",
        {
            "to_village": neighbour_village.code,
            "occurred_on": "2025-05-05",
            "kk_number": make_kk(),
            "rt": "1",
            "rw": "1",
        },
        content_type="application/json",
    ).json()
    cancelled = origin.post(
        f"{BASE}/transfers/{second['id']}/cancel", {}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"

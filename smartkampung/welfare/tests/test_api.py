"""The welfare API: the same rules as the pages; errors as {"code", "message"}, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from smartkampung.accounts.testing import snapshot_rows
from smartkampung.population.models import ResidentViewLog
from smartkampung.welfare.models import AidProgramme, Enrolment, RegisterEntry

from .conftest import PERIOD, SARONGAN, family_rows, register_csv

pytestmark = pytest.mark.django_db


def _row(family: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    row = {
        "programme_code": "PKH",
        "period": PERIOD,
        "nik": family["head"].nik,
        "kk_number": family["kk"],
        "village_code": SARONGAN,
    }
    row.update(overrides)
    return row


def test_check_then_enrol_then_refused(
    make_family, make_programme, in_register, operator, login_client
) -> None:
    family, rich = make_family(), make_family()
    in_register((family, 2), (rich, 9))
    make_programme()
    client = login_client(operator)
    r = client.post(
        "/api/v1/welfare/check",
        {"rows": [_row(family), _row(rich)]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert [(j["decision"], j["rules"]) for j in r.json()] == [
        ("accept", []),
        ("refuse", ["decile_above_ceiling"]),
    ]
    assert r.json()[1]["findings"][0]["evidence"]["decile"] == 9
    assert not Enrolment.objects.exists()
    r = client.post("/api/v1/welfare/enrolments", _row(family), content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "active"
    assert family["kk"] not in r.content.decode()
    before = snapshot_rows(Enrolment)
    r = client.post("/api/v1/welfare/enrolments", _row(rich), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "enrolment_refused"
    assert r.json()["details"][0]["code"] == "decile_above_ceiling"
    assert snapshot_rows(Enrolment) == before


@pytest.mark.parametrize(
    "body",
    [
        {"rows": []},
        {"rows": "x"},
        {"rows": [{"programme_code": "PKH"}]},
        {"rows": [{"programme_code": "P" * 30, "period": "2026-03", "village_code": SARONGAN}]},
    ],
)
def test_malformed_check_requests_are_422(operator, login_client, body) -> None:
    r = login_client(operator).post("/api/v1/welfare/check", body, content_type="application/json")
    assert r.status_code == 422 and "code" in r.json()


def test_another_village_is_not_found(
    make_family, make_programme, other_operator, login_client
) -> None:
    family = make_family()
    make_programme()
    client = login_client(other_operator)
    r = client.post(
        "/api/v1/welfare/check", {"rows": [_row(family)]}, content_type="application/json"
    )
    assert r.status_code == 404
    assert (
        client.get(f"/api/v1/welfare/households/{family['household_id']}/status").status_code == 404
    )


def test_household_status_is_logged(make_family, in_register, operator, login_client) -> None:
    family = make_family()
    in_register((family, 4))
    r = login_client(operator).get(f"/api/v1/welfare/households/{family['household_id']}/status")
    assert r.json() == {
        "household_id": family["household_id"],
        "in_register": True,
        "decile": 4,
        "programmes": [],
    }
    log = ResidentViewLog.objects.get(resident=family["head"])
    assert log.channel == "api"


def test_programmes_and_quotas(social, operator, login_client) -> None:
    body = {
        "code": "BPNT",
        "name": "Sembako",
        "target": "household",
        "fund_source": "apbn",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "decile_max": 4,
    }
    assert (
        login_client(operator)
        .post("/api/v1/welfare/programmes", body, content_type="application/json")
        .status_code
        == 403
    )
    r = login_client(social).post(
        "/api/v1/welfare/programmes", body, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["decile_max"] == 4
    bad = {**body, "code": "PKH", "starts_on": "2026-06-01", "ends_on": "2026-01-01"}
    r = login_client(social).post(
        "/api/v1/welfare/programmes", bad, content_type="application/json"
    )
    assert r.status_code == 422 and "ends_on" in r.json()["details"]
    assert AidProgramme.objects.count() == 1
    r = login_client(social).put(
        "/api/v1/welfare/programmes/BPNT/quotas",
        {"village_code": SARONGAN, "quota": 25},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["quota"] == 25


def test_register_import_through_the_api(make_family, social, login_client) -> None:
    family = make_family()
    data = register_csv(family_rows(family, decile=3, dtks="DT-1"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = login_client(social).post(
        "/api/v1/welfare/register/import",
        {
            "file": SimpleUploadedFile("dtks.csv", data, content_type="text/csv"),
            "as_of": "2026-01-01",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["household_count"] == 1
    bad = register_csv([{**family_rows(family, decile=0, dtks="DT-1")[0]}])
    r = login_client(social).post(
        "/api/v1/welfare/register/import", {"file": SimpleUploadedFile("d.csv", bad)}
    )
    assert r.status_code == 422 and r.json()["details"][0]["column"] == "decile"
    assert RegisterEntry.objects.count() == 1


def test_overlap_report(social, login_client) -> None:
    r = login_client(social).get("/api/v1/welfare/reports/overlap?period=2026-03")
    assert r.status_code == 200 and r.json()["period"] == "2026-03"
    assert (
        login_client(social).get("/api/v1/welfare/reports/overlap?period=march").status_code == 422
    )

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from smartkampung.health.models import GrowthVisit
from smartkampung.population.models import ResidentViewLog


def test_zscores_endpoint_gives_whos_values(login_client, operator):
    # WHO igrowup survey child 1: girl, 683 days, 10.4 kg, 84.8 cm lying.
    body = [
        {
            "sex": "F",
            "birth_date": "2020-01-01",
            "visit_date": "2021-11-14",
            "weight_kg": 10.399999619,
            "height_cm": 84.800003052,
            "position": "lying",
        }
    ]
    r = login_client(operator).post(
        "/api/v1/health/zscores", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200
    assert r.json() == [
        {"age_days": 683, "waz": -0.57, "haz": -0.07, "whz": -0.81, "baz": -0.79, "flags": []}
    ]


def test_zscores_endpoint_refuses_bad_input(login_client, operator):
    client = login_client(operator)
    for body in (
        [{"sex": "X", "birth_date": "2020-01-01", "visit_date": "2021-01-01"}],
        [{"sex": "M", "birth_date": "2021-01-01", "visit_date": "2020-01-01"}],
        [{"sex": "M", "birth_date": "2020-01-01", "visit_date": "2021-01-01", "weight_kg": -1}],
        "not json",
    ):
        r = client.post("/api/v1/health/zscores", json.dumps(body), content_type="application/json")
        assert r.status_code in (400, 422) and set(r.json()) >= {"code", "message"}


def test_record_and_list_visits(login_client, cadre, posyandu, child):
    client = login_client(cadre)
    r = client.post(
        f"/api/v1/health/children/{child.pk}/visits",
        json.dumps(
            {
                "posyandu": posyandu.pk,
                "visit_date": timezone.localdate().isoformat(),
                "weight_kg": "9.4",
                "height_cm": "74.5",
                "position": "lying",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["haz"] is not None
    listed = client.get(f"/api/v1/health/children/{child.pk}/visits")
    assert listed.status_code == 200 and len(listed.json()) == 1
    assert ResidentViewLog.objects.filter(resident=child, channel="api").count() == 1


def test_bad_visit_is_422_and_nothing_saved(login_client, cadre, posyandu, child):
    r = login_client(cadre).post(
        f"/api/v1/health/children/{child.pk}/visits",
        json.dumps(
            {
                "posyandu": posyandu.pk,
                "visit_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
                "weight_kg": "9.4",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_visit"
    assert not GrowthVisit.objects.exists()


def test_out_of_scope_child_is_404(login_client, make_user, child):
    from smartkampung.accounts.models import Role

    outsider = make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")])
    r = login_client(outsider).get(f"/api/v1/health/children/{child.pk}/visits")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_prevalence_unknown_kind_is_404(login_client, operator):
    r = login_client(operator).get("/api/v1/health/prevalence/planet/35.10")
    assert r.status_code == 404


def test_close_a_pregnancy_through_the_api(login_client, cadre, posyandu, make_child, operator):
    from datetime import date

    from smartkampung.health import services
    from smartkampung.population.codes import Sex

    mother = make_child(birth_date=date(1995, 1, 1), sex=Sex.FEMALE, full_name="Ayu")
    today = timezone.localdate()
    pregnancy = services.pregnancy_register(
        actor=cadre, posyandu=posyandu, mother_id=mother.pk, registered_on=today
    )
    services.pregnancy_visit_record(
        actor=cadre, pregnancy=pregnancy, visit_date=today, muac_cm="23"
    )
    url = f"/api/v1/health/pregnancies/{pregnancy.pk}"
    client = login_client(cadre)
    assert client.get(url).json()["chronic_energy_deficiency"] is True
    for body in (
        {"outcome": "twins", "ended_on": today.isoformat()},
        {"outcome": "delivered", "ended_on": (today + timedelta(days=1)).isoformat()},
        {"outcome": "delivered"},
        {"outcome": "delivered", "ended_on": "x" * 500},
    ):
        r = client.post(f"{url}/close", json.dumps(body), content_type="application/json")
        assert r.status_code in (400, 422) and set(r.json()) >= {"code", "message"}
    assert client.get(url).json()["outcome"] == ""
    # The village operator reads it but may not close it (only the posyandu's cadre records).
    staff = login_client(operator)
    assert staff.get(url).status_code == 200
    body = json.dumps({"outcome": "delivered", "ended_on": today.isoformat()})
    assert staff.post(f"{url}/close", body, content_type="application/json").status_code == 404
    r = client.post(f"{url}/close", body, content_type="application/json")
    assert r.status_code == 200
    assert (r.json()["outcome"], r.json()["ended_on"]) == ("delivered", today.isoformat())

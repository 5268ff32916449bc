"""The posyandu visit weighed offline by a cadre, recorded through the health app when sent."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.models import Role, User
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import ValidationFailed
from smartkampung.field.exceptions import RecordConflict
from smartkampung.field.models import FieldRecord
from smartkampung.field.services import devices, records
from smartkampung.health import services as health_services
from smartkampung.health.models import GrowthVisit, Posyandu
from smartkampung.population.codes import FamilyRole, MaritalStatus, Sex
from smartkampung.population.models import Resident
from smartkampung.population.testing import make_resident

from .conftest import new_key

pytestmark = pytest.mark.django_db

BASE = "/api/v1/field"


@pytest.fixture
def posyandu(operator: User, village: Any) -> Posyandu:
    return health_services.posyandu_create(actor=operator, village=village, name="Melati", rw="002")


def _cadre(make_user: Any, operator: User, posyandu: Posyandu, username: str) -> User:
    user = make_user(username, roles=[(Role.POSYANDU_CADRE, posyandu.village_id)])
    health_services.cadre_assign(actor=operator, posyandu=posyandu, user=user)
    return User.objects.get(pk=user.pk)  # fresh: no cached grants or posyandu


@pytest.fixture
def cadre(make_user: Any, operator: User, posyandu: Posyandu) -> User:
    return _cadre(make_user, operator, posyandu, "kader.melati")


def _child(operator: User, village: Any, *, rw: str = "002", days: int = 400, **kw: Any) -> Any:
    return make_resident(
        actor=operator,
        village=village,
        birth_date=timezone.localdate() - timedelta(days=days),
        sex=kw.pop("sex", Sex.FEMALE),
        full_name=kw.pop("full_name", "Ayu Lestari"),
        family_role=FamilyRole.CHILD,
        marital_status=MaritalStatus.NOT_MARRIED,
        rw=rw,
        **kw,
    )


@pytest.fixture
def child(operator: User, village: Any) -> Resident:
    return _child(operator, village)


def _payload(posyandu: Posyandu, child: Resident, /, **change: Any) -> dict[str, Any]:
    return {
        "posyandu": posyandu.pk,
        "child": child.pk,
        "visit_date": timezone.localdate().isoformat(),
        "weight_kg": 9.1,
        "height_cm": 75.5,
        "position": "lying",
        "muac_cm": 14.2,
        "head_cm": None,
        "vitamin_a": True,
        "exclusive_breastfeeding": None,
        "captured_at": "2026-12-01T09:30:00+07:00",
        **change,
    }


def _rows() -> list[Any]:
    return snapshot_rows(FieldRecord, GrowthVisit, AuditEvent)


def _send(actor: User, payload: dict[str, Any], key: Any = None) -> tuple[FieldRecord, bool]:
    return records.record_submit(
        actor=actor, key=key or new_key(), kind="posyandu_visit", payload=payload
    )


def test_a_visit_weighed_offline_becomes_one_visit_and_a_resend_is_the_same(
    cadre: User, posyandu: Posyandu, child: Resident
) -> None:
    key = new_key()
    record, created = _send(cadre, _payload(posyandu, child), key)
    again, created_again = _send(cadre, _payload(posyandu, child), key)
    assert created and not created_again and again.pk == record.pk
    visit = GrowthVisit.objects.get()
    assert record.growth_visit_id == visit.pk and record.village_id == posyandu.village_id
    assert (visit.child_id, visit.posyandu_id, visit.recorded_by_id) == (
        child.pk,
        posyandu.pk,
        cadre.pk,
    )
    assert str(visit.weight_kg) == "9.10" and str(visit.height_cm) == "75.5"
    assert visit.position == "lying" and visit.vitamin_a and str(visit.muac_cm) == "14.2"
    assert visit.haz is not None  # z-scored by the health service
    assert record.captured_at is not None


def _given_last_month(cadre: User, posyandu: Posyandu, child: Resident, codes: list[str]) -> Any:
    return health_services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=timezone.localdate() - timedelta(days=35),
        weight_kg="8.9",
        immunisations=codes,
    )


def test_vaccines_ticked_offline_are_recorded_once_and_a_resend_is_the_same(
    cadre: User, posyandu: Posyandu, child: Resident
) -> None:
    key = new_key()
    payload = _payload(posyandu, child, immunisations=["mr1", "ipv2"])
    record, created = _send(cadre, payload, key)
    again, created_again = _send(cadre, payload, key)
    assert created and not created_again and again.pk == record.pk
    visit = GrowthVisit.objects.get()
    assert record.growth_visit_id == visit.pk and visit.immunisations == ["ipv2", "mr1"]


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"immunisations": ["smallpox"]}, "immunisations", "smallpox"),
        # Given last month (the form hides it, a device with an old bootstrap may not).
        ({"immunisations": ["mr1", "bcg"]}, "immunisations", "BCG"),
        (
            {"immunisations": ["mr1"], "visit_date": "2020-01-01"},
            "visit_date",
            "before the child's birth",
        ),
    ],
)
def test_a_vaccine_the_health_service_refuses_leaves_nothing_and_says_which(
    cadre: User,
    posyandu: Posyandu,
    child: Resident,
    change: dict[str, Any],
    field: str,
    says: str,
) -> None:
    _given_last_month(cadre, posyandu, child, ["bcg"])
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child, **change)), snapshot=_rows
    )
    assert isinstance(error, RecordConflict) and error.code == "visit_invalid"
    assert error.details["actions"] == ["edit", "discard"]
    assert says in error.details["fields"][field] and says in error.message
    assert [v.immunisations for v in GrowthVisit.objects.all()] == [["bcg"]]


def test_the_same_key_with_another_visit_is_refused(
    cadre: User, posyandu: Posyandu, child: Resident
) -> None:
    key = new_key()
    _send(cadre, _payload(posyandu, child), key)
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child, weight_kg=9.4), key), snapshot=_rows
    )
    assert error.code == "idempotency_key_reused"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visit_date": (timezone.localdate() + timedelta(days=2)).isoformat()}, "visit_date"),
        ({"weight_kg": 95.0}, "weight_kg"),
        ({"height_cm": 300.0}, "height_cm"),
        ({"position": ""}, "position"),
        ({"weight_kg": None, "height_cm": None, "position": ""}, "weight_kg"),
        ({"exclusive_breastfeeding": True}, "exclusive_breastfeeding"),  # 13 months old
    ],
)
def test_a_visit_the_health_service_refuses_leaves_nothing_and_can_be_corrected(
    cadre: User, posyandu: Posyandu, child: Resident, change: dict[str, Any], field: str
) -> None:
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child, **change)), snapshot=_rows
    )
    assert isinstance(error, RecordConflict) and error.code == "visit_invalid"
    assert error.details["actions"] == ["edit", "discard"]
    assert field in error.details["fields"]


def test_a_visit_in_the_future_says_so(cadre: User, posyandu: Posyandu, child: Resident) -> None:
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(RecordConflict) as info:
        _send(cadre, _payload(posyandu, child, visit_date=future))
    assert "Visit date: The visit date is in the future." in info.value.message


def test_a_child_moved_to_another_village_is_a_conflict_to_discard(
    cadre: User, posyandu: Posyandu, child: Resident, other_village: Any
) -> None:
    # The register moved the child while the visit waited on the device.
    Resident.objects.filter(pk=child.pk).update(village_id=other_village.code)
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child)), snapshot=_rows
    )
    assert isinstance(error, RecordConflict) and error.code == "child_unavailable"
    assert error.details["actions"] == ["discard"]


def test_a_child_measured_meanwhile_this_month_is_a_conflict(
    cadre: User, posyandu: Posyandu, child: Resident, make_user: Any, operator: User
) -> None:
    other = _cadre(make_user, operator, posyandu, "kader.dua")
    _send(other, _payload(posyandu, child))
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child, weight_kg=9.3)), snapshot=_rows
    )
    assert isinstance(error, RecordConflict) and error.code == "visit_exists"
    assert GrowthVisit.objects.count() == 1


def test_a_cadre_cannot_record_for_another_posyandu(
    cadre: User, posyandu: Posyandu, operator: User, village: Any, make_user: Any
) -> None:
    mawar = health_services.posyandu_create(actor=operator, village=village, name="Mawar", rw="003")
    _cadre(make_user, operator, mawar, "kader.mawar")
    their_child = _child(operator, village, rw="003", full_name="Dimas")
    for payload in (_payload(mawar, their_child), _payload(posyandu, their_child)):
        error = assert_refused_unchanged(lambda p=payload: _send(cadre, p), snapshot=_rows)
        assert isinstance(error, RecordConflict)
        assert error.code in ("posyandu_unavailable", "child_unavailable")
    assert GrowthVisit.objects.count() == 0


def test_a_cadre_unassigned_meanwhile_cannot_send_the_visit(
    cadre: User, posyandu: Posyandu, child: Resident
) -> None:
    from smartkampung.health.models import CadreAssignment

    CadreAssignment.objects.filter(user=cadre).delete()
    cadre = User.objects.get(pk=cadre.pk)
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child)), snapshot=_rows
    )
    assert isinstance(error, RecordConflict) and error.code == "posyandu_unavailable"


def test_an_operator_is_not_a_cadre_and_cannot_record_visits(
    operator: User, posyandu: Posyandu, child: Resident
) -> None:
    error = assert_refused_unchanged(
        lambda: _send(operator, _payload(posyandu, child)), snapshot=_rows
    )
    assert isinstance(error, RecordConflict) and error.code == "posyandu_unavailable"


@pytest.mark.parametrize(
    "change",
    [
        {"weight_kg": "berat"},
        {"weight_kg": float("nan")},
        {"position": "sitting"},
        {"child": "1; DROP TABLE"},
        {"visit_date": "31/12/2026"},
        {"nik": "3510010101010001"},
        {"weight_kg": 1e9},
        {"immunisations": "bcg"},
        {"immunisations": [{"code": "bcg"}]},
        {"immunisations": [""]},
        {"immunisations": ["x" * 41]},
        {"immunisations": ["bcg"] * 31},
    ],
)
def test_a_malformed_visit_is_refused(
    cadre: User, posyandu: Posyandu, child: Resident, change: dict[str, Any]
) -> None:
    error = assert_refused_unchanged(
        lambda: _send(cadre, _payload(posyandu, child, **change)), snapshot=_rows
    )
    assert isinstance(error, ValidationFailed) and error.code == "invalid_record"


# --- through the API, as the device does ---------------------------------------------------


def _device_auth(user: User) -> dict[str, str]:
    _device, secret = devices.device_session_create(actor=user, name="HP kader")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_bootstrap_gives_a_cadre_the_posyandus_children_without_nik(
    client: Client, cadre: User, posyandu: Posyandu, child: Resident, operator: User, village: Any
) -> None:
    _child(operator, village, rw="003", full_name="Anak RW Lain")  # another posyandu's area
    _child(operator, village, days=2200, full_name="Sudah Enam Tahun")  # over five
    data = client.get(f"{BASE}/bootstrap", **_device_auth(cadre)).json()
    assert data["can_record_visits"] is True
    assert data["posyandu"]["id"] == posyandu.pk and data["posyandu"]["name"] == "Melati"
    assert data["posyandu"]["children"] == [
        {
            "id": child.pk,
            "name": "Ayu Lestari",
            "birth_date": child.birth_date.isoformat(),
            "sex": Sex.FEMALE,
            "given": [],
        }
    ]
    assert child.nik not in json.dumps(data) and child.nik[:6] not in json.dumps(data)


@pytest.mark.parametrize(
    ("cookie", "label"),
    [("sk_language=id", "Polio tetes 1 (OPV 1)"), ("sk_language=en", "Oral polio 1 (OPV 1)")],
)
def test_the_bootstrap_gives_the_vaccine_list_and_what_each_child_already_had(
    client: Client,
    cadre: User,
    posyandu: Posyandu,
    child: Resident,
    operator: User,
    village: Any,
    cookie: str,
    label: str,
) -> None:
    _given_last_month(cadre, posyandu, child, ["opv1", "bcg"])
    _send(cadre, _payload(posyandu, child, immunisations=["dpt_hb_hib1"]))
    _child(operator, village, days=200, full_name="Bayu")  # nothing given yet
    data = client.get(f"{BASE}/bootstrap", HTTP_COOKIE=cookie, **_device_auth(cadre)).json()
    vaccines = data["posyandu"]["vaccines"]
    assert len(vaccines) == 21 and vaccines[0] == {"code": "hb0", "label": vaccines[0]["label"]}
    assert {"code": "opv1", "label": label} in vaccines
    given = {c["name"]: c["given"] for c in data["posyandu"]["children"]}
    assert given == {"Ayu Lestari": ["bcg", "dpt_hb_hib1", "opv1"], "Bayu": []}


def test_the_bootstrap_of_an_operator_has_no_posyandu(client: Client, operator: User) -> None:
    data = client.get(f"{BASE}/bootstrap", **_device_auth(operator)).json()
    assert data["posyandu"] is None and data["can_record_visits"] is False


def test_a_refused_visit_is_a_409_with_what_to_do(
    client: Client, cadre: User, posyandu: Posyandu, child: Resident
) -> None:
    auth = _device_auth(cadre)
    body = {
        "key": str(new_key()),
        "kind": "posyandu_visit",
        "payload": _payload(posyandu, child, weight_kg=95),
    }
    before = _rows()
    response = client.post(
        f"{BASE}/records", json.dumps(body), content_type="application/json", **auth
    )
    assert response.status_code == 409
    assert response.json()["code"] == "visit_invalid"
    assert response.json()["details"]["actions"] == ["edit", "discard"]
    assert _rows() == before
    body["payload"] = _payload(posyandu, child)
    sent = client.post(f"{BASE}/records", json.dumps(body), content_type="application/json", **auth)
    assert sent.status_code == 201, sent.content
    result = sent.json()["result"]
    assert result["visit"] == GrowthVisit.objects.get().pk and result["needs_remeasure"] is False


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        (
            "sk_language=id",
            [
                "Kunjungan posyandu",
                "Berat badan (kg)",
                "Harus antara %(low)s",
                "Imunisasi yang diberikan hari ini",
            ],
        ),
        (
            "sk_language=en",
            [
                "Posyandu visit",
                "Weight (kg)",
                "Must lie between %(low)s",
                "Immunisations given today",
            ],
        ),
    ],
)
def test_the_shell_carries_the_visit_form_in_both_languages(
    client: Client, cookie: str, expected: list[str]
) -> None:
    html = client.get("/field/", HTTP_COOKIE=cookie).content.decode()
    assert 'id="visit-form"' in html and "field/posyandu.js" in html
    for text in expected:
        assert text in html


def test_the_bootstrap_of_a_cadre_reads_the_children_and_their_vaccines_in_constant_queries(
    client: Client,
    cadre: User,
    posyandu: Posyandu,
    operator: User,
    village: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i, name in enumerate(["Adi", "Bayu", "Citra", "Dewi", "Eka", "Fajar"]):
        born = _child(operator, village, days=100 + 200 * i, full_name=name)
        _given_last_month(cadre, posyandu, born, ["bcg"])
    auth = _device_auth(cadre)
    client.get(f"{BASE}/bootstrap", **auth)
    # Constant, however many children and visits: the vaccines given are one more read (and
    # its own scope check, one more).
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/bootstrap", **auth)
    children = response.json()["posyandu"]["children"]
    assert len(children) == 6 and all(c["given"] == ["bcg"] for c in children)

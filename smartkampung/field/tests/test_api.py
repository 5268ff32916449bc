"""The field API as a device uses it: a device token, records with keys, resumable photos,
conflicts as 409 with the actions open to the user, errors as {"code","message"}."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.models import User
from smartkampung.accounts.services import api_token_create
from smartkampung.accounts.testing import snapshot_rows
from smartkampung.field.models import DeviceSession, FieldRecord
from smartkampung.field.services import devices
from smartkampung.projects import services as project_services
from smartkampung.projects.models import ProgressPhoto, ProgressReport, Project

from .conftest import new_key, photo_bytes, report_payload, sha

pytestmark = pytest.mark.django_db

BASE = "/api/v1/field"


def _device(user: User) -> tuple[DeviceSession, dict[str, str]]:
    device, secret = devices.device_session_create(actor=user, name="HP lapangan")
    return device, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client: Client, path: str, body: Any, auth: dict[str, str]) -> Any:
    return client.post(BASE + path, json.dumps(body), content_type="application/json", **auth)


def test_a_device_sends_a_report_with_a_photo_and_a_resend_is_the_same(
    client: Client, operator: User, project: Project
) -> None:
    device, auth = _device(operator)
    data = photo_bytes(project)
    key = str(new_key())
    body = {
        "key": key,
        "kind": "progress_report",
        "payload": report_payload(project, [data]),
        "sent_at": "2026-12-01T09:00:00+07:00",
    }
    first = _post(client, "/records", body, auth)
    assert first.status_code == 201, first.content
    assert first.json()["complete"] is False
    assert first.json()["photos"][0]["sha256"] == sha(data)
    upload = _post(client, f"/records/{key}/photos/0/upload", {}, auth).json()
    assert upload["offset"] == 0
    half = len(data) // 2
    chunk = client.patch(
        f"{BASE}/uploads/{upload['upload_id']}",
        data[:half],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        **auth,
    )
    assert chunk.status_code == 200 and chunk.json()["offset"] == half
    # A chunk sent again at a stale offset is told where to continue.
    stale = client.patch(
        f"{BASE}/uploads/{upload['upload_id']}",
        data[:half],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        **auth,
    )
    assert stale.status_code == 409 and stale.json()["details"]["offset"] == half
    client.patch(
        f"{BASE}/uploads/{upload['upload_id']}",
        data[half:],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(half),
        **auth,
    )
    done = _post(client, f"/records/{key}/photos/0/complete", {}, auth)
    assert done.status_code == 200 and done.json()["stored"] is True
    again = _post(client, "/records", body, auth)
    assert again.status_code == 200
    assert again.json()["replayed"] is True and again.json()["complete"] is True
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert ProgressPhoto.objects.get().sha256 == sha(data)
    record = FieldRecord.objects.get()
    assert record.device_id == device.pk
    detail = client.get(f"{BASE}/records/{key}", **auth).json()
    assert detail["sent_at"].startswith("2026-12-01T")
    assert detail["result"]["report"] == record.report_id


def test_a_conflict_answers_409_with_what_to_do(
    client: Client, operator: User, project: Project
) -> None:
    project_services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    _, auth = _device(operator)
    before = snapshot_rows(FieldRecord, ProgressReport)
    body = {
        "key": str(new_key()),
        "kind": "progress_report",
        "payload": report_payload(project, []),
    }
    response = _post(client, "/records", body, auth)
    assert response.status_code == 409
    assert response.json()["code"] == "stage_already_reported"
    assert response.json()["details"]["actions"] == ["attach", "discard"]
    assert response.json()["message"]
    assert snapshot_rows(FieldRecord, ProgressReport) == before


@pytest.mark.parametrize(
    "body",
    [
        {"key": "not-a-uuid", "kind": "progress_report", "payload": {}},
        {"key": "5d0c4c4e-5d57-4c9a-9d36-2d6e0b1c2f10", "kind": "progress_report", "payload": []},
        {"key": "5d0c4c4e-5d57-4c9a-9d36-2d6e0b1c2f10", "kind": "x" * 100, "payload": {}},
        {"key": "5d0c4c4e-5d57-4c9a-9d36-2d6e0b1c2f10", "kind": "progress_report", "payload": {}},
    ],
)
def test_malformed_records_answer_422_and_change_nothing(
    client: Client, operator: User, body: dict[str, Any]
) -> None:
    _, auth = _device(operator)
    before = snapshot_rows(FieldRecord, ProgressReport)
    response = _post(client, "/records", body, auth)
    assert response.status_code == 422
    assert set(response.json()) >= {"code", "message"}
    assert snapshot_rows(FieldRecord, ProgressReport) == before


def test_a_revoked_device_is_refused(
    client: Client, operator: User, head: User, project: Project
) -> None:
    device, auth = _device(operator)
    assert client.get(f"{BASE}/bootstrap", **auth).status_code == 200
    devices.device_session_revoke(actor=head, device_id=device.pk)
    response = client.get(f"{BASE}/bootstrap", **auth)
    assert response.status_code == 401
    assert set(response.json()) >= {"code", "message"}


def test_a_device_token_works_on_the_field_api_only(
    client: Client, operator: User, project: Project
) -> None:
    _, auth = _device(operator)
    assert client.get(f"/api/v1/projects/{project.pk}", **auth).status_code == 401
    assert client.get("/api/v1/me", **auth).status_code == 401
    # …and cannot connect another device: that needs a login.
    assert _post(client, "/devices", {"name": "second"}, auth).status_code == 401


def test_a_logged_in_user_or_a_personal_token_connects_a_device(
    client: Client, operator: User
) -> None:
    _, secret = api_token_create(actor=operator, name="laptop")
    response = client.post(
        f"{BASE}/devices",
        json.dumps({"name": "HP"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert token.startswith("skd_")
    assert client.get(f"{BASE}/bootstrap", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_bootstrap_holds_projects_in_scope_and_no_personal_data(
    client: Client, operator: User, project: Project, other_village: Any, make_user: Any
) -> None:
    from smartkampung.accounts.models import Role
    from smartkampung.projects.tests.factories import project_data

    elsewhere = make_user("op.sukorejo", roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    project_services.project_create(
        actor=elsewhere,
        village_code=other_village.code,
        data=project_data(other_village, title="Saluran irigasi"),
        screen=False,
    )
    _, auth = _device(operator)
    data = client.get(f"{BASE}/bootstrap", **auth).json()
    assert [p["id"] for p in data["projects"]] == [project.pk]
    assert data["stages"] == [0, 50, 100]
    assert data["can_report"] and data["can_take_counter_requests"]


def test_bootstrap_lists_queries_once_per_table(
    client: Client, operator: User, village: Any, django_assert_max_num_queries: Any
) -> None:
    from smartkampung.projects.tests.factories import project_data

    for i in range(5):
        project_services.project_create(
            actor=operator,
            village_code=village.code,
            data=project_data(village, title=f"Jalan {i}", north_m=i * 400),
            screen=False,
        )
    _, auth = _device(operator)
    client.get(f"{BASE}/bootstrap", **auth)  # the letters app installs its default types once
    with django_assert_max_num_queries(6):
        response = client.get(f"{BASE}/bootstrap", **auth)
    assert len(response.json()["projects"]) == 5


def test_a_citizen_cannot_use_the_field_api(client: Client, make_user: Any, village: Any) -> None:
    from smartkampung.accounts.models import Role

    citizen = make_user("warga", roles=[(Role.CITIZEN, village.code)])
    client.force_login(citizen)
    assert client.get(f"{BASE}/bootstrap").status_code == 403
    response = client.post(
        f"{BASE}/devices", json.dumps({"name": "HP"}), content_type="application/json"
    )
    assert response.status_code in {403, 401}
    assert DeviceSession.objects.count() == 0


def test_a_photo_upload_with_a_wrong_hash_answers_422(
    client: Client, operator: User, project: Project
) -> None:
    _, auth = _device(operator)
    data = photo_bytes(project)
    key = str(new_key())
    payload = report_payload(project, [data])
    payload["photos"][0]["sha256"] = "0" * 64
    _post(client, "/records", {"key": key, "kind": "progress_report", "payload": payload}, auth)
    upload = _post(client, f"/records/{key}/photos/0/upload", {}, auth).json()
    client.patch(
        f"{BASE}/uploads/{upload['upload_id']}",
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        **auth,
    )
    response = _post(client, f"/records/{key}/photos/0/complete", {}, auth)
    assert response.status_code == 422 and response.json()["code"] == "sha256_mismatch"
    assert ProgressPhoto.objects.count() == 0


def test_device_list_and_revoke_over_the_api(client: Client, operator: User, head: User) -> None:
    device, auth = _device(operator)
    client.force_login(head)
    listed = client.get(f"{BASE}/devices").json()
    assert [d["id"] for d in listed] == [device.pk]
    assert client.delete(f"{BASE}/devices/{device.pk}").status_code == 204
    assert Client().get(f"{BASE}/bootstrap", **auth).status_code == 401


def test_an_oversized_chunk_is_refused_cleanly(
    client: Client, operator: User, project: Project
) -> None:
    _, auth = _device(operator)
    data = photo_bytes(project)
    key = str(new_key())
    payload = report_payload(project, [data])
    _post(client, "/records", {"key": key, "kind": "progress_report", "payload": payload}, auth)
    upload = _post(client, f"/records/{key}/photos/0/upload", {}, auth).json()
    response = client.patch(
        f"{BASE}/uploads/{upload['upload_id']}",
        b"\xff" * (6 * 1024 * 1024),
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        **auth,
    )
    assert 400 <= response.status_code < 500
    assert response.json()["code"]
    state = _post(client, f"/records/{key}/photos/0/upload", {}, auth).json()
    assert state["offset"] == 0


@pytest.mark.parametrize("offset", ["-1", "abc", "", "1e3"])
def test_a_chunk_without_a_valid_offset_is_refused(
    client: Client, operator: User, project: Project, offset: str
) -> None:
    _, auth = _device(operator)
    data = photo_bytes(project)
    key = str(new_key())
    payload = report_payload(project, [data])
    _post(client, "/records", {"key": key, "kind": "progress_report", "payload": payload}, auth)
    upload = _post(client, f"/records/{key}/photos/0/upload", {}, auth).json()
    response = client.patch(
        f"{BASE}/uploads/{upload['upload_id']}",
        data[:100],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=offset,
        **auth,
    )
    assert response.status_code == 422 and response.json()["code"] == "upload_offset_missing"

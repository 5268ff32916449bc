"""The API: projects, reports, one-shot and resumable photo upload, flags, GeoJSON export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.testing import snapshot_rows
from smartkampung.projects import services
from smartkampung.projects.models import PhotoUpload, ProgressPhoto, Project, RedFlag

from .factories import inside_point, jpeg, png_bomb, project_data, scene

pytestmark = pytest.mark.django_db


def _project(operator: Any, village: Any, **kw: Any) -> Project:
    return services.project_create(
        actor=operator, village_code=village.code, data=project_data(village, **kw)
    )


def _payload(place: Any, **kw: Any) -> dict[str, Any]:
    lat, lng = inside_point(place)
    return {
        "village": place.code,
        "title": "Jembatan Kali Baru",
        "work_type": "bridge",
        "activity_code": "02.03.13",
        "fund_source": "DDS",
        "budget": 250000000,
        "volume": 12,
        "unit": "m",
        "planned_start": "2026-02-01",
        "planned_end": "2026-05-31",
        "lat": lat,
        "lng": lng,
        **kw,
    }


def test_create_list_detail_and_export(operator, village, login_client):
    client = login_client(operator)
    r = client.post("/api/v1/projects/", _payload(village), content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["geometry"]["type"] == "Point"
    assert client.get("/api/v1/projects/").json()["count"] == 1
    assert client.get(f"/api/v1/projects/{pid}").json()["unit_cost"] == "20833333.33"
    geo = client.get("/api/v1/projects/export.geojson")
    assert geo["Content-Type"] == "application/geo+json"
    feature = json.loads(geo.content)["features"][0]
    assert feature["properties"]["title"] == "Jembatan Kali Baru"
    assert "created_by" not in feature["properties"]


@pytest.mark.parametrize(
    "change,code",
    [
        ({"lat": -7.0, "lng": 114.5}, "outside_village"),
        ({"lat": 114.0, "lng": -8.5}, "invalid_geometry"),
        ({"lat": None, "lng": None}, "invalid_geometry"),
        ({"wkt": "LINESTRING(nonsense"}, "invalid_geometry"),
        ({"work_type": "castle"}, "invalid_project"),
        ({"planned_end": "2025-01-01"}, "invalid_project"),
        ({"budget": -5}, "invalid_input"),
        ({"title": "x" * 300}, "invalid_input"),
        ({"village": "35.10.02.2001"}, "not_found"),
    ],
)
def test_bad_project_input_is_refused_and_changes_nothing(
    operator, village, login_client, change, code
):
    client = login_client(operator)
    payload = _payload(village, **change)
    before = snapshot_rows(Project)
    r = client.post("/api/v1/projects/", json.dumps(payload), content_type="application/json")
    assert 400 <= r.status_code < 500 and r.json()["code"] == code
    assert snapshot_rows(Project) == before


def test_malformed_json_is_a_4xx(operator, login_client):
    r = login_client(operator).post("/api/v1/projects/", "{nope", content_type="application/json")
    assert 400 <= r.status_code < 500


def test_report_and_one_shot_photo_upload(operator, village, login_client):
    project = _project(operator, village)
    client = login_client(operator)
    r = client.post(
        f"/api/v1/projects/{project.pk}/reports",
        {"stage": 0, "reported_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201
    report_id = r.json()["id"]
    data = jpeg(scene(1), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        f"/api/v1/projects/reports/{report_id}/photos",
        {
            "file": SimpleUploadedFile("a.jpg", data, "image/jpeg"),
            "device_lat": project.lat,
            "device_lng": project.lng,
            "device_accuracy_m": 5,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["exif_device"] == "Samsung SM-A125F" and body["device_accuracy_m"] == 5
    reports = client.get(f"/api/v1/projects/{project.pk}/reports").json()
    assert reports[0]["photos"][0]["id"] == body["id"]
    dup = client.post(
        f"/api/v1/projects/{project.pk}/reports",
        {"stage": 0, "reported_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert dup.status_code == 409
    bad = client.post(
        f"/api/v1/projects/{project.pk}/reports",
        {"stage": 30, "reported_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_stage"


def _start(client: Client, report_id: int, size: int, **kw: Any) -> dict[str, Any]:
    r = client.post(
        f"/api/v1/projects/reports/{report_id}/uploads",
        {"size": size, **kw},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    return r.json()


def _patch(client: Client, upload_id: str, offset: int, chunk: bytes) -> Any:
    return client.generic(
        "PATCH",
        f"/api/v1/projects/uploads/{upload_id}",
        chunk,
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": str(offset)},
    )


def test_resumable_upload_resumes_after_a_failed_chunk(operator, village, login_client, settings):
    project = _project(operator, village)
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    client = login_client(operator)
    data = jpeg(
        scene(2, size=(1600, 1200)),
        lat=project.lat,
        lng=project.lng,
        taken_at=timezone.localtime(),
        quality=95,
    )
    upload = _start(
        client,
        report.pk,
        len(data),
        filename="../../etc/besar.jpg",
        device_lat=project.lat,
        device_lng=project.lng,
        device_accuracy_m=4,
    )
    uid, chunk = upload["id"], 64 * 1024
    assert _patch(client, uid, 0, data[:chunk]).json()["offset"] == chunk
    # The connection drops: the next chunk is sent with a stale offset and refused ...
    stale = _patch(client, uid, 0, data[chunk : 2 * chunk])
    assert stale.status_code == 409 and stale.json()["details"]["offset"] == chunk
    # ... so the client asks where to resume and continues from there.
    offset = client.get(f"/api/v1/projects/uploads/{uid}").json()["offset"]
    assert offset == chunk
    while offset < len(data):
        r = _patch(client, uid, offset, data[offset : offset + chunk])
        assert r.status_code == 200
        offset = r.json()["offset"]
    early = ProgressPhoto.objects.count()
    r = client.post(f"/api/v1/projects/uploads/{uid}/complete")
    assert r.status_code == 201 and early == 0
    photo = ProgressPhoto.objects.get()
    assert photo.size_bytes == len(data) and photo.original_name == "besar.jpg"
    import hashlib

    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    # completing again returns the same photo
    assert client.post(f"/api/v1/projects/uploads/{uid}/complete").json()["id"] == photo.pk


def test_upload_incomplete_and_foreign_uploads(operator, village, login_client, make_user):
    project = _project(operator, village)
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    client = login_client(operator)
    upload = _start(client, report.pk, 1000)
    r = client.post(f"/api/v1/projects/uploads/{upload['id']}/complete")
    assert r.status_code == 409 and r.json()["code"] == "upload_incomplete"
    assert _patch(client, upload["id"], 0, b"x" * 1001).status_code == 422
    colleague = make_user(roles=[("village_operator", village.code)])
    assert (
        login_client(colleague).get(f"/api/v1/projects/uploads/{upload['id']}").status_code == 404
    )
    assert (
        client.post(
            f"/api/v1/projects/reports/{report.pk}/uploads",
            {"size": 999_999_999},
            content_type="application/json",
        ).status_code
        == 413
    )
    missing = client.generic("PATCH", f"/api/v1/projects/uploads/{upload['id']}", b"abc")
    assert missing.status_code == 422


@pytest.mark.parametrize("kind", ["bomb", "html_named_jpg", "truncated_jpeg"])
def test_hostile_uploads_are_refused_with_nothing_stored(
    operator, village, login_client, settings, kind
):
    project = _project(operator, village)
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    client = login_client(operator)
    data = {
        "bomb": png_bomb(),
        "html_named_jpg": b"<html><body><script>alert(1)</script></body></html>",
        "truncated_jpeg": jpeg(scene(3))[:5000],
    }[kind]

    def snapshot() -> Any:
        files = (
            sorted(
                str(p)
                for p in settings.MEDIA_ROOT.rglob("*")
                if p.is_file() and "partial" not in str(p)
            )
            if settings.MEDIA_ROOT.exists()
            else []
        )
        return snapshot_rows(ProgressPhoto, RedFlag), files

    before = snapshot()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        f"/api/v1/projects/reports/{report.pk}/photos",
        {"file": SimpleUploadedFile("photo.jpg", data, "image/jpeg")},
    )
    assert r.status_code == 422 and r.json()["code"] in {
        "not_an_image",
        "image_too_large",
        "image_damaged",
    }
    upload = _start(client, report.pk, len(data))
    assert _patch(client, upload["id"], 0, data).status_code == 200
    r = client.post(f"/api/v1/projects/uploads/{upload['id']}/complete")
    assert r.status_code == 422
    assert snapshot() == before
    assert not PhotoUpload.objects.exists()
    partial = (
        list((settings.MEDIA_ROOT.parent / "partial").glob("*"))
        if settings.SK_PROJECTS_PARTIAL_UPLOAD_DIR
        else []
    )
    assert partial == []


def test_flags_api_with_evidence_and_decision(operator, village, inspector, login_client):
    _project(operator, village)
    _project(operator, village, title="Jalan rabat beton Dusun Krajan", north_m=30)
    client = login_client(inspector)
    flags = client.get("/api/v1/projects/flags/").json()
    assert flags["count"] == 1
    flag = flags["items"][0]
    assert flag["rule"] == "DUPLICATE_PROJECT" and flag["evidence"]["distance_m"] < 40
    assert "m" in flag["explanation_en"] and flag["explanation_id"] != flag["explanation_en"]
    counts = client.get("/api/v1/projects/flags/counts").json()
    assert counts["villages"][0]["count"] == 1
    r = client.post(
        f"/api/v1/projects/flags/{flag['id']}/decision",
        {"decision": "dismissed", "note": "Dua ruas berbeda."},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    again = client.post(
        f"/api/v1/projects/flags/{flag['id']}/decision",
        {"decision": "confirmed", "note": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert login_client(operator).get("/api/v1/projects/flags/").json()["count"] == 0
    assert login_client(operator).get(f"/api/v1/projects/flags/{flag['id']}").status_code == 404


def _state(settings: Any) -> Any:
    from smartkampung.audit.models import AuditEvent
    from smartkampung.projects.models import ProgressReport

    root = settings.MEDIA_ROOT
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return snapshot_rows(Project, ProgressReport, ProgressPhoto, AuditEvent), files


def test_report_with_photos_is_one_change(operator, village, login_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = _project(operator, village)
    client = login_client(operator)
    today = timezone.localdate().isoformat()

    def photo(seed: int) -> Any:
        data = jpeg(scene(seed), lat=project.lat, lng=project.lng)
        return SimpleUploadedFile(f"f{seed}.jpg", data, "image/jpeg")

    before = _state(settings)
    bad = client.post(
        f"/api/v1/projects/{project.pk}/reports/with-photos",
        {
            "stage": 100,
            "reported_on": today,
            "files": [photo(1), SimpleUploadedFile("x.jpg", b"<script>1</script>", "image/jpeg")],
        },
    )
    assert bad.status_code == 422 and bad.json()["code"] == "not_an_image"
    assert "x.jpg" in bad.json()["message"]
    assert _state(settings) == before
    none = client.post(
        f"/api/v1/projects/{project.pk}/reports/with-photos", {"stage": 100, "reported_on": today}
    )
    assert none.status_code == 422 and none.json()["code"] == "photo_missing"
    too_many = client.post(
        f"/api/v1/projects/{project.pk}/reports/with-photos",
        {"stage": 100, "reported_on": today, "files": [photo(i) for i in range(11)]},
    )
    assert too_many.status_code == 422 and too_many.json()["code"] == "too_many_photos"
    assert _state(settings) == before
    good = client.post(
        f"/api/v1/projects/{project.pk}/reports/with-photos",
        {"stage": 100, "reported_on": today, "device_accuracy_m": 5, "files": [photo(1), photo(2)]},
    )
    assert good.status_code == 201, good.content
    assert len(good.json()["photos"]) == 2
    project.refresh_from_db()
    assert project.progress == 100 and project.status == "completed"


def test_api_report_counts_only_once_a_photo_is_accepted(operator, village, login_client):
    project = _project(operator, village)
    client = login_client(operator)
    r = client.post(
        f"/api/v1/projects/{project.pk}/reports",
        {"stage": 100, "reported_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201
    fake = b"<html><script>alert(1)</script></html>"
    upload = _start(client, r.json()["id"], len(fake))
    _patch(client, upload["id"], 0, fake)
    assert client.post(f"/api/v1/projects/uploads/{upload['id']}/complete").status_code == 422
    assert client.get(f"/api/v1/projects/{project.pk}").json()["progress"] == 0
    data = jpeg(scene(4), lat=project.lat, lng=project.lng)
    upload = _start(client, r.json()["id"], len(data))
    _patch(client, upload["id"], 0, data)
    assert client.post(f"/api/v1/projects/uploads/{upload['id']}/complete").status_code == 201
    assert client.get(f"/api/v1/projects/{project.pk}").json()["progress"] == 100


def test_api_refuses_a_future_report_date(operator, village, login_client):
    from datetime import timedelta

    project = _project(operator, village)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = login_client(operator).post(
        f"/api/v1/projects/{project.pk}/reports",
        {"stage": 0, "reported_on": tomorrow},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_date"
    assert tomorrow in r.json()["message"]
    assert not project.reports.exists()


def test_an_empty_resumable_upload_says_the_file_is_empty(operator, village, login_client):
    project = _project(operator, village)
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    r = login_client(operator).post(
        f"/api/v1/projects/reports/{report.pk}/uploads",
        {"size": 0, "filename": "kosong.jpg"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json() == {"code": "file_empty", "message": "Berkas kosong."}
    assert not PhotoUpload.objects.exists()

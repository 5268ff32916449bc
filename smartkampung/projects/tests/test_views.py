"""Pages: map and list, project form, project page with progress upload, photo streaming,
the red-flag queue and decision."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from smartkampung.projects import services
from smartkampung.projects.models import FlagStatus, ProgressPhoto, Project, RedFlag

from .factories import inside_point, jpeg, project_data, scene

pytestmark = pytest.mark.django_db


def _project(operator: Any, village: Any, **kw: Any) -> Project:
    return services.project_create(
        actor=operator, village_code=village.code, data=project_data(village, **kw)
    )


def test_map_page_lists_projects_in_scope_with_few_queries(
    operator, village, other_village, make_user, login_client, django_assert_max_num_queries
):
    other_op = make_user(roles=[("village_operator", other_village.code)])
    for i in range(5):
        _project(
            operator, village, title=f"Proyek {i}", north_m=i * 400 - 800, work_type="building"
        )
    _project(other_op, other_village, title="Proyek lain")
    client = login_client(operator)
    with django_assert_max_num_queries(14):
        html = client.get("/projects/").content.decode()
    assert "Proyek 3" in html and "Proyek lain" not in html
    geo = client.get("/projects/map.geojson").json()
    assert len(geo["features"]) == 5
    assert client.get("/projects/?village=" + other_village.code).status_code == 200


def _map_config(response: Any) -> dict[str, Any]:
    import json

    assert response.status_code == 200
    return json.loads(response.context["map_config"])


def test_map_starts_on_the_village_users_village_over_its_boundary(
    operator, village, login_client, client
):
    _project(operator, village, title="Jalan Krajan")
    page = login_client(operator).get("/projects/")
    cfg = _map_config(page)
    assert cfg["focus"] == village.code
    assert cfg["boundaries"] == f"/api/v1/regions/{village.code}/boundary.geojson"
    assert cfg["bbox"] == list(village.bbox) and cfg["bbox"][0] < cfg["bbox"][2]
    html = page.content.decode()
    # The filters match the scope: their village, chosen; no "all", no kecamatan to choose.
    assert 'name="kecamatan"' not in html
    start = html.index('name="village"')
    select = html[start : html.index("</select>", start)]
    assert f'value="{village.code}" selected' in select and 'value=""' not in select
    # The boundary the map draws under the points is the regions app's public endpoint.
    feature = client.get(cfg["boundaries"]).json()
    assert feature["type"] == "Feature" and feature["properties"]["code"] == village.code


def test_map_of_a_kecamatan_or_the_regency_draws_its_villages(
    camat, regency_officer, operator, village, other_village, login_client, client
):
    kecamatan = village.code.rsplit(".", 1)[0]
    cfg = _map_config(login_client(camat).get("/projects/"))
    assert cfg["focus"] == kecamatan
    assert cfg["boundaries"] == f"/api/v1/regions/{kecamatan}/boundaries.geojson?level=village"
    codes = {f["properties"]["code"] for f in client.get(cfg["boundaries"]).json()["features"]}
    assert village.code in codes and other_village.code not in codes
    pmd = login_client(regency_officer)
    assert _map_config(pmd.get("/projects/"))["focus"] == "35.10"
    chosen = _map_config(pmd.get("/projects/", {"village": other_village.code}))
    assert chosen["focus"] == other_village.code and chosen["bbox"] == list(other_village.bbox)
    # A village outside the operator's scope is not a filter they can choose: their own stays.
    refused = _map_config(login_client(operator).get("/projects/", {"village": other_village.code}))
    assert refused["focus"] == village.code


def test_citizen_and_anonymous_see_no_projects(village, make_user, login_client, client):
    citizen = make_user(roles=[("citizen", village.code)])
    assert login_client(citizen).get("/projects/").status_code == 404
    assert client.get("/projects/").status_code == 302


def test_operator_creates_project_through_the_form(operator, village, login_client):
    lat, lng = inside_point(village)
    client = login_client(operator)
    assert client.get("/projects/new/").status_code == 200
    response = client.post(
        "/projects/new/",
        {
            "village": village.code,
            "title": "Drainase Dusun Krajan",
            "work_type": "drain",
            "activity_code": "02.03.14",
            "fund_source": "DDS",
            "budget": "80000000",
            "volume": "200",
            "unit": "m",
            "executor": "TPK",
            "planned_start": "2026-03-01",
            "planned_end": "2026-06-30",
            "lat": "",
            "lng": "",
            "geometry": f'{{"type":"LineString","coordinates":[[{lng},{lat}],[{lng + 0.001},{lat}]]}}',  # noqa: E501
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.geometry_kind == "line" and project.unit_cost == 400000


def test_form_refuses_a_location_outside_the_village(
    operator, village, other_village, login_client
):
    lat, lng = inside_point(other_village)
    response = login_client(operator).post(
        "/projects/new/",
        {
            "village": village.code,
            "title": "Jalan",
            "work_type": "road",
            "fund_source": "DDS",
            "budget": "1000",
            "volume": "1",
            "unit": "m",
            "planned_start": "2026-03-01",
            "planned_end": "2026-06-30",
            "lat": str(lat),
            "lng": str(lng),
        },
    )
    assert response.status_code == 400
    assert (
        "outside the village" in response.content.decode() or "di luar" in response.content.decode()
    )
    assert not Project.objects.exists()


def test_progress_with_photos_and_scoped_exif_free_photo(
    operator, village, login_client, other_village, make_user
):
    project = _project(operator, village)
    client = login_client(operator)
    data = jpeg(scene(5), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())
    photo = io.BytesIO(data)
    photo.name = "foto.jpg"
    response = client.post(
        f"/projects/{project.pk}/progress/",
        {
            "stage": "0",
            "reported_on": timezone.localdate().isoformat(),
            "note": "Mulai",
            "photos": [photo],
            "device_lat": str(project.lat),
            "device_lng": str(project.lng),
            "device_accuracy_m": "6",
        },
    )
    assert response.status_code == 302
    stored = ProgressPhoto.objects.get()
    assert stored.device_accuracy_m == 6 and stored.exif_lat is not None
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/projects/photos/{stored.pk}/thumb/" in page
    thumb = client.get(f"/projects/photos/{stored.pk}/thumb/")
    assert thumb["Content-Type"] == "image/jpeg" and thumb["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(thumb.content)) as img:
        assert not img.getexif() and max(img.size) <= 320
    original = client.get(f"/projects/photos/{stored.pk}/original/")
    assert original.content == data and "attachment" in original["Content-Disposition"]
    outsider = make_user(roles=[("village_operator", other_village.code)])
    assert login_client(outsider).get(f"/projects/photos/{stored.pk}/thumb/").status_code == 404
    assert login_client(outsider).get(f"/projects/{project.pk}/").status_code == 404


def test_page_refuses_a_non_image_named_jpg_and_stores_nothing(
    operator, village, login_client, settings
):
    project = _project(operator, village)
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "foto.jpg"
    login_client(operator).post(
        f"/projects/{project.pk}/progress/",
        {"stage": "0", "reported_on": timezone.localdate().isoformat(), "photos": [fake]},
    )
    assert not ProgressPhoto.objects.exists()
    media = settings.MEDIA_ROOT / "projects"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_inspector_queue_counts_and_decision(operator, village, inspector, camat, login_client):
    a = _project(operator, village)
    _project(operator, village, title="Jalan rabat beton Dusun Krajan", north_m=30)
    flag = RedFlag.objects.get()
    client = login_client(inspector)
    html = client.get("/projects/flags/").content.decode()
    assert "Kemungkinan kegiatan ganda" in html  # Indonesian by default
    assert village.name in html
    detail = client.get(f"/projects/flags/{flag.pk}/")
    assert detail.status_code == 200 and a.title in detail.content.decode()
    assert (
        client.post(
            f"/projects/flags/{flag.pk}/", {"decision": "confirmed", "note": ""}
        ).status_code
        == 400
    )
    response = client.post(
        f"/projects/flags/{flag.pk}/", {"decision": "confirmed", "note": "Dicek lapangan."}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.decided_by == inspector
    # A kecamatan officer sees the flag but may not decide.
    camat_client = login_client(camat)
    assert camat_client.get(f"/projects/flags/{flag.pk}/").status_code == 200
    # The village does not see the queue.
    assert login_client(operator).get("/projects/flags/").status_code == 404
    assert login_client(operator).get(f"/projects/flags/{flag.pk}/").status_code == 404


def test_village_page_has_a_projects_panel(operator, village, login_client):
    _project(operator, village, title="Balai dusun")
    html = login_client(operator).get(f"/villages/{village.code}/").content.decode()
    assert "Balai dusun" in html


def test_flag_queue_query_count_does_not_grow_with_flags(
    operator, village, inspector, login_client, django_assert_max_num_queries
):
    for i in range(6):
        _project(operator, village, title=f"Jalan usaha tani {i}", north_m=i * 350 - 900)
        _project(operator, village, title=f"Jalan usaha tani {i}", north_m=i * 350 - 880)
    assert RedFlag.objects.count() >= 6
    client = login_client(inspector)
    with django_assert_max_num_queries(14):
        response = client.get("/projects/flags/")
    assert response.status_code == 200


def _media_files(settings: Any) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_refused_photo_leaves_no_report_and_no_progress(
    operator, village, login_client, settings
):
    """The defect found on planted data: a script named .jpg at stage 100 was refused, yet a
    photo-less report was left behind and the project showed 100 % complete."""
    from smartkampung.accounts.testing import snapshot_rows
    from smartkampung.audit.models import AuditEvent
    from smartkampung.projects.models import ProgressReport

    project = _project(operator, village)
    good = io.BytesIO(jpeg(scene(8), lat=project.lat, lng=project.lng))
    good.name = "selesai.jpg"
    fake = io.BytesIO(b"#!/bin/sh\nrm -rf /\n")
    fake.name = "skrip.jpg"
    before = snapshot_rows(Project, ProgressReport, ProgressPhoto, AuditEvent)
    files = _media_files(settings)
    client = login_client(operator)
    response = client.post(
        f"/projects/{project.pk}/progress/",
        {"stage": "100", "reported_on": timezone.localdate().isoformat(), "photos": [good, fake]},
        follow=True,
    )
    page = response.content.decode()
    assert "skrip.jpg" in page and "bukan gambar" in page  # which file, in Indonesian
    assert snapshot_rows(Project, ProgressReport, ProgressPhoto, AuditEvent) == before
    assert _media_files(settings) == files
    project.refresh_from_db()
    assert project.progress == 0 and project.status == "planned"


def test_a_report_without_photo_does_not_complete_the_project(operator, village, login_client):
    from smartkampung.projects.models import ProgressReport

    project = _project(operator, village)
    client = login_client(operator)
    today = timezone.localdate().isoformat()
    client.post(f"/projects/{project.pk}/progress/", {"stage": "100", "reported_on": today})
    assert ProgressReport.objects.filter(project=project, stage=100).exists()
    project.refresh_from_db()
    assert project.progress == 0 and project.status == "planned"
    photo = io.BytesIO(jpeg(scene(9), lat=project.lat, lng=project.lng))
    photo.name = "akhir.jpg"
    client.post(
        f"/projects/{project.pk}/progress/",
        {"stage": "100", "reported_on": today, "photos": [photo]},
    )
    project.refresh_from_db()
    assert project.progress == 100 and project.status == "completed"
    assert ProgressPhoto.objects.get().report.stage == 100


def test_form_refuses_a_future_report_date(operator, village, login_client):
    from datetime import timedelta

    from smartkampung.projects.models import ProgressReport

    project = _project(operator, village)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = login_client(operator).post(
        f"/projects/{project.pk}/progress/", {"stage": "0", "reported_on": tomorrow}, follow=True
    )
    assert f"Tanggal laporan {tomorrow} ada di masa depan." in response.content.decode()
    assert not ProgressReport.objects.exists()

"""An operator registers a project on the form's map and uploads progress photos; an inspector
sees the red flag the photos raise, compares the photos side by side and decides it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.projects import services
from smartkampung.projects.models import FlagStatus, Project, RedFlag
from smartkampung.projects.tests.factories import inside_point, jpeg, project_data, scene
from smartkampung.regions.models import Region

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


@pytest.fixture
def accounts(regions_loaded: Any, settings: Any, tmp_path: Any) -> dict[str, User]:
    settings.MEDIA_ROOT = tmp_path / "media"
    operator = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(user=operator, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    inspector = User.objects.create_user(username="inspektorat", password=PASSWORD)
    RoleAssignment.objects.create(user=inspector, role=Role.INSPECTOR, scope_id="35.10")
    return {"operator": operator, "inspector": inspector}


def test_operator_reports_and_inspector_decides(
    page: Any, live_server: Any, accounts: Any, tmp_path: Any
) -> None:
    base = live_server.url
    village = Region.objects.get(code=SARONGAN)
    # An earlier project elsewhere in the village, with a photo.
    earlier = services.project_create(
        actor=accounts["operator"],
        village_code=SARONGAN,
        data=project_data(village, title="Posyandu Melati", work_type="building", north_m=-900),
    )
    report = services.report_create(
        actor=accounts["operator"], project=earlier, stage=0, reported_on=timezone.localdate()
    )
    photo = jpeg(scene(42), lat=earlier.lat, lng=earlier.lng, taken_at=timezone.localtime())
    services.photo_add(actor=accounts["operator"], report=report, data=photo)
    (tmp_path / "reused.jpg").write_bytes(photo)
    lat, lng = inside_point(village)
    (tmp_path / "site.jpg").write_bytes(
        jpeg(scene(43), lat=lat, lng=lng, taken_at=timezone.localtime())
    )

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base, "operator.sarongan", PASSWORD)

    # The map of projects.
    page.goto(f"{base}/projects/")
    page.wait_for_selector("#map-status[data-count]")
    assert page.locator("#map-status").get_attribute("data-count") == "1"
    assert axe_serious_violations(page) == []

    # A new project: click the map to place it, then type the exact position.
    page.click("text=Kegiatan baru")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_timeout(500)
    page.click("#map", position={"x": 150, "y": 120})
    assert page.input_value("#id_lat") != ""
    assert axe_serious_violations(page) == []
    page.fill("#id_lat", f"{lat:.6f}")
    page.fill("#id_lng", f"{lng:.6f}")
    page.fill("#id_title", "Rabat beton jalan Dusun Krajan")
    page.select_option("#id_work_type", "road")
    page.fill("#id_activity_code", "02.03.10")
    page.select_option("#id_fund_source", "DDS")
    page.fill("#id_budget", "150000000")
    page.fill("#id_volume", "300")
    page.select_option("#id_unit", "m")
    page.fill("#id_planned_start", (timezone.localdate() - timedelta(days=20)).isoformat())
    page.fill("#id_planned_end", (timezone.localdate() + timedelta(days=70)).isoformat())
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    project = Project.objects.get(title="Rabat beton jalan Dusun Krajan")
    assert page.url.endswith(f"/projects/{project.pk}/")
    assert axe_serious_violations(page) == []

    # Progress at 0 % with two photos: one of the site, one reused from the other project.
    page.select_option("#id_stage", "0")
    page.set_input_files("#id_photos", [str(tmp_path / "site.jpg"), str(tmp_path / "reused.jpg")])
    with page.expect_navigation():
        page.click("button:has-text('Simpan progres')")
    assert page.locator("ul.photos img").count() == 2
    page.locator("ul.photos img").first.wait_for()
    assert axe_serious_violations(page) == []
    assert RedFlag.objects.filter(rule="PHOTO_REUSE", status=FlagStatus.OPEN).count() == 1
    # The village does not see the queue.
    assert page.goto(f"{base}/projects/flags/").status == 404

    # The inspector works the queue.
    page.context.clear_cookies()
    log_in(page, base, "inspektorat", PASSWORD)
    page.goto(f"{base}/projects/flags/")
    assert "Foto dipakai ulang" in page.content()
    assert axe_serious_violations(page) == []
    page.click("table a:has-text('Foto dipakai ulang')")
    assert page.locator(".side-by-side figure img").count() == 2
    assert axe_serious_violations(page) == []
    page.check("input[value=dismissed]")
    page.fill("#id_note", "Foto papan proyek yang sama, bukan bukti progres palsu.")
    with page.expect_navigation():
        page.click("text=Simpan keputusan")
    flag = RedFlag.objects.get(rule="PHOTO_REUSE")
    assert flag.status == FlagStatus.DISMISSED and flag.decided_by == accounts["inspector"]
    assert errors == []


def test_village_map_starts_on_the_village_with_its_boundary_under_the_points(
    page: Any, live_server: Any, accounts: Any
) -> None:
    base = live_server.url
    village = Region.objects.get(code=SARONGAN)
    services.project_create(
        actor=accounts["operator"],
        village_code=SARONGAN,
        data=project_data(village, title="Posyandu Melati", work_type="building", north_m=-900),
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base, "operator.sarongan", PASSWORD)
    page.goto(f"{base}/projects/")
    page.wait_for_selector("#map-status[data-count]")
    page.wait_for_selector("#map[data-boundaries]")
    assert page.locator("#map").get_attribute("data-boundaries") == "1"
    # The boundary is drawn in its own pane, below the project markers.
    z = page.evaluate(
        "() => [getComputedStyle(document.querySelector('.leaflet-boundaries-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex]"
    )
    assert int(z[0]) < int(z[1])
    assert page.locator(".leaflet-boundaries-pane canvas, .leaflet-boundaries-pane svg").count()
    # The map starts on the village: its centre lies inside the village's box.
    lat, lng = (float(v) for v in page.locator("#map").get_attribute("data-center").split(","))
    assert village.bbox is not None
    min_lng, min_lat, max_lng, max_lat = village.bbox
    assert min_lat <= lat <= max_lat and min_lng <= lng <= max_lng
    assert page.locator("#id_village").input_value() == SARONGAN
    assert errors == []
    assert axe_serious_violations(page) == []
    page.screenshot(path="/tmp/inbox_tools/projects-map-village.png")

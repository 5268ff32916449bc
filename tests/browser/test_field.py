"""The offline field app in a real browser: a progress report with a camera photo filled while
offline survives closing the page and is sent exactly once when the link returns; a photo
upload cut in the middle resumes; a lost answer makes no second record; a conflict is shown
with what to do; a throttled link carries a 5 MB photo."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.field.models import FieldPhoto, FieldRecord
from smartkampung.projects import services as project_services
from smartkampung.projects.models import PhotoUpload, ProgressPhoto, ProgressReport, Project
from smartkampung.projects.tests.factories import jpeg, project_data, scene
from smartkampung.regions.models import Region

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


@pytest.fixture
def field_setup(regions_loaded: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SK_PROJECTS_PARTIAL_UPLOAD_DIR = str(tmp_path / "partial")
    operator = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(user=operator, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    village = Region.objects.get(code=SARONGAN)
    project = project_services.project_create(
        actor=operator, village_code=SARONGAN, data=project_data(village), screen=False
    )
    return {"operator": operator, "project": project, "tmp": tmp_path}


@pytest.fixture
def new_context(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(**kwargs: Any) -> Any:
        context = browser.new_context(
            locale="id-ID",
            viewport={"width": 390, "height": 844},
            permissions=["geolocation"],
            geolocation={"latitude": -8.5830, "longitude": 114.0230, "accuracy": 12},
            base_url=live_server.url,
            **kwargs,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def photo_file(project: Project, tmp: Any, name: str = "IMG_0001.jpg", **kw: Any) -> Any:
    path = tmp / name
    path.write_bytes(
        jpeg(scene(kw.pop("seed", 11), **kw), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())
    )
    return path


def connect_device(context: Any, base: str) -> Any:
    """Log in once, connect the device, land in the field app with its service worker."""
    page = context.new_page()
    log_in(page, base, "operator.sarongan", PASSWORD)
    page.goto(f"{base}/field/connect/")
    page.fill("#id_name", "HP operator")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/field/")
    wait_ready(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_selector("#rf-project option[value]:not([value=''])", state="attached")
    return page


def wait_ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready=true]", state="attached")


def fill_report(page: Any, project: Project, photo: Any, stage: int = 0) -> None:
    page.goto("/field/#report")
    wait_ready(page)
    page.select_option("#rf-project", str(project.pk))
    page.select_option("#rf-stage", str(stage))
    page.fill("#rf-note", "Galian pondasi selesai")
    page.set_input_files("#rf-photos", str(photo))
    page.click("#rf-locate")
    page.wait_for_selector("#rf-location:has-text('±')")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#queue-list .q-item")


def item_status(page: Any) -> str:
    return page.locator("#queue-list .q-item").first.get_attribute("data-status") or ""


def wait_status(page: Any, status: str, timeout: float = 30_000) -> None:
    page.wait_for_selector(f"#queue-list .q-item[data-status={status}]", timeout=timeout)


def test_offline_report_survives_a_reopen_and_is_sent_once(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    project = field_setup["project"]
    photo = photo_file(project, field_setup["tmp"])
    context = new_context()
    errors: list[str] = []
    page = connect_device(context, live_server.url)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    context.set_offline(True)
    page.reload()  # the shell comes from the service worker
    wait_ready(page)
    assert page.locator("#net").get_attribute("data-state") == "offline"
    fill_report(page, project, photo)
    assert item_status(page) == "waiting"
    assert "Menunggu" in page.inner_text("#queue-list")
    assert axe_serious_violations(page) == []
    page.close()

    # Closed and reopened, still offline: the record is still there, waiting.
    page = context.new_page()
    page.goto("/field/#queue")
    wait_ready(page)
    assert item_status(page) == "waiting"
    assert FieldRecord.objects.count() == 0 and ProgressReport.objects.count() == 0

    context.set_offline(False)
    wait_status(page, "sent")
    assert ProgressReport.objects.filter(project=project).count() == 1
    stored = ProgressPhoto.objects.get()
    assert stored.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert stored.exif_taken_at is not None  # the original bytes, EXIF kept
    assert stored.device_accuracy_m == 12
    record = FieldRecord.objects.get()
    assert record.captured_at is not None and record.sent_at is not None
    assert record.device_lat == pytest.approx(-8.5830)
    # Sending again (the button, a reload) changes nothing.
    page.click("#send-now")
    page.reload()
    wait_ready(page)
    time.sleep(1)
    assert ProgressReport.objects.count() == 1 and ProgressPhoto.objects.count() == 1
    assert errors == []

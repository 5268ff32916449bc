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
from playwright.sync_api import expect

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


def photo_file(project: Project, tmp: Any, name: str = "IMG_0001.jpg", seed: int = 11) -> Any:
    path = tmp / name
    data = jpeg(scene(seed), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())
    path.write_bytes(data)
    return path


def big_photo_file(project: Project, tmp: Any, pixels: tuple[int, int]) -> Any:
    """A camera-sized JPEG (sensor noise compresses little), with EXIF."""
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(5).integers(0, 256, (pixels[1], pixels[0], 3), dtype=np.uint8)
    path = tmp / "IMG_BIG.jpg"
    path.write_bytes(
        jpeg(
            Image.fromarray(noise), lat=project.lat, lng=project.lng, taken_at=timezone.localtime()
        )
    )
    return path


def throttle(context: Any, page: Any, kbit_per_s: float, offline: bool = False) -> Any:
    """Chromium's network emulation (CDP): the upload and download rate of a weak link."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = kbit_per_s * 1000 / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 150, "downloadThroughput": rate, "uploadThroughput": rate},
    )
    return cdp


def set_link(cdp: Any, kbit_per_s: float, offline: bool) -> None:
    rate = kbit_per_s * 1000 / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 150, "downloadThroughput": rate, "uploadThroughput": rate},
    )


def connect_device(
    context: Any,
    base: str,
    username: str = "operator.sarongan",
    loaded: str = "#rf-project option[value]:not([value=''])",
) -> Any:
    """Log in once, connect the device, land in the field app with its service worker."""
    page = context.new_page()
    log_in(page, base, username, PASSWORD)
    page.goto(f"{base}/field/connect/")
    page.fill("#id_name", "HP lapangan")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/field/")
    wait_ready(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_selector(loaded, state="attached")  # the bootstrap arrived
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


def test_a_photo_upload_cut_in_the_middle_resumes_to_one_photo(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    project = field_setup["project"]
    photo = big_photo_file(project, field_setup["tmp"], (1500, 1200))
    size = photo.stat().st_size
    context = new_context()
    page = connect_device(context, live_server.url)
    cdp = throttle(context, page, 800)
    fill_report(page, project, photo)
    # Wait until part of the photo has arrived, then cut the link.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        upload = PhotoUpload.objects.first()
        if upload and upload.received >= 256 * 1024:
            break
        time.sleep(0.2)
    set_link(cdp, 800, offline=True)
    cut_at = PhotoUpload.objects.get().received
    assert 0 < cut_at < size
    wait_status(page, "waiting")
    assert ProgressPhoto.objects.count() == 0
    time.sleep(2)
    set_link(cdp, 800, offline=False)
    wait_status(page, "sent", timeout=90_000)
    stored = ProgressPhoto.objects.get()
    assert stored.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert stored.size_bytes == size
    # Resumed, not restarted: the one upload carried on from where it stopped.
    assert PhotoUpload.objects.count() == 1
    assert FieldPhoto.objects.get().photo_id == stored.pk


def test_a_lost_answer_is_resent_with_the_same_key_and_makes_one_record(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    project = field_setup["project"]
    photo = photo_file(project, field_setup["tmp"])
    # No service worker here, so that the test sees (and drops) the page's own requests.
    context = new_context(service_workers="block")
    page = context.new_page()
    log_in(page, live_server.url, "operator.sarongan", PASSWORD)
    page.goto("/field/connect/")
    page.fill("#id_name", "HP operator")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/")
    wait_ready(page)
    page.wait_for_selector("#rf-project option[value]:not([value=''])", state="attached")
    sends: list[int] = []

    def lose_first_answer(route: Any) -> None:
        sends.append(1)
        if len(sends) == 1:
            route.fetch()  # the server receives and stores the record…
            route.abort("connectionreset")  # …but its answer never reaches the phone
        else:
            route.continue_()

    page.route("**/api/v1/field/records", lose_first_answer)
    fill_report(page, project, photo)
    wait_status(page, "sent")
    assert len(sends) >= 2
    assert FieldRecord.objects.count() == 1
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert ProgressPhoto.objects.count() == 1


def test_a_conflicting_record_is_shown_with_what_to_do(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    project = field_setup["project"]
    photo = photo_file(project, field_setup["tmp"])
    context = new_context()
    page = connect_device(context, live_server.url)
    context.set_offline(True)
    fill_report(page, project, photo, stage=0)
    # Meanwhile a colleague at the office reports the same stage.
    existing = project_services.report_create(
        actor=field_setup["operator"], project=project, stage=0, reported_on=timezone.localdate()
    )
    context.set_offline(False)
    page.click("#send-now")
    wait_status(page, "attention")
    item = page.locator("#queue-list .q-item").first
    assert "Orang lain sudah melaporkan 0 %" in item.inner_text()
    assert item.locator("button[data-action=attach]").is_visible()
    assert item.locator("button[data-action=discard]").is_visible()
    assert axe_serious_violations(page) == []
    # Reloading does not lose it.
    page.reload()
    wait_ready(page)
    wait_status(page, "attention")
    page.click("#queue-list .q-item button[data-action=attach]")
    wait_status(page, "sent")
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert ProgressPhoto.objects.get().report_id == existing.pk
    assert FieldRecord.objects.get().attached_to_existing


def test_a_counter_letter_request_drafted_offline(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    from smartkampung.letters.models import LetterRequest
    from smartkampung.letters.services.catalogue import letter_types_install_defaults
    from smartkampung.population.testing import make_resident

    letter_types_install_defaults(regency_code="35.10")
    village = Region.objects.get(code=SARONGAN)
    resident = make_resident(
        actor=field_setup["operator"], village=village, full_name="Siti Aminah"
    )
    context = new_context()
    page = connect_device(context, live_server.url)
    page.wait_for_selector("#lf-type option[value=domisili]", state="attached")
    context.set_offline(True)
    page.goto("/field/#letter")
    wait_ready(page)
    page.select_option("#lf-type", "domisili")
    wrong = resident.nik[:-4] + ("0000" if resident.nik[-4:] != "0000" else "0001")
    page.fill("#lf-nik", wrong)
    page.fill("#lf-field-alamat_domisili", "Dusun Krajan RT 001 RW 002")
    page.fill("#lf-field-keperluan", "Melamar pekerjaan")
    page.click("#letter-form button[type=submit]")
    wait_status(page, "waiting")
    assert resident.nik[4:12] not in page.inner_text("#queue-list")  # NIK masked in the queue
    context.set_offline(False)
    page.click("#send-now")
    wait_status(page, "attention")
    assert "NIK" in page.inner_text("#queue-list")
    # Correct the NIK: the same record (same key) is sent again.
    page.click("#queue-list .q-item button[data-action=edit]")
    expect(page.locator("#lf-field-keperluan")).to_have_value("Melamar pekerjaan")
    page.fill("#lf-nik", resident.nik)
    # The link coming back refreshes the forms; what was typed must survive it.
    with page.expect_response("**/api/v1/field/bootstrap"):
        page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(200)
    assert page.input_value("#lf-field-keperluan") == "Melamar pekerjaan"
    page.click("#letter-form button[type=submit]")
    wait_status(page, "sent")
    assert page.locator("#queue-list .q-item").count() == 1
    request = LetterRequest.objects.get()
    assert (request.resident_id, request.channel, request.status) == (
        resident.pk,
        "counter",
        "draft",
    )
    assert FieldRecord.objects.get().letter_request_id == request.pk


def posyandu_setup(operator: User, days_old: int = 400) -> tuple[Any, User, Any]:
    """A posyandu of Sarongan's RW 002, its cadre (who logs in) and a child of the RW."""
    from datetime import timedelta

    from smartkampung.health import services as health_services
    from smartkampung.population.codes import FamilyRole, MaritalStatus, Sex
    from smartkampung.population.testing import make_resident

    village = Region.objects.get(code=SARONGAN)
    posyandu = health_services.posyandu_create(
        actor=operator, village=village, name="Melati", rw="002"
    )
    cadre = User.objects.create_user(username="kader.melati", password=PASSWORD)
    RoleAssignment.objects.create(user=cadre, role=Role.POSYANDU_CADRE, scope_id=SARONGAN)
    health_services.cadre_assign(actor=operator, posyandu=posyandu, user=cadre)
    child = make_resident(
        actor=operator,
        village=village,
        birth_date=timezone.localdate() - timedelta(days=days_old),
        sex=Sex.FEMALE,
        full_name="Ayu Lestari",
        family_role=FamilyRole.CHILD,
        marital_status=MaritalStatus.NOT_MARRIED,
        rw="002",
    )
    return posyandu, cadre, child


def test_a_posyandu_visit_weighed_offline_is_stored_once(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    from datetime import timedelta

    from smartkampung.health import services as health_services
    from smartkampung.health.models import GrowthVisit

    posyandu, cadre, child = posyandu_setup(field_setup["operator"])
    # Last month the child had BCG: the device is told, and offers it no more.
    earlier = health_services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=timezone.localdate() - timedelta(days=35),
        weight_kg="8.9",
        immunisations=["bcg"],
    )
    context = new_context()
    errors: list[str] = []
    page = connect_device(
        context, live_server.url, "kader.melati", f"#vf-child option[value='{child.pk}']"
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    context.set_offline(True)
    page.goto("/field/#visit")
    wait_ready(page)
    page.select_option("#vf-child", str(child.pk))
    assert page.input_value("#vf-position") == "lying"  # under two: length, lying
    # A typing error is caught on the device: nothing is queued.
    page.fill("#vf-weight_kg", "91")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#vf-error")).to_contain_text("Harus antara 0.3 dan 60")
    assert page.locator("#queue-list .q-item").count() == 0
    page.fill("#vf-weight_kg", "9.1")
    page.fill("#vf-height_cm", "75.5")
    page.fill("#vf-muac_cm", "14.2")
    page.check("#vf-vitamin_a")
    assert page.locator("#vf-vaccines input[value=bcg]").count() == 0
    page.get_by_label("Campak-Rubela 1 (MR 1)").check()
    page.click("#visit-form button[type=submit]")
    wait_status(page, "waiting")
    assert "Kunjungan posyandu — Ayu Lestari" in page.inner_text("#queue-list")
    assert axe_serious_violations(page) == []
    page.reload()  # still offline: the shell from the service worker, the visit still queued
    wait_ready(page)
    assert item_status(page) == "waiting"
    assert GrowthVisit.objects.count() == 1 and FieldRecord.objects.count() == 0

    context.set_offline(False)
    wait_status(page, "sent")
    visit = GrowthVisit.objects.exclude(pk=earlier.pk).get()
    assert (visit.child_id, visit.posyandu_id, visit.recorded_by_id) == (
        child.pk,
        posyandu.pk,
        cadre.pk,
    )
    assert visit.immunisations == ["mr1"]
    assert (str(visit.weight_kg), str(visit.height_cm), visit.position) == (
        "9.10",
        "75.5",
        "lying",
    )
    assert visit.vitamin_a and str(visit.muac_cm) == "14.2"
    assert FieldRecord.objects.get().growth_visit_id == visit.pk
    page.click("#send-now")  # sending again (the button, a reload) makes no second visit
    page.reload()
    wait_ready(page)
    time.sleep(1)
    assert GrowthVisit.objects.count() == 2 and FieldRecord.objects.count() == 1
    assert errors == []


def test_a_visit_the_server_refuses_is_corrected_and_sent_with_its_key(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    from datetime import timedelta

    from smartkampung.health.models import GrowthVisit
    from smartkampung.population.models import Resident

    _posyandu, _cadre, child = posyandu_setup(field_setup["operator"], days_old=150)
    context = new_context()
    page = connect_device(
        context, live_server.url, "kader.melati", f"#vf-child option[value='{child.pk}']"
    )
    context.set_offline(True)
    page.goto("/field/#visit")
    wait_ready(page)
    page.select_option("#vf-child", str(child.pk))
    page.fill("#vf-weight_kg", "6.8")
    page.select_option("#vf-breastfeeding", "yes")  # five months old on the device's list
    page.click("#visit-form button[type=submit]")
    wait_status(page, "waiting")
    key = page.locator("#queue-list .q-item").first.get_attribute("data-key")
    # Meanwhile the register corrects the birth date: the baby is eight months old.
    Resident.objects.filter(pk=child.pk).update(
        birth_date=timezone.localdate() - timedelta(days=250)
    )
    context.set_offline(False)
    wait_status(page, "attention")
    assert "ASI eksklusif" in page.inner_text("#queue-list")
    assert GrowthVisit.objects.count() == 0 and FieldRecord.objects.count() == 0
    page.click("#queue-list .q-item button[data-action=edit]")
    expect(page.locator("#vf-weight_kg")).to_have_value("6.8")
    page.select_option("#vf-breastfeeding", "")
    page.click("#visit-form button[type=submit]")
    wait_status(page, "sent")
    assert page.locator("#queue-list .q-item").count() == 1
    visit = GrowthVisit.objects.get()
    assert visit.exclusive_breastfeeding is None and str(visit.weight_kg) == "6.80"
    assert str(FieldRecord.objects.get().key) == key  # corrected, not a second record


def test_a_5_mb_photo_on_a_400_kbit_link_completes(
    new_context: Any, live_server: Any, field_setup: dict[str, Any]
) -> None:
    project = field_setup["project"]
    photo = big_photo_file(project, field_setup["tmp"], (2700, 2300))
    assert photo.stat().st_size >= 5 * 1024 * 1024
    context = new_context()
    page = connect_device(context, live_server.url)
    throttle(context, page, 400)
    fill_report(page, project, photo)
    wait_status(page, "sent", timeout=300_000)
    stored = ProgressPhoto.objects.get()
    assert stored.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert PhotoUpload.objects.count() == 1

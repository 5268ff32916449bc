"""The counter search and the attachment viewer in Chromium (issue 19): two residents of the
same name told apart by birth date, RT/RW and masked NIK; a request's photo opened in the
viewer page and actually drawn under the inline file's policy; axe on both pages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.letters.services.catalogue import letter_types_install_defaults

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def office(regions_loaded: Any, settings: Any, live_server: Any) -> dict[str, Any]:
    from smartkampung.population.codes import Sex
    from smartkampung.population.testing import make_resident

    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_PUBLIC_BASE_URL = live_server.url
    letter_types_install_defaults(regency_code="35.10")
    operator = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(
        user=operator, role=Role.VILLAGE_OPERATOR, scope_id="35.10.01.2001"
    )
    residents = [
        make_resident(
            actor=operator,
            village="35.10.01.2001",
            full_name="Siti Aminah",
            sex=Sex.FEMALE,
            birth_date=born,
            rt=rt,
            rw="002",
        )
        for born, rt in ((dt.date(1990, 7, 5), "001"), (dt.date(1972, 11, 23), "004"))
    ]
    return {"operator": operator, "residents": residents}


def _photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 110, 170)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_the_counter_tells_namesakes_apart_and_the_viewer_shows_the_photo(
    page: Any, live_server: Any, office: dict[str, Any]
) -> None:
    from smartkampung.letters.models import LetterType
    from smartkampung.letters.services.requests import Upload, letter_request_create

    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, "operator.sarongan", PASSWORD)
    page.goto(f"{live_server.url}/letters/counter/")
    page.fill("#id_q", "Siti Aminah")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    rows = page.locator("main tbody tr")
    assert rows.count() == 2
    texts = [rows.nth(i).inner_text() for i in range(2)]
    assert any("5 Juli 1990" in t and "001/002" in t for t in texts), texts
    assert any("23 November 1972" in t and "004/002" in t for t in texts), texts
    html = page.content()
    for resident in office["residents"]:
        assert resident.nik not in html
        assert f"{resident.nik[:4]}••••••••{resident.nik[-4:]}" in html
    assert axe_serious_violations(page) == []
    page.screenshot(path=str(SHOTS / "counter-namesakes.png"), full_page=True)

    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    request = letter_request_create(
        actor=office["operator"],
        letter_type=spm,
        resident=office["residents"][1],
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[Upload("ktp", "ktp.jpg", _photo())],
        submit=False,
    )
    page.goto(f"{live_server.url}/letters/requests/{request.pk}/")
    with page.expect_navigation():
        page.click("main a[href$='/view/']")
    image = page.locator("img.attachment-view")
    image.wait_for()
    # drawn, not blocked: the inline file's sandboxing policy still lets an <img> show it
    page.wait_for_function("document.querySelector('img.attachment-view').complete")
    assert image.evaluate("img => img.naturalWidth") == 320
    assert axe_serious_violations(page) == []
    page.screenshot(path=str(SHOTS / "attachment-viewer.png"), full_page=True)

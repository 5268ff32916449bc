"""Letters in Chromium: the public verification page (genuine and tampered PDFs), the officers'
pages, accessibility. The full request journey is in test_letters_journey.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.letters.composition import LetterSubject
from smartkampung.letters.models import Letter
from smartkampung.letters.services.catalogue import letter_types_install_defaults
from smartkampung.letters.services.letters import letter_create_numbered, letter_sign
from smartkampung.regions.models import Region

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"


@pytest.fixture
def letter_settings(settings: Any, live_server: Any) -> None:
    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_PUBLIC_BASE_URL = live_server.url
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"


@pytest.fixture
def signed_letter(regions_loaded: Any, letter_settings: None) -> Letter:
    letter_types_install_defaults(regency_code="35.10")
    head = User.objects.create_user(
        username="kades.sarongan", password=PASSWORD, full_name="Budi Santoso"
    )
    RoleAssignment.objects.create(user=head, role=Role.VILLAGE_HEAD, scope_id="35.10.01.2001")
    from smartkampung.letters.models import LetterType

    with transaction.atomic():
        letter = letter_create_numbered(
            letter_type=LetterType.objects.get(regency_id="35.10", code="spm"),
            village=Region.objects.get(code="35.10.01.2001"),
            subject=LetterSubject(name="Siti Aminah", nik="3510014507900003"),
            values={"keperluan": "pelayanan kesehatan gratis"},
            signer=head,
            now=timezone.now(),
        )
    return letter_sign(letter_id=letter.pk)


def test_verification_page_checks_genuine_and_tampered_files(
    page: Any, live_server: Any, signed_letter: Letter, tmp_path: Path
) -> None:
    page.goto(f"{live_server.url}/v/{signed_letter.token}")
    assert page.locator("[data-status]").first.get_attribute("data-status") == "valid"
    assert "3510••••••••0003" in page.content()
    assert axe_serious_violations(page) == []

    genuine = tmp_path / "surat.pdf"
    with signed_letter.pdf.open("rb") as handle:
        genuine.write_bytes(handle.read())
    page.set_input_files("#id_document", str(genuine))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-check]").get_attribute("data-check") == "genuine"
    assert axe_serious_violations(page) == []

    tampered = tmp_path / "surat-ubah.pdf"
    data = bytearray(genuine.read_bytes())
    data[len(data) // 3] ^= 0x01
    tampered.write_bytes(bytes(data))
    page.set_input_files("#id_document", str(tampered))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-check]").get_attribute("data-check") == "mismatch"
    # The verdict for the file leads the page, in red, and no green "valid" stands above it.
    verdict = page.locator("#verdict")
    assert page.locator("main h2").first.get_attribute("data-check") == "mismatch"
    assert verdict.locator("h2").inner_text().startswith("Tidak cocok")
    red = verdict.locator("h2").evaluate("e => getComputedStyle(e).color")
    assert red == "rgb(164, 22, 26)", red
    verdict_top = verdict.bounding_box()["y"]
    for badge in page.locator(".badge").all():
        color = badge.evaluate("e => getComputedStyle(e).color")
        assert badge.bounding_box()["y"] > verdict_top
        assert color != "rgb(17, 98, 47)", "a green badge on a mismatch page"
    assert axe_serious_violations(page) == []


def test_officer_pages_are_accessible(page: Any, live_server: Any, signed_letter: Letter) -> None:
    officer = User.objects.create_user(username="pmd", password=PASSWORD)
    RoleAssignment.objects.create(user=officer, role=Role.REGENCY_OFFICER, scope_id="35.10")
    log_in(page, live_server.url, "pmd", PASSWORD)
    for path in (
        "/letters/",
        "/letters/types/",
        "/letters/types/spm/",
        "/letters/certificates/",
        "/letters/overview/",
        "/letters/overview/?region=35.10.01",
        "/letters/overview/spm/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert axe_serious_violations(page) == [], path

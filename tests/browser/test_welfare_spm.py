"""Welfare in Chromium: the village head opens a checked SPM request of a household outside
the welfare register, sees the welfare panel, cannot approve without a reason (the red text of
the refusal), then approves with a reason from the panel; the operator's red light on the
enrolment page. axe on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.letters.models import LetterRequest, LetterType, RequestStatus
from smartkampung.letters.services.catalogue import letter_types_install_defaults
from smartkampung.letters.services.requests import (
    Upload,
    letter_request_check,
    letter_request_create,
)
from smartkampung.welfare.models import SpmOutsideRegister

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


@pytest.fixture
def spm_waiting(regions_loaded: Any, settings: Any, live_server: Any) -> LetterRequest:
    import io

    import typst
    from PIL import Image

    from smartkampung.population.testing import make_resident

    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_PUBLIC_BASE_URL = live_server.url
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"
    letter_types_install_defaults(regency_code="35.10")
    operator = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(user=operator, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    head = User.objects.create_user(username="kades.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(user=head, role=Role.VILLAGE_HEAD, scope_id=SARONGAN)
    resident = make_resident(
        actor=operator, village=SARONGAN, full_name="Sumiati", birth_date=dt.date(1950, 3, 3)
    )
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 200, 230)).save(buffer, format="JPEG")
    request = letter_request_create(
        actor=operator,
        letter_type=LetterType.objects.get(regency_id="35.10", code="spm"),
        resident=resident,
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[
            Upload("ktp", "ktp.jpg", buffer.getvalue()),
            Upload("kk", "kk.pdf", typst.compile(b"= Kartu Keluarga", format="pdf")),
        ],
        submit=True,
    )
    return letter_request_check(actor=operator, request_id=request.pk)


def test_spm_outside_the_register_is_approved_with_a_reason(
    spm_waiting: LetterRequest, live_server: Any, browser: Any
) -> None:
    base = live_server.url
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, base, "kades.sarongan", PASSWORD)
    page.goto(f"{base}/letters/requests/{spm_waiting.pk}/")
    panel = page.locator("#welfare-panel-h")
    assert panel.is_visible()
    assert axe_serious_violations(page) == []
    # The ordinary approval is refused: the household is outside the register.
    with page.expect_navigation():
        page.click("button[data-action='approve']")
    # Signing asks twice: the head confirms with the password first (held a few minutes).
    page.fill("#id_stepup_password", PASSWORD)
    with page.expect_navigation():
        page.click("[data-stepup-form] button[type=submit]")
    assert "data kesejahteraan" in page.locator(".messages").inner_text()
    assert LetterRequest.objects.get().status == RequestStatus.VERIFIED
    # With the reason typed in the welfare panel it is issued and the reason recorded.
    page.fill("#spm-outside-reason", "Lansia sebatang kara, belum terdata DTKS")
    with page.expect_navigation():
        page.click("button[data-action='approve-outside']")
    assert LetterRequest.objects.get().status == RequestStatus.ISSUED
    assert SpmOutsideRegister.objects.get().reason.startswith("Lansia sebatang kara")
    assert axe_serious_violations(page) == []
    context.close()

"""The SPM journey in Chromium: a citizen requests → the operator checks → the head approves →
the citizen downloads the signed PDF → its page is rendered with pdftoppm → the QR code read
with zbarimg leads to the verification page, which says "valid"; pdfsig says the signature is
valid; a tampered copy fails the check. axe on every page."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.letters.models import LetterRequest, RequestStatus
from smartkampung.letters.services.catalogue import letter_types_install_defaults

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"


@pytest.fixture
def people(regions_loaded: Any, settings: Any, live_server: Any) -> dict[str, Any]:
    from smartkampung.population.codes import Sex
    from smartkampung.population.services.access import activation_code_issue, citizen_activate
    from smartkampung.population.testing import make_resident

    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_PUBLIC_BASE_URL = live_server.url
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"
    # The applicant is outside the welfare register; tests/browser/test_welfare_spm.py walks
    # the SPM approval with welfare's check (SK_LETTER_APPROVAL_CHECKS).
    settings.SK_LETTER_APPROVAL_CHECKS = []
    letter_types_install_defaults(regency_code="35.10")
    operator = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(
        user=operator, role=Role.VILLAGE_OPERATOR, scope_id="35.10.01.2001"
    )
    head = User.objects.create_user(
        username="kades.sarongan", password=PASSWORD, full_name="Budi Santoso"
    )
    RoleAssignment.objects.create(user=head, role=Role.VILLAGE_HEAD, scope_id="35.10.01.2001")
    resident = make_resident(
        actor=operator,
        village="35.10.01.2001",
        full_name="Siti Aminah",
        sex=Sex.FEMALE,
        birth_date=dt.date(1990, 7, 5),
    )
    code = activation_code_issue(actor=operator, resident=resident)
    user = citizen_activate(nik=resident.nik, code=code, password=PASSWORD, address=None)
    return {"citizen": user, "resident": resident, "operator": operator, "head": head}


def _files(tmp_path: Path) -> tuple[Path, Path]:
    import typst
    from PIL import Image

    ktp = tmp_path / "ktp.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 200, 230)).save(buffer, format="JPEG")
    ktp.write_bytes(buffer.getvalue())
    kk = tmp_path / "kk.pdf"
    kk.write_bytes(typst.compile(b"= Kartu Keluarga", format="pdf"))
    return ktp, kk


def test_spm_journey(
    page: Any, browser: Any, live_server: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    base = live_server.url
    ktp, kk = _files(tmp_path)

    # 1. The citizen requests an SPM online.
    log_in(page, base, people["resident"].nik, PASSWORD)  # citizens log in by NIK only
    page.goto(f"{base}/letters/")
    assert axe_serious_violations(page) == []
    page.click("a[href='/letters/my/']")
    assert axe_serious_violations(page) == []
    page.click("a[href='/letters/new/']")
    assert axe_serious_violations(page) == []
    page.click("a[data-type='spm']")
    assert "Siti Aminah" in page.content()
    assert axe_serious_violations(page) == []
    page.select_option("#id_f_keperluan", "pelayanan kesehatan gratis")
    page.set_input_files("#id_d_ktp", str(ktp))
    page.set_input_files("#id_d_kk", str(kk))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    status = page.locator("[data-request-status]").first.get_attribute("data-request-status")
    assert status == "submitted"
    assert axe_serious_violations(page) == []
    request = LetterRequest.objects.get()
    request_url = f"{base}/letters/requests/{request.pk}/"

    # 2. The operator checks it.
    operator_context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    operator_page = operator_context.new_page()
    log_in(operator_page, base, "operator.sarongan", PASSWORD)
    operator_page.goto(f"{base}/letters/requests/")
    assert axe_serious_violations(operator_page) == []
    operator_page.click(f"a[href='/letters/requests/{request.pk}/']")
    assert axe_serious_violations(operator_page) == []
    with operator_page.expect_navigation():
        operator_page.click("button[data-action='check']")
    assert LetterRequest.objects.get().status == RequestStatus.VERIFIED
    operator_context.close()

    # 3. The village head approves (numbered, typeset, signed).
    head_context = browser.new_context(locale="id-ID", viewport={"width": 1024, "height": 800})
    head_page = head_context.new_page()
    log_in(head_page, base, "kades.sarongan", PASSWORD)
    head_page.goto(request_url)
    assert axe_serious_violations(head_page) == []
    with head_page.expect_navigation():
        head_page.click("button[data-action='approve']")
    # Signing asks twice (step-up): the letter's summary and the head's password.
    summary = head_page.locator("[data-stepup-summary]")
    assert "Surat Pernyataan Miskin" in summary.inner_text()
    assert "Siti Aminah" in summary.inner_text()
    assert axe_serious_violations(head_page) == []
    head_page.fill("#id_stepup_password", "not-the-password")
    with head_page.expect_navigation():
        head_page.click("[data-stepup-form] button[type=submit]")
    assert head_page.locator("[data-stepup-error]").is_visible()
    assert LetterRequest.objects.get().status == RequestStatus.VERIFIED  # nothing signed
    head_page.fill("#id_stepup_password", PASSWORD)
    with head_page.expect_navigation():
        head_page.click("[data-stepup-form] button[type=submit]")
    assert LetterRequest.objects.get().status == RequestStatus.ISSUED
    assert axe_serious_violations(head_page) == []
    head_context.close()

    # 4. The citizen downloads the PDF.
    page.goto(request_url)
    assert (
        page.locator("[data-request-status]").first.get_attribute("data-request-status") == "issued"
    )
    assert axe_serious_violations(page) == []
    with page.expect_download() as download_info:
        page.click("a[data-download]")
    pdf = tmp_path / "surat.pdf"
    download_info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")

    # pdfsig: the signature is valid.
    sig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in sig and "Budi Santoso" in sig

    # 5. Render the page, read the QR code, open the verification page.
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    qr = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True
    ).stdout.strip()
    assert qr.startswith(f"{base}/v/")
    anonymous = browser.new_context(locale="id-ID")
    public = anonymous.new_page()
    public.goto(qr)
    assert public.locator("[data-status]").first.get_attribute("data-status") == "valid"
    assert "Siti Aminah" not in public.content()
    assert axe_serious_violations(public) == []

    # 6. The genuine file passes the check; a tampered copy fails.
    public.set_input_files("#id_document", str(pdf))
    with public.expect_navigation():
        public.click("main form button[type=submit]")
    assert public.locator("[data-check]").get_attribute("data-check") == "genuine"
    tampered = tmp_path / "surat-palsu.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x20
    tampered.write_bytes(bytes(data))
    public.set_input_files("#id_document", str(tampered))
    with public.expect_navigation():
        public.click("main form button[type=submit]")
    assert public.locator("[data-check]").get_attribute("data-check") == "mismatch"
    anonymous.close()

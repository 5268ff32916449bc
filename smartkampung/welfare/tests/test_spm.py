"""The SPM and the register: the officer sees the household's welfare status; an SPM outside
the register is issued only with a recorded reason, and the regency sees them per village."""

from __future__ import annotations

from typing import Any

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.letters.models import Letter, LetterRequest, LetterType, RequestStatus
from smartkampung.letters.services.catalogue import letter_types_install_defaults
from smartkampung.letters.services.requests import (
    Upload,
    letter_request_approve,
    letter_request_check,
    letter_request_create,
)
from smartkampung.letters.tests.conftest import jpeg_bytes, pdf_bytes
from smartkampung.population.models import ResidentViewLog
from smartkampung.welfare import selectors
from smartkampung.welfare.models import SpmOutsideRegister

from .conftest import SARONGAN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_letters(settings: Any, tmp_path: Any) -> None:
    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def head(make_user: Any) -> Any:
    return make_user("kades", roles=[(Role.VILLAGE_HEAD, SARONGAN)], full_name="Budi Santoso")


def _checked_spm(family: dict[str, Any], operator: Any) -> LetterRequest:
    letter_types_install_defaults(regency_code="35.10")
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    request = letter_request_create(
        actor=operator,
        letter_type=spm,
        resident=family["head"],
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[Upload("ktp", "ktp.jpg", jpeg_bytes()), Upload("kk", "kk.pdf", pdf_bytes())],
        submit=True,
    )
    return letter_check(request, operator)


def letter_check(request: LetterRequest, operator: Any) -> LetterRequest:
    return letter_request_check(actor=operator, request_id=request.pk)


def _rows() -> list[Any]:
    return snapshot_rows(LetterRequest, Letter, SpmOutsideRegister)


def test_an_spm_outside_the_register_needs_a_reason(make_family, operator, head) -> None:
    family = make_family()
    request = _checked_spm(family, operator)
    exc = assert_refused_unchanged(
        lambda: letter_request_approve(actor=head, request_id=request.pk), snapshot=_rows
    )
    assert exc.code == "approval_refused" and "welfare register" in exc.message
    approved = letter_request_approve(
        actor=head, request_id=request.pk, reason="Korban banjir, belum terdata DTKS"
    )
    assert approved.status == RequestStatus.ISSUED
    record = SpmOutsideRegister.objects.get(letter_request_id=request.pk)
    assert (record.village_id, record.household_id, record.reason) == (
        SARONGAN,
        family["household_id"],
        "Korban banjir, belum terdata DTKS",
    )


def test_an_spm_inside_the_register_needs_no_reason(
    make_family, in_register, operator, head
) -> None:
    family = make_family()
    in_register((family, 2))
    request = _checked_spm(family, operator)
    assert letter_request_approve(actor=head, request_id=request.pk).status == RequestStatus.ISSUED
    assert not SpmOutsideRegister.objects.exists()


def test_the_regency_sees_spms_outside_the_register_per_village(
    make_family, operator, head, social, regency_officer, login_client
) -> None:
    request = _checked_spm(make_family(), operator)
    letter_request_approve(actor=head, request_id=request.pk, reason="Belum terdata")
    counts = selectors.spm_outside_register_counts(actor=regency_officer)
    assert [(c["village_id"], c["n"]) for c in counts] == [(SARONGAN, 1)]
    page = login_client(social).get("/welfare/reports/")
    assert page.status_code == 200 and "Sarongan" in page.content.decode()


def test_the_request_page_shows_the_welfare_status_and_logs_the_view(
    make_family, in_register, operator, head, login_client
) -> None:
    family = make_family()
    in_register((family, 3))
    request = _checked_spm(family, operator)
    before = ResidentViewLog.objects.filter(resident=family["head"]).count()
    page = login_client(head).get(f"/letters/requests/{request.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "welfare-panel-h" in body
    assert ResidentViewLog.objects.filter(resident=family["head"]).count() == before + 1
    # Outside the register: the panel offers approval with a reason, and it works.
    outsider = make_family()
    other = _checked_spm(outsider, operator)
    body = login_client(head).get(f"/letters/requests/{other.pk}/").content.decode()
    assert "spm-outside-reason" in body
    response = login_client(head).post(
        f"/letters/requests/{other.pk}/approve/",
        {"reason": "Lansia sebatang kara", "stepup_password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert (
        SpmOutsideRegister.objects.get(letter_request_id=other.pk).reason == "Lansia sebatang kara"
    )


def test_the_health_office_reads_the_spm_list(make_user, login_client) -> None:
    health = make_user("dinkes", roles=[(Role.HEALTH_OFFICER, "35.10")])
    assert login_client(health).get("/letters/overview/spm/").status_code == 200
    assert login_client(health).get("/api/v1/letters/overview/spm").status_code == 200
    # ... but not the welfare register (that is the social office's and the village's).
    assert login_client(health).get("/welfare/register/").status_code == 404


def test_the_api_approval_takes_the_reason(make_family, operator, head, login_client) -> None:
    request = _checked_spm(make_family(), operator)
    client = login_client(head)
    stepup = {"HTTP_X_STEP_UP_PASSWORD": "correct-horse-battery"}  # signing asks twice
    refused = client.post(f"/api/v1/letters/requests/{request.pk}/approve", **stepup)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_refused"
    assert not SpmOutsideRegister.objects.exists()
    ok = client.post(
        f"/api/v1/letters/requests/{request.pk}/approve",
        {"reason": "Korban kebakaran"},
        content_type="application/json",
        **stepup,
    )
    assert ok.status_code == 200, ok.content
    assert SpmOutsideRegister.objects.get().reason == "Korban kebakaran"

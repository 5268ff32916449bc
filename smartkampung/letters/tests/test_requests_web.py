"""Request pages and the request API: forms prefilled from the register, uploads through the
web form, the queue, attachments served safely, the API's whole flow."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.letters.models import Attachment, LetterRequest, RequestStatus
from smartkampung.letters.services import requests as services

from .conftest import jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_form_is_prefilled_from_the_register(citizen, letter_types):
    html = _client(citizen.user).get("/letters/new/domisili/").content.decode()
    assert "Siti Aminah" in html
    assert citizen.nik not in html  # masked
    assert "Jl. Pantai Rajegwesi" in html  # the domicile address field starts from the register


def test_citizen_requests_through_the_form(citizen, letter_types):
    response = _client(citizen.user).post(
        "/letters/new/spm/",
        {
            "resident": citizen.pk,
            "f_keperluan": "pelayanan kesehatan gratis",
            "d_ktp": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), "image/jpeg"),
            "d_kk": SimpleUploadedFile("kk.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = LetterRequest.objects.get()
    assert request.status == RequestStatus.SUBMITTED
    assert sorted(request.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
    ]


def test_a_hostile_file_in_the_form_stores_nothing(citizen, letter_types):
    response = _client(citizen.user).post(
        "/letters/new/spm/",
        {
            "resident": citizen.pk,
            "f_keperluan": "pelayanan kesehatan gratis",
            "d_ktp": SimpleUploadedFile("ktp.pdf", b"#!/bin/sh\necho pwned\n", "application/pdf"),
            "d_kk": SimpleUploadedFile("kk.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert not LetterRequest.objects.exists() and not Attachment.objects.exists()


def test_missing_required_file_is_a_form_error(citizen, letter_types):
    response = _client(citizen.user).post(
        "/letters/new/spm/", {"resident": citizen.pk, "f_keperluan": "pelayanan kesehatan gratis"}
    )
    assert response.status_code == 400
    assert not LetterRequest.objects.exists()


def test_choosing_someone_outside_the_household_is_refused(
    citizen, operator, village, letter_types
):
    from smartkampung.population.testing import make_resident

    stranger = make_resident(actor=operator, village=village, full_name="Orang Lain")
    response = _client(citizen.user).post(
        "/letters/new/spm/",
        {
            "resident": stranger.pk,
            "f_keperluan": "pelayanan kesehatan gratis",
            "d_ktp": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), "image/jpeg"),
            "d_kk": SimpleUploadedFile("kk.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert not LetterRequest.objects.exists()


def test_queue_shows_the_village_requests(
    spm_request, operator, make_user, django_assert_max_num_queries
):
    client = _client(operator)
    with django_assert_max_num_queries(15):
        html = client.get("/letters/requests/").content.decode()
    assert f"/letters/requests/{spm_request.pk}/" in html
    elsewhere = _client(make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")]))
    assert (
        f"/letters/requests/{spm_request.pk}/"
        not in elsewhere.get("/letters/requests/").content.decode()
    )
    assert elsewhere.get(f"/letters/requests/{spm_request.pk}/").status_code == 404


def test_operator_and_head_act_from_the_request_page(spm_request, operator, head):
    op = _client(operator)
    page = op.get(f"/letters/requests/{spm_request.pk}/").content.decode()
    assert 'data-action="check"' in page and 'data-action="approve"' not in page
    op.post(f"/letters/requests/{spm_request.pk}/check/")
    kades = _client(head)
    assert (
        'data-action="approve"'
        in kades.get(f"/letters/requests/{spm_request.pk}/").content.decode()
    )
    asked = kades.post(f"/letters/requests/{spm_request.pk}/approve/").content.decode()
    assert "data-stepup-form" in asked and spm_request.letter_type.title in asked
    assert LetterRequest.objects.get(pk=spm_request.pk).status == RequestStatus.VERIFIED
    kades.post(
        f"/letters/requests/{spm_request.pk}/approve/", {"stepup_password": "correct-horse-battery"}
    )
    request = LetterRequest.objects.get(pk=spm_request.pk)
    assert request.status == RequestStatus.ISSUED
    citizen_page = _client(spm_request.resident.user).get(f"/letters/requests/{spm_request.pk}/")
    assert "data-download" in citizen_page.content.decode()


def test_unknown_action_is_404(spm_request, operator):
    assert _client(operator).post(f"/letters/requests/{spm_request.pk}/explode/").status_code == 404


def test_attachment_is_served_safely(spm_request, operator, make_user):
    attachment = spm_request.attachments.get(document_key="ktp")
    response = _client(operator).get(f"/letters/attachments/{attachment.pk}/")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    stranger = make_user(roles=[(Role.CITIZEN, "35.10.01.2001")])
    assert _client(stranger).get(f"/letters/attachments/{attachment.pk}/").status_code == 404


def test_counter_search_finds_residents_of_the_village(citizen, operator):
    html = _client(operator).get("/letters/counter/", {"q": "Siti"}).content.decode()
    assert "Siti Aminah" in html and citizen.nik not in html


def test_counter_search_tells_two_residents_of_the_same_name_apart(citizen, operator, village):
    """Two Siti Aminah in one village: each row carries her own birth date, RT/RW and masked
    NIK, in Indonesian and in English, and no full NIK reaches the page."""
    import datetime as dt

    from smartkampung.population.codes import Sex
    from smartkampung.population.testing import make_resident

    namesake = make_resident(
        actor=operator,
        village=village,
        full_name="Siti Aminah",
        sex=Sex.FEMALE,
        birth_date=dt.date(1972, 11, 23),
        rt="004",
        rw="001",
    )
    client = _client(operator)
    html = client.get("/letters/counter/", {"q": "Siti Aminah"}).content.decode()
    rows = re.findall(r"<tr><td>Siti Aminah</td>(.*?)</tr>", html, re.S)
    assert len(rows) == 2, html
    by_id = {re.search(r"resident=(\d+)", row).group(1): row for row in rows}  # type: ignore[union-attr]
    mine, hers = by_id[str(citizen.pk)], by_id[str(namesake.pk)]
    assert "5 Juli 1990" in mine and "001/002" in mine
    assert "23 November 1972" in hers and "004/001" in hers
    assert f"{citizen.nik[:4]}" in mine and citizen.nik[-4:] in mine
    assert namesake.nik[-4:] in hers and namesake.nik[-4:] not in mine
    assert citizen.nik not in html and namesake.nik not in html
    # the middle of the NIK (the birth date, DDMMYY) is not shown either
    assert citizen.nik[6:12] not in html and namesake.nik[6:12] not in html

    client.cookies["sk_language"] = "en"
    english = client.get("/letters/counter/", {"q": "Siti Aminah"}).content.decode()
    assert "Date of birth" in english and "5 July 1990" in english
    assert "Tanggal lahir" in html
    assert "Choose the letter for Siti Aminah, born 5 July 1990" in english
    assert citizen.nik not in english and namesake.nik not in english


def test_counter_search_too_short_is_a_message_not_an_error_page(citizen, operator):
    response = _client(operator).get("/letters/counter/", {"q": "a"})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_citizen_pages(spm_request):
    client = _client(spm_request.resident.user)
    assert "Surat Pernyataan Miskin" in client.get("/letters/my/").content.decode()
    assert client.get("/letters/requests/").status_code == 404  # the office's queue
    assert client.get("/letters/counter/").status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_api_whole_flow(citizen, operator, head, letter_types):
    user = _client(citizen.user)
    created = user.post(
        "/api/v1/letters/requests",
        {
            "type": "spm",
            "resident_id": citizen.pk,
            "values": {"keperluan": "pelayanan kesehatan gratis"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    for key, name, data in (("ktp", "ktp.jpg", jpeg_bytes()), ("kk", "kk.pdf", pdf_bytes())):
        attached = user.post(
            f"/api/v1/letters/requests/{request_id}/attachments",
            {"document": key, "file": SimpleUploadedFile(name, data)},
        )
        assert attached.status_code == 201, attached.content
    assert (
        user.post(f"/api/v1/letters/requests/{request_id}/submit").json()["status"] == "submitted"
    )
    checked = _client(operator).post(
        f"/api/v1/letters/requests/{request_id}/check", {}, content_type="application/json"
    )
    assert checked.json()["status"] == "verified"
    unconfirmed = _client(head).post(f"/api/v1/letters/requests/{request_id}/approve")
    assert unconfirmed.status_code == 403 and unconfirmed.json()["code"] == "step_up_required"
    assert LetterRequest.objects.get(pk=request_id).status == RequestStatus.VERIFIED
    approved = _client(head).post(
        f"/api/v1/letters/requests/{request_id}/approve",
        HTTP_X_STEP_UP_PASSWORD="correct-horse-battery",
    )
    body = approved.json()
    assert body["status"] == "issued" and body["letter_number"].startswith("460/")
    assert [h["status_to"] for h in body["history"]][-1] == "issued"
    pdf = user.get(f"/api/v1/letters/requests/{request_id}/letter.pdf")
    data = b"".join(pdf.streaming_content)
    assert data.startswith(b"%PDF-")
    letter = LetterRequest.objects.get(pk=request_id).letter
    token = letter.token
    check = Client().post(
        f"/api/v1/letters/verify/{token}/check", {"document": SimpleUploadedFile("s.pdf", data)}
    )
    assert check.json() == {"matches": True}
    assert user.get("/api/v1/letters/notifications").json()["count"] >= 1


def test_api_hostile_attachment_is_422_and_nothing_stored(citizen, letter_types):
    user = _client(citizen.user)
    request_id = user.post(
        "/api/v1/letters/requests",
        {
            "type": "spm",
            "resident_id": citizen.pk,
            "values": {"keperluan": "pelayanan kesehatan gratis"},
        },
        content_type="application/json",
    ).json()["id"]
    response = user.post(
        f"/api/v1/letters/requests/{request_id}/attachments",
        {"document": "ktp", "file": SimpleUploadedFile("ktp.pdf", b"#!/bin/sh\nrm -rf /\n")},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "file_type_refused"
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "spm", "resident_id": 999999, "values": {}},
        {"type": "nope", "resident_id": None},
        {"type": "spm"},
        {"type": "spm", "resident_id": "abc"},
    ],
)
def test_api_bad_create_input_is_4xx(citizen, letter_types, payload):
    if payload.get("resident_id") is None and "resident_id" in payload:
        payload["resident_id"] = citizen.pk
    response = _client(citizen.user).post(
        "/api/v1/letters/requests", payload, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert not LetterRequest.objects.exists()


def test_api_staff_list_and_permissions(spm_request, operator, make_user):
    listing = _client(operator).get("/api/v1/letters/requests").json()
    assert listing["count"] == 1
    treasurer = _client(make_user(roles=[(Role.VILLAGE_TREASURER, "35.10.01.2001")]))
    assert treasurer.get(f"/api/v1/letters/requests/{spm_request.pk}").status_code == 404
    head_elsewhere = _client(make_user(roles=[(Role.VILLAGE_HEAD, "35.10.02.2001")]))
    assert (
        head_elsewhere.post(f"/api/v1/letters/requests/{spm_request.pk}/approve").status_code == 404
    )
    assert Client().get("/api/v1/letters/requests").status_code == 401


def test_api_return_needs_a_reason(spm_request, operator):
    response = _client(operator).post(
        f"/api/v1/letters/requests/{spm_request.pk}/return",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert LetterRequest.objects.get(pk=spm_request.pk).status == RequestStatus.SUBMITTED


def test_api_list_has_no_n_plus_one(citizen, operator, spm, django_assert_max_num_queries):
    for _ in range(6):
        services.letter_request_create(
            actor=operator,
            letter_type=spm,
            resident=citizen,
            values={"keperluan": "pelayanan kesehatan gratis"},
            uploads=[
                services.Upload("ktp", "k.jpg", jpeg_bytes()),
                services.Upload("kk", "k.pdf", pdf_bytes()),
            ],
            submit=True,
        )
    client = _client(operator)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/letters/requests").json()
    assert body["count"] == 6 and len(body["items"][0]["attachments"]) == 2


def test_request_for_a_household_member_shows_and_prints_that_member(
    citizen, operator, head, letter_types, tmp_path
):
    import subprocess

    from smartkampung.population.codes import FamilyRole
    from smartkampung.population.testing import make_resident

    child = make_resident(
        actor=operator,
        village=citizen.village,
        full_name="Adi Pratama",
        kk_number=citizen.household.kk_number,
        family_role=FamilyRole.CHILD,
    )
    client = _client(citizen.user)
    # The form offers the household; choosing the child shows the child's register data.
    own = client.get("/letters/new/spm/").content.decode()
    assert f"?for={child.pk}" in own
    html = client.get(f"/letters/new/spm/?for={child.pk}").content.decode()
    card = html[
        html.index('id="register-h"') : html.index("</section>", html.index('id="register-h"'))
    ]
    assert "Adi Pratama" in card and "Siti Aminah" not in card
    assert re.search(rf'<input type="radio" name="resident" value="{child.pk}"[^>]* checked', html)
    # Someone outside the household: 404, nothing shown.
    stranger = make_resident(actor=operator, village=citizen.village, full_name="Orang Lain")
    assert client.get(f"/letters/new/spm/?for={stranger.pk}").status_code == 404

    response = client.post(
        f"/letters/new/spm/?for={child.pk}",
        {
            "resident": child.pk,
            "f_keperluan": "keringanan biaya pendidikan",
            "d_ktp": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), "image/jpeg"),
            "d_kk": SimpleUploadedFile("kk.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = LetterRequest.objects.get()
    assert request.resident == child and request.applicant == citizen.user
    _client(operator).post(f"/letters/requests/{request.pk}/check/")
    # Signing asks twice (step-up): the head's password with the approval.
    _client(head).post(
        f"/letters/requests/{request.pk}/approve/", {"stepup_password": "correct-horse-battery"}
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ISSUED
    pdf = tmp_path / "letter.pdf"
    with request.letter.pdf.open("rb") as handle:
        pdf.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Adi Pratama" in text and child.nik in text
    assert "Siti Aminah" not in text and citizen.nik not in text

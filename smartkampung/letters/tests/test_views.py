"""Pages: catalogue, certificates, issued letters, the regency view, the health office's list."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command

from smartkampung.accounts.models import Role
from smartkampung.letters.models import Letter, LetterType

from .conftest import issue_letter

pytestmark = pytest.mark.django_db


def test_catalogue_page_lists_types_for_everyone_logged_in(login_client, make_user, letter_types):
    citizen = make_user(roles=[(Role.CITIZEN, "35.10.01.2001")])
    html = login_client(citizen).get("/letters/types/").content.decode()
    assert "Surat Pernyataan Miskin" in html
    assert "/letters/types/new/" not in html


def test_anonymous_is_sent_to_login(client, letter_types):
    assert client.get("/letters/types/").status_code == 302
    assert client.get("/letters/").status_code == 302


def test_officer_edits_a_type_through_the_line_format(login_client, regency_officer, letter_types):
    client = login_client(regency_officer)
    page = client.get("/letters/types/spm/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["verifier_roles"] = form.initial["verifier_roles"]
    data["approver_roles"] = form.initial["approver_roles"]
    data["is_active"] = "on"
    data["title"] = "Surat Pernyataan Miskin (SPM)"
    data["fields_text"] += "\nrt | Nomor RT | text | optional"
    response = client.post("/letters/types/spm/", data)
    assert response.status_code == 302
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    assert spm.title == "Surat Pernyataan Miskin (SPM)"
    assert spm.field_specs[-1].key == "rt"


def test_bad_lines_show_the_line_number_and_save_nothing(
    login_client, regency_officer, letter_types
):
    client = login_client(regency_officer)
    form = client.get("/letters/types/spm/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["fields_text"] = "keperluan | Keperluan | colour | required"
    before = LetterType.objects.get(regency_id="35.10", code="spm").fields
    response = client.post("/letters/types/spm/", data)
    assert response.status_code == 400
    assert "Line 1" in response.content.decode() or "Baris 1" in response.content.decode()
    assert LetterType.objects.get(regency_id="35.10", code="spm").fields == before


def test_officer_creates_a_type(login_client, regency_officer, letter_types):
    response = login_client(regency_officer).post(
        "/letters/types/new/",
        {
            "code": "keramaian",
            "title": "Surat Izin Keramaian",
            "number_code": "301",
            "number_format": "[code]/[number]/[village code]/[month roman]/[year]",
            "fields_text": "acara | Nama acara | text | required",
            "documents_text": "ktp | Foto KTP-el | required",
            "verifier_roles": ["village_operator"],
            "approver_roles": ["village_head"],
            "validity_days": "14",
            "target_minutes": "60",
            "body": "Izin untuk {acara}.\n\n{identity}",
            "is_active": "on",
            "sort_order": "90",
        },
    )
    assert response.status_code == 302
    assert LetterType.objects.filter(code="keramaian").exists()


def test_type_editing_is_404_for_others(login_client, operator, letter_types):
    client = login_client(operator)
    assert client.get("/letters/types/spm/").status_code == 404
    assert client.get("/letters/types/new/").status_code == 404
    assert client.get("/letters/certificates/").status_code == 404


def test_specimen_pdf(login_client, operator, letter_types):
    response = login_client(operator).get("/letters/types/spm/specimen.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_certificates_page(login_client, regency_officer, issued_letter):
    html = login_client(regency_officer).get("/letters/certificates/").content.decode()
    assert "Budi Santoso" in html
    assert "/v/ca/35.10.pem" in html


def test_issued_letters_page_and_detail(
    login_client, head, issued_letter, django_assert_max_num_queries
):
    client = login_client(head)
    for _ in range(5):
        issue_letter(
            letter_type=issued_letter.letter_type,
            village=issued_letter.village,
            signer=head,
            sign=False,
        )
    with django_assert_max_num_queries(12):
        html = client.get("/letters/issued/").content.decode()
    assert issued_letter.number in html
    detail = client.get(f"/letters/issued/{issued_letter.pk}/").content.decode()
    assert "3510••••••••0003" in detail
    assert "/revoke/" in detail


def test_pdf_download_is_the_same_bytes_every_time(login_client, head, issued_letter):
    client = login_client(head)
    first = client.get(f"/letters/issued/{issued_letter.pk}/pdf/")
    second = client.get(f"/letters/issued/{issued_letter.pk}/pdf/")
    body1, body2 = b"".join(first.streaming_content), b"".join(second.streaming_content)
    assert body1 == body2
    assert hashlib.sha256(body1).hexdigest() == issued_letter.pdf_sha256
    assert first["Content-Type"] == "application/pdf"
    assert first["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in first["Content-Disposition"]
    assert first["ETag"] == f'"{issued_letter.pdf_sha256}"'
    cached = client.get(
        f"/letters/issued/{issued_letter.pk}/pdf/", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert cached.status_code == 304


def test_letters_of_another_village_are_404(login_client, make_user, issued_letter):
    elsewhere = make_user(roles=[(Role.VILLAGE_HEAD, "35.10.02.2001")])
    client = login_client(elsewhere)
    assert client.get(f"/letters/issued/{issued_letter.pk}/").status_code == 404
    assert client.get(f"/letters/issued/{issued_letter.pk}/pdf/").status_code == 404
    assert (
        client.post(f"/letters/issued/{issued_letter.pk}/revoke/", {"reason": "x"}).status_code
        == 404
    )
    assert Letter.objects.get(pk=issued_letter.pk).revoked_at is None


def test_head_revokes_from_the_page(login_client, head, issued_letter):
    response = login_client(head).post(
        f"/letters/issued/{issued_letter.pk}/revoke/", {"reason": "Data salah"}
    )
    assert response.status_code == 302
    assert Letter.objects.get(pk=issued_letter.pk).revoke_reason == "Data salah"


def test_operator_cannot_revoke(login_client, operator, issued_letter):
    client = login_client(operator)
    html = client.get(f"/letters/issued/{issued_letter.pk}/").content.decode()
    assert "/revoke/" not in html
    client.post(f"/letters/issued/{issued_letter.pk}/revoke/", {"reason": "x"})
    assert Letter.objects.get(pk=issued_letter.pk).revoked_at is None


def test_overview_for_regency_officer(login_client, regency_officer, issued_letter):
    html = login_client(regency_officer).get("/letters/overview/").content.decode()
    assert "Sarongan" in html
    assert "Surat Pernyataan Miskin" in html


def test_overview_is_scoped(login_client, make_user, issued_letter):
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.02")])
    client = login_client(camat)
    assert client.get("/letters/overview/").status_code == 200
    assert client.get("/letters/overview/?region=35.10.01").status_code == 404
    assert client.get("/letters/overview/?region=35.10").status_code == 404
    assert client.get("/letters/overview/?year=abc").status_code == 200


def test_overview_is_404_for_village_staff_and_citizens(login_client, operator, issued_letter):
    assert login_client(operator).get("/letters/overview/").status_code == 404


def test_spm_list_masks_and_exports(login_client, regency_officer, issued_letter):
    client = login_client(regency_officer)
    html = client.get("/letters/overview/spm/").content.decode()
    assert issued_letter.number in html and "3510••••••••0003" in html
    assert "Siti Aminah" not in html
    csv_text = client.get("/letters/overview/spm/?format=csv").content.decode()
    assert issued_letter.number in csv_text and "3510014507900003" not in csv_text


def test_hub_shows_what_the_roles_allow(login_client, regency_officer, operator, letter_types):
    html = login_client(regency_officer).get("/letters/").content.decode()
    assert "/letters/overview/" in html and "/letters/certificates/" in html
    html = login_client(operator).get("/letters/").content.decode()
    assert "/letters/overview/" not in html and "/letters/issued/" in html


def test_sign_pending_command(spm, village, head):
    letter = issue_letter(letter_type=spm, village=village, signer=head, sign=False)
    call_command("letters_sign_pending")
    letter.refresh_from_db()
    assert letter.signed_at is not None


def test_village_page_shows_the_letters_panel(login_client, head, issued_letter, make_user):
    html = login_client(head).get("/villages/35.10.01.2001/").content.decode()
    assert 'id="letters-panel-h"' in html
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, "35.10.01.2001")])
    html = login_client(treasurer).get("/villages/35.10.01.2001/").content.decode()
    assert 'id="letters-panel-h"' not in html

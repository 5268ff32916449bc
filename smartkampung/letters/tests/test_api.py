"""/api/v1/letters/: catalogue, issued letters, overview (requests: test_api_requests.py)."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.letters.models import Letter, LetterType

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_types_are_public(letter_types) -> None:
    body = Client().get("/api/v1/letters/types").json()
    assert {t["code"] for t in body} >= {"spm", "pindah"}
    spm = Client().get("/api/v1/letters/types/spm").json()
    assert spm["target_minutes"] == 30 and spm["fields"][0]["key"] == "keperluan"
    assert Client().get("/api/v1/letters/types/nope").status_code == 404
    assert Client().get("/api/v1/letters/types?regency=99.99").status_code == 404


TYPE_BODY = {
    "code": "keramaian",
    "title": "Surat Izin Keramaian",
    "number_code": "301",
    "number_format": "[code]/[number]/[village code]/[month roman]/[year]",
    "fields": [{"key": "acara", "label": "Nama acara", "kind": "text", "required": True}],
    "documents": [{"key": "ktp", "label": "Foto KTP-el", "required": True}],
    "verifier_roles": ["village_operator"],
    "approver_roles": ["village_head"],
    "validity_days": 14,
    "target_minutes": 60,
    "body": "Izin untuk {acara}.\n\n{identity}",
}


def test_officer_creates_and_updates_a_type(regency_officer, letter_types) -> None:
    client = _client(regency_officer)
    created = client.post("/api/v1/letters/types", TYPE_BODY, content_type="application/json")
    assert created.status_code == 201, created.content
    updated = client.put(
        "/api/v1/letters/types/keramaian",
        {**TYPE_BODY, "title": "Izin Keramaian"},
        content_type="application/json",
    )
    assert updated.json()["title"] == "Izin Keramaian"


@pytest.mark.parametrize(
    "change",
    [
        {"body": "Izin {unknown}."},
        {"fields": [{"key": "Bad Key", "label": "x"}]},
        {"fields": [{"key": "a", "label": "x", "kind": "colour"}]},
        {"verifier_roles": ["inspector"]},
        {"number_format": "[number]"},
        {"validity_days": -1},
        {"code": "x" * 30},
    ],
)
def test_invalid_types_are_422_and_nothing_changes(regency_officer, letter_types, change) -> None:
    before = LetterType.objects.count()
    response = _client(regency_officer).post(
        "/api/v1/letters/types", {**TYPE_BODY, **change}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert set(response.json()) >= {"code", "message"}
    assert LetterType.objects.count() == before


def test_malformed_json_is_a_4xx(regency_officer, letter_types) -> None:
    response = _client(regency_officer).post(
        "/api/v1/letters/types", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_others_cannot_create_types(operator, letter_types) -> None:
    response = _client(operator).post(
        "/api/v1/letters/types", TYPE_BODY, content_type="application/json"
    )
    assert response.status_code == 403
    assert (
        Client()
        .post("/api/v1/letters/types", TYPE_BODY, content_type="application/json")
        .status_code
        == 401
    )
    assert (
        _client(operator)
        .put("/api/v1/letters/types/spm", TYPE_BODY, content_type="application/json")
        .status_code
        == 404
    )


def test_issued_letter_read_download_revoke(head, issued_letter) -> None:
    client = _client(head)
    listing = client.get("/api/v1/letters/issued").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == issued_letter.number
    detail = client.get(f"/api/v1/letters/issued/{issued_letter.pk}").json()
    assert detail["subject_nik_masked"] == "3510••••••••0003"
    assert detail["verify_url"].endswith(issued_letter.token)
    pdf = client.get(f"/api/v1/letters/issued/{issued_letter.pk}/pdf")
    body = b"".join(pdf.streaming_content)
    assert hashlib.sha256(body).hexdigest() == issued_letter.pdf_sha256
    revoked = client.post(
        f"/api/v1/letters/issued/{issued_letter.pk}/revoke",
        {"reason": "Data salah"},
        content_type="application/json",
    )
    assert revoked.json()["status"] == "revoked"
    again = client.post(
        f"/api/v1/letters/issued/{issued_letter.pk}/revoke",
        {"reason": "lagi"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_issued_letters_outside_scope_are_404(make_user, issued_letter) -> None:
    elsewhere = _client(make_user(roles=[(Role.VILLAGE_HEAD, "35.10.02.2001")]))
    assert elsewhere.get(f"/api/v1/letters/issued/{issued_letter.pk}").status_code == 404
    assert elsewhere.get(f"/api/v1/letters/issued/{issued_letter.pk}/pdf").status_code == 404
    assert (
        elsewhere.post(
            f"/api/v1/letters/issued/{issued_letter.pk}/revoke",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert elsewhere.get("/api/v1/letters/issued").json()["count"] == 0


def test_revoke_with_empty_reason_is_422(head, issued_letter) -> None:
    response = _client(head).post(
        f"/api/v1/letters/issued/{issued_letter.pk}/revoke",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Letter.objects.get(pk=issued_letter.pk).revoked_at is None


def test_overview_api_has_no_personal_data(regency_officer, issued_letter) -> None:
    year = issued_letter.issued_at.year
    body = _client(regency_officer).get(f"/api/v1/letters/overview?year={year}").json()
    text = str(body)
    assert "Siti" not in text and "3510014507900003" not in text
    row = next(r for r in body["by_village"] if r["code"] == "35.10.01.2001")
    assert row["count"] == 1
    spm_row = next(r for r in body["by_type"] if r["code"] == "spm")
    assert spm_row["count"] == 1 and spm_row["target_minutes"] == 30
    spm = _client(regency_officer).get(f"/api/v1/letters/overview/spm?year={year}").json()
    assert spm["items"][0]["nik"] == "3510••••••••0003"


def test_overview_api_outside_scope_is_404(operator, issued_letter) -> None:
    assert _client(operator).get("/api/v1/letters/overview").status_code == 404

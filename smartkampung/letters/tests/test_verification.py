"""The public verification page and API: what they show, tampered files, rate limits."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from smartkampung.letters.models import Letter
from smartkampung.letters.services.letters import letter_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def _pdf(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


def test_page_shows_the_letter_with_masked_name_and_nik(issued_letter: Letter) -> None:
    response = Client().get(f"/v/{issued_letter.token}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    assert issued_letter.number in html
    assert "Surat Pernyataan Miskin" in html
    assert "Sarongan" in html
    assert "S*** A*****" in html
    assert "3510••••••••0003" in html
    assert "Siti Aminah" not in html and "3510014507900003" not in html
    assert "Budi" not in html  # not even the signer: nothing more than the facts above
    assert response["Cache-Control"] == "no-store"


def test_unknown_token_is_404_and_reveals_nothing(issued_letter: Letter) -> None:
    response = Client().get("/v/" + "x" * 32)
    assert response.status_code == 404
    assert 'data-status="unknown"' in response.content.decode()


def test_revoked_letter_shows_revoked(issued_letter: Letter, head) -> None:
    letter_revoke(actor=head, letter_id=issued_letter.pk, reason="Data keliru")
    html = Client().get(f"/v/{issued_letter.token}").content.decode()
    assert 'data-status="revoked"' in html
    assert "Data keliru" not in html


def test_expired_letter_shows_expired(issued_letter: Letter) -> None:
    import datetime as dt

    Letter.objects.filter(pk=issued_letter.pk).update(valid_until=dt.date(2020, 1, 1))
    html = Client().get(f"/v/{issued_letter.token}").content.decode()
    assert 'data-status="expired"' in html


def test_uploading_the_genuine_pdf_says_genuine(issued_letter: Letter) -> None:
    upload = SimpleUploadedFile("surat.pdf", _pdf(issued_letter), "application/pdf")
    response = Client().post(f"/v/{issued_letter.token}", {"document": upload})
    assert response.status_code == 200
    assert 'data-check="genuine"' in response.content.decode()


def test_a_tampered_pdf_fails(issued_letter: Letter) -> None:
    data = _pdf(issued_letter).replace(b"Siti", b"Sita", 1)
    if data == _pdf(issued_letter):  # text is compressed: change a byte in the middle instead
        middle = len(data) // 2
        data = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
    upload = SimpleUploadedFile("surat.pdf", data, "application/pdf")
    response = Client().post(f"/v/{issued_letter.token}", {"document": upload})
    assert 'data-check="mismatch"' in response.content.decode()


def test_a_changed_file_leads_with_does_not_match_and_no_green_valid_above_it(
    issued_letter: Letter,
) -> None:
    data = bytearray(_pdf(issued_letter))
    data[len(data) // 3] ^= 0x01
    upload = SimpleUploadedFile("surat.pdf", bytes(data), "application/pdf")
    html = Client().post(f"/v/{issued_letter.token}", {"document": upload}).content.decode()
    main = html[html.index("<main") :]
    verdict = main.index('data-check="mismatch"')
    # The verdict is the first thing after the page's title, before the letter's status ...
    assert verdict < main.index('data-status="valid"')
    assert main.index("<h2") == main.index('<h2 id="verdict-h"')
    assert "Tidak cocok" in main[verdict : verdict + 60]  # Indonesian, the default
    # ... and the status of the letter under the code is no longer shown in green.
    assert 'class="badge ok"' not in main
    assert "Surat yang diterbitkan dengan kode ini" in main


def test_a_genuine_file_leads_with_genuine(issued_letter: Letter) -> None:
    upload = SimpleUploadedFile("surat.pdf", _pdf(issued_letter), "application/pdf")
    html = Client().post(f"/v/{issued_letter.token}", {"document": upload}).content.decode()
    main = html[html.index("<main") :]
    assert main.index('data-check="genuine"') < main.index('data-status="valid"')
    assert 'class="badge ok"' in main


def test_a_pdf_with_bytes_appended_fails(issued_letter: Letter) -> None:
    data = _pdf(issued_letter) + b"\n% an incremental update\n%%EOF\n"
    upload = SimpleUploadedFile("surat.pdf", data, "application/pdf")
    html = Client().post(f"/v/{issued_letter.token}", {"document": upload}).content.decode()
    assert 'data-check="mismatch"' in html


def test_another_letters_pdf_fails(issued_letter: Letter, spm, village, head) -> None:
    from .conftest import issue_letter

    other = issue_letter(letter_type=spm, village=village, signer=head)
    upload = SimpleUploadedFile("surat.pdf", _pdf(other), "application/pdf")
    html = Client().post(f"/v/{issued_letter.token}", {"document": upload}).content.decode()
    assert 'data-check="mismatch"' in html


@pytest.mark.parametrize(
    "name,data",
    [
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
        ("empty.pdf", b""),
    ],
)
def test_non_pdf_uploads_are_refused(issued_letter: Letter, name: str, data: bytes) -> None:
    upload = SimpleUploadedFile(name, data, "application/pdf")
    response = Client().post(f"/v/{issued_letter.token}", {"document": upload})
    assert response.status_code == 422
    assert 'data-check="error"' in response.content.decode()


def test_an_oversized_upload_is_refused(issued_letter: Letter) -> None:
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 + 10))
    response = Client().post(f"/v/{issued_letter.token}", {"document": upload})
    assert response.status_code == 413


def test_missing_file_is_a_clear_error(issued_letter: Letter) -> None:
    response = Client().post(f"/v/{issued_letter.token}", {})
    assert response.status_code == 422


def test_page_is_rate_limited_per_address(issued_letter: Letter, settings) -> None:
    settings.SK_LETTERS_VERIFY_PER_MINUTE = 3
    client = Client()
    codes = [client.get(f"/v/{issued_letter.token}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.get(f"/v/{issued_letter.token}").status_code == 200


def test_guessing_tokens_is_rate_limited_too(settings, db) -> None:
    settings.SK_LETTERS_VERIFY_PER_MINUTE = 2
    client = Client()
    codes = [client.get(f"/v/guess{n}").status_code for n in range(3)]
    assert codes == [404, 404, 429]


def test_pdf_check_has_its_own_tighter_limit(issued_letter: Letter, settings) -> None:
    settings.SK_LETTERS_CHECK_PER_MINUTE = 1
    client = Client()
    data = _pdf(issued_letter)
    first = client.post(
        f"/v/{issued_letter.token}", {"document": SimpleUploadedFile("a.pdf", data)}
    )
    second = client.post(
        f"/v/{issued_letter.token}", {"document": SimpleUploadedFile("a.pdf", data)}
    )
    assert first.status_code == 200 and second.status_code == 429


def test_tokens_are_long_and_random(spm, village, head) -> None:
    from .conftest import issue_letter

    tokens = {
        issue_letter(letter_type=spm, village=village, signer=head, sign=False).token
        for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(t) >= 32 for t in tokens)


def test_start_page_redirects_a_typed_address(issued_letter: Letter) -> None:
    client = Client()
    response = client.get("/v/", {"code": f"https://sk.example.go.id/v/{issued_letter.token}"})
    assert response.status_code == 302 and response["Location"] == f"/v/{issued_letter.token}"
    assert client.get("/v/", {"code": "/"}).status_code == 200
    assert client.get("/v/", {"code": "<script>"}).status_code == 200


def test_api_verify_and_check(issued_letter: Letter) -> None:
    client = Client()
    body = client.get(f"/api/v1/letters/verify/{issued_letter.token}").json()
    assert body["status"] == "valid"
    assert body["nik"] == "3510••••••••0003" and body["name"] == "S*** A*****"
    assert set(body) == {
        "type",
        "number",
        "issued_on",
        "valid_until",
        "village",
        "name",
        "nik",
        "status",
        "revoked_on",
    }
    ok = client.post(
        f"/api/v1/letters/verify/{issued_letter.token}/check",
        {"document": SimpleUploadedFile("a.pdf", _pdf(issued_letter))},
    )
    assert ok.json() == {"matches": True}
    bad = client.post(
        f"/api/v1/letters/verify/{issued_letter.token}/check",
        {"document": SimpleUploadedFile("a.pdf", _pdf(issued_letter) + b"x")},
    )
    assert bad.json() == {"matches": False}
    not_pdf = client.post(
        f"/api/v1/letters/verify/{issued_letter.token}/check",
        {"document": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert not_pdf.status_code == 422 and not_pdf.json()["code"] == "not_a_pdf"
    assert client.get("/api/v1/letters/verify/nope").status_code == 404


def test_ca_certificate_is_downloadable(issued_letter: Letter) -> None:
    response = Client().get("/v/ca/35.10.pem")
    assert response.status_code == 200
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")
    assert Client().get("/v/ca/99.99.pem").status_code == 404

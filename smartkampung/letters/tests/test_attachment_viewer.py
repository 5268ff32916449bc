"""Attachments shown in the browser (ADR 0116): the viewer page and the inline file, with the
download's scope, the type the content check found and a policy that lets nothing run; a file
whose stored bytes no longer pass the check is never served inline."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from conftest import SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.letters.models import Attachment
from smartkampung.letters.services.requests import Upload, letter_request_create

from .conftest import jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _overwrite(attachment: Attachment, data: bytes, *, keep_hash: bool = False) -> None:
    """What a tampered storage (or a row older than the checks) looks like."""
    Path(default_storage.path(attachment.file.name)).write_bytes(data)
    if not keep_hash:
        Attachment.objects.filter(pk=attachment.pk).update(sha256=hashlib.sha256(data).hexdigest())


def _stored(attachment: Attachment) -> bytes:
    return Path(default_storage.path(attachment.file.name)).read_bytes()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("applicant", True),
        ("operator", True),
        ("head", True),
        ("citizen_same_village", False),
        ("operator_other_village", False),
        ("cadre_same_village", False),
    ],
)
def test_viewer_and_inline_file_have_the_download_s_permissions(
    who, allowed, spm_request, operator, head, make_user
):
    users = {
        "applicant": spm_request.resident.user,
        "operator": operator,
        "head": head,
        "citizen_same_village": make_user(roles=[(Role.CITIZEN, SARONGAN)]),
        "operator_other_village": make_user(roles=[(Role.VILLAGE_OPERATOR, SUKOREJO)]),
        "cadre_same_village": make_user(roles=[(Role.POSYANDU_CADRE, SARONGAN)]),
    }
    client = Client() if who == "anonymous" else _client(users[who])
    attachment = spm_request.attachments.get(document_key="ktp")
    before = _stored(attachment)
    urls = [
        f"/letters/attachments/{attachment.pk}/view/",
        f"/letters/attachments/{attachment.pk}/inline/",
        f"/letters/attachments/{attachment.pk}/",
    ]
    statuses = [client.get(url).status_code for url in urls]
    if allowed:
        assert statuses == [200, 200, 200]
    elif who == "anonymous":
        assert statuses == [302, 302, 302]  # to the login page
    else:
        assert statuses == [404, 404, 404]
    assert _stored(attachment) == before
    assert Attachment.objects.filter(pk=attachment.pk, sha256=attachment.sha256).exists()


def test_an_image_is_served_inline_with_a_policy_that_lets_nothing_run(spm_request, operator):
    attachment = spm_request.attachments.get(document_key="ktp")
    response = _client(operator).get(f"/letters/attachments/{attachment.pk}/inline/")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as shown:
        assert shown.format == "JPEG" and shown.size == (40, 30)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'inline; filename="lampiran-{spm_request.pk}-ktp.jpg"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert not any(p.startswith("script-src") for p in policy)
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the viewer page frames it
    assert "no-store" in response["Cache-Control"]


def test_an_image_is_shown_as_its_pixels_only_and_downloaded_verbatim(citizen, spm):
    """A comment, EXIF and bytes after the image's end reach the download (the applicant's
    evidence, ADR 0036) but never the inline copy."""
    payload = b"<script>alert(document.domain)</script> NIK 3510014507900003"
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = payload.decode()  # ImageDescription
    Image.new("RGB", (60, 40), (10, 120, 200)).save(
        buffer, format="JPEG", exif=exif.tobytes(), comment=payload
    )
    original = buffer.getvalue() + payload  # and a trailer after EOI
    request = letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[Upload("ktp", "ktp.jpg", original), Upload("kk", "kk.pdf", pdf_bytes())],
        submit=True,
    )
    attachment = request.attachments.get(document_key="ktp")
    client = _client(citizen.user)
    shown = client.get(f"/letters/attachments/{attachment.pk}/inline/").content
    assert b"alert" not in shown and b"3510014507900003" not in shown
    assert shown.endswith(b"\xff\xd9")  # nothing after the end of the image
    with Image.open(io.BytesIO(shown)) as img:
        assert img.size == (60, 40) and not img.getexif() and "comment" not in img.info
    download = client.get(f"/letters/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == original


def test_the_viewer_shows_an_image_and_a_pdf(spm_request, operator):
    client = _client(operator)
    image = spm_request.attachments.get(document_key="ktp")
    pdf = spm_request.attachments.get(document_key="kk")
    html = client.get(f"/letters/attachments/{image.pk}/view/").content.decode()
    assert f'<img class="attachment-view" src="/letters/attachments/{image.pk}/inline/"' in html
    response = client.get(f"/letters/attachments/{pdf.pk}/view/")
    html = response.content.decode()
    assert f'data="/letters/attachments/{pdf.pk}/inline/" type="application/pdf"' in html
    assert "object-src 'self'" in response["Content-Security-Policy"]
    assert "Unduh berkas" in html  # Indonesian by default
    inline = client.get(f"/letters/attachments/{pdf.pk}/inline/")
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline.content.startswith(b"%PDF")

    client.cookies["sk_language"] = "en"
    english = client.get(f"/letters/attachments/{pdf.pk}/view/").content.decode()
    assert "Download the file" in english and "Open in a new tab" in english


def test_the_request_page_links_the_viewer_and_the_download(spm_request, operator):
    attachment = spm_request.attachments.get(document_key="ktp")
    html = _client(operator).get(f"/letters/requests/{spm_request.pk}/").content.decode()
    assert f'href="/letters/attachments/{attachment.pk}/view/"' in html
    assert f'href="/letters/attachments/{attachment.pk}/"' in html


def test_the_type_comes_from_the_content_not_the_name(citizen, spm):
    """A JPEG uploaded as ``ktp.pdf`` is shown as the image it is."""
    request = letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[Upload("ktp", "ktp.pdf", jpeg_bytes()), Upload("kk", "kk.jpg", pdf_bytes())],
        submit=True,
    )
    client = _client(citizen.user)
    ktp = request.attachments.get(document_key="ktp")
    kk = request.attachments.get(document_key="kk")
    response = client.get(f"/letters/attachments/{ktp.pk}/inline/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].endswith('-ktp.jpg"')
    response = client.get(f"/letters/attachments/{kk.pk}/inline/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-kk.pdf"')


HOSTILE_PDF = pdf_bytes().replace(
    b"%%EOF", b"1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF"
)


@pytest.mark.parametrize(
    ("document", "data", "keep_hash"),
    [
        ("ktp", b"<html><script>alert(document.cookie)</script></html>", False),  # HTML
        ("ktp", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", False),
        ("kk", HOSTILE_PDF, False),  # a PDF with a script, hash updated to match
        ("ktp", jpeg_bytes((10, 10)), True),  # a valid image, but not the bytes once checked
        ("ktp", b"", False),  # emptied
    ],
    ids=["html", "svg", "pdf-with-script", "swapped-image", "empty"],
)
def test_a_file_that_fails_the_content_check_is_never_served_inline(
    document, data, keep_hash, spm_request, operator
):
    attachment = spm_request.attachments.get(document_key=document)
    _overwrite(attachment, data, keep_hash=keep_hash)
    row = Attachment.objects.values().get(pk=attachment.pk)
    client = _client(operator)

    inline = client.get(f"/letters/attachments/{attachment.pk}/inline/")
    assert inline.status_code == 422
    assert inline["Content-Type"].startswith("text/html")  # our error page, not the file
    if data:
        assert data not in inline.content
    assert "inline" not in inline.get("Content-Disposition", "")

    viewer = client.get(f"/letters/attachments/{attachment.pk}/view/")
    html = viewer.content.decode()
    assert viewer.status_code == 422
    assert "tidak lolos pemeriksaan isi" in html and 'role="alert"' in html
    assert "/inline/" not in html  # neither an <img>, an <object> nor a link to the file
    # nothing changed
    assert Attachment.objects.values().get(pk=attachment.pk) == row
    assert _stored(attachment) == data


def test_a_row_whose_recorded_type_was_changed_is_not_served_inline(spm_request, operator):
    attachment = spm_request.attachments.get(document_key="ktp")
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    response = _client(operator).get(f"/letters/attachments/{attachment.pk}/inline/")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert _stored(attachment) not in response.content


def test_a_missing_file_is_a_message_not_an_error_page(spm_request, operator):
    attachment = spm_request.attachments.get(document_key="ktp")
    default_storage.delete(attachment.file.name)
    client = _client(operator)
    assert client.get(f"/letters/attachments/{attachment.pk}/inline/").status_code == 422
    assert client.get(f"/letters/attachments/{attachment.pk}/view/").status_code == 422

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from smartkampung.core.exceptions import TooLarge
from smartkampung.core.uploads import (
    UploadRejected,
    decode_text,
    detect_kind,
    read_limited,
    validate_image,
    validate_pdf,
)


def _jpeg(size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def _png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header claims 900 megapixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def test_real_jpeg_is_accepted():
    info = validate_image(_jpeg())
    assert (info.kind, info.width, info.height) == ("jpeg", 64, 48)


def test_script_named_jpg_is_refused():
    with pytest.raises(UploadRejected) as info:
        validate_image(b"<script>alert(1)</script>")
    assert info.value.code == "not_an_image"


def test_truncated_jpeg_is_refused():
    with pytest.raises(UploadRejected) as info:
        validate_image(_jpeg()[:200])
    assert info.value.code == "image_damaged"


def test_image_bomb_is_refused():
    with pytest.raises(UploadRejected) as info:
        validate_image(_png_bomb())
    assert info.value.code == "image_too_large"


def test_read_limited_refuses_oversized_and_empty():
    with pytest.raises(TooLarge):
        read_limited(io.BytesIO(b"x" * 11), max_bytes=10)
    with pytest.raises(UploadRejected):
        read_limited(io.BytesIO(b""), max_bytes=10)
    assert read_limited(io.BytesIO(b"x" * 10), max_bytes=10) == b"x" * 10


def _pdf(extra: bytes = b"") -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R " + extra + b">> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    )
    xref_pos = len(body)
    body += (
        b"xref\n0 3\n0000000000 65535 f \n"
        + b"%010d 00000 n \n" % 9
        + b"%010d 00000 n \n" % body.index(b"2 0 obj")
        + b"trailer << /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_pos
    )
    return body


def test_plain_pdf_is_accepted():
    validate_pdf(_pdf())


def test_pdf_with_javascript_is_refused():
    with pytest.raises(UploadRejected) as info:
        validate_pdf(_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "))
    assert info.value.code == "pdf_active_content"


def test_html_renamed_pdf_is_refused():
    with pytest.raises(UploadRejected):
        validate_pdf(b"<html><script>x()</script></html>")


def test_kinds_are_sniffed_from_content():
    assert detect_kind(_jpeg()) == "jpeg"
    assert detect_kind(b"PK\x03\x04rest") == "zip"
    assert detect_kind(b"GIF89a") == "unknown"


def test_non_utf8_text_is_refused_with_advice():
    with pytest.raises(UploadRejected) as info:
        decode_text("nama,alamat\nSiti,Jalan Mawar Ü\n".encode("cp1252"))
    assert "UTF-8" in info.value.message
    assert decode_text("\ufeffkode".encode()) == "kode"

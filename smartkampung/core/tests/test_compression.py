"""Dynamic responses are gzip-compressed for clients that accept it; downloads are not touched."""

from __future__ import annotations

import gzip
import re

import pytest
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from smartkampung.core.compression import CompressionMiddleware

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


def run(response: HttpResponse | StreamingHttpResponse | FileResponse) -> object:
    middleware = CompressionMiddleware(lambda request: response)
    return middleware(RequestFactory().get("/", **GZIP))


@pytest.mark.django_db
def test_html_page_is_compressed_and_its_csrf_token_differs_per_response() -> None:
    client = Client()
    first = client.get("/accounts/login/", **GZIP)
    second = client.get("/accounts/login/", **GZIP)
    assert first["Content-Encoding"] == "gzip"
    html = gzip.decompress(first.content).decode()
    assert "<form" in html
    assert len(first.content) < len(html.encode()) / 2
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first_token = token.search(html)
    second_token = token.search(gzip.decompress(second.content).decode())
    assert first_token and second_token
    # Masked anew in every response, so compressed sizes cannot reveal it (BREACH).
    assert first_token.group(1) != second_token.group(1)


@pytest.mark.django_db
def test_no_compression_without_accept_encoding() -> None:
    response = Client().get("/accounts/login/")
    assert not response.has_header("Content-Encoding")
    assert b"<form" in response.content


@pytest.mark.django_db
def test_api_json_is_compressed() -> None:
    response = Client().get("/api/v1/openapi.json", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"{")


def test_pdf_passes_through_unchanged() -> None:
    body = b"%PDF-1.7\n" + b"0" * 5000
    response = run(HttpResponse(body, content_type="application/pdf"))
    assert not response.has_header("Content-Encoding")  # type: ignore[attr-defined]
    assert response.content == body  # type: ignore[attr-defined]


def test_file_download_keeps_its_length(tmp_path: object) -> None:
    import io

    body = b"a,b\n" * 2000
    response = run(FileResponse(io.BytesIO(body), as_attachment=True, filename="x.txt"))
    assert not response.has_header("Content-Encoding")  # type: ignore[attr-defined]
    assert response["Content-Length"] == str(len(body))  # type: ignore[index]


def test_streamed_csv_is_compressed_and_decompresses_to_the_same_rows() -> None:
    rows = [f"{i},desa {i}\n".encode() for i in range(3000)]
    response = run(StreamingHttpResponse(iter(rows), content_type="text/csv"))
    assert response["Content-Encoding"] == "gzip"  # type: ignore[index]
    streamed = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert gzip.decompress(streamed) == b"".join(rows)

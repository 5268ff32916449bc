"""Compress dynamic responses for clients that accept gzip, except bodies that gain nothing.

Village links are slow (2G/3G); HTML, JSON and CSV shrink five- to tenfold. Static files are
compressed ahead of time by WhiteNoise, which answers before this middleware runs. PDFs, images,
ZIP and XLSX are already compressed, and streamed file downloads keep their Content-Length (and
so the browser's progress bar), so they pass through unchanged.

BREACH (ADR 0007): Django masks the CSRF token anew in every response and its GZipMiddleware pads
each gzip stream with random bytes ("Heal the Breach"), so a secret reflected beside user input
cannot be recovered from compressed sizes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Media types whose bodies are compressed already or are binary downloads.
INCOMPRESSIBLE_PREFIXES = (
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/octet-stream",
    "application/vnd.openxmlformats",
    "image/",
    "audio/",
    "video/",
    "font/",
)


class CompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "").lower()
        if content_type.startswith(INCOMPRESSIBLE_PREFIXES):
            return response
        if response.streaming and response.has_header("Content-Length"):
            return response  # a file download of known size
        return super().process_response(request, response)

"""The app shell: the files the service worker keeps for offline start, and their version.

Shell files are referred to by their plain static path (not the hashed name of the manifest
storage) because the ES modules import each other by relative path; the service worker's
version, a hash of every shell file's bytes and of the rendered shell page, makes it fetch
them all again whenever one changes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

SHELL_STATIC = (
    "core/sk.css",
    "field/field.css",
    "field/app.js",
    "field/db.js",
    "field/queue.js",
    "field/upload.js",
    "field/forms.js",
    "field/posyandu.js",
    "field/connect.js",
    "field/icon.svg",
    "vendor/idb/idb.js",
)


def static_url(path: str) -> str:
    return f"{settings.STATIC_URL}{path}"


def shell_urls() -> list[str]:
    return [
        reverse("field:shell"),
        reverse("field:manifest"),
        *(static_url(p) for p in SHELL_STATIC),
    ]


def static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found if isinstance(found, str) else found[0], "rb") as fh:
        return fh.read()


def shell_version(rendered_shell: bytes) -> str:
    digest = hashlib.sha256(rendered_shell)
    for path in SHELL_STATIC:
        digest.update(path.encode())
        digest.update(static_bytes(path))
    return digest.hexdigest()[:16]

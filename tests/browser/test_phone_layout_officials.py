"""Every page of the kecamatan, regency, inspector and citizen roles on a 390 px phone: nothing
scrolls sideways, axe finds nothing (the crawl is described in ``crawl.py``; the village
office's roles are in ``test_phone_layout.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .crawl import crawl_roles, seed_demo

ROLES = [
    ("kecamatan-officer", "camat.pesanggaran"),
    ("regency-officer", "dinas.pmd"),
    ("inspector", "inspektorat"),
    ("citizen", "3510010804920722"),
]


def test_every_page_of_the_officials_and_citizens_fits_a_phone_and_passes_axe(
    browser: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    seed_demo(settings, tmp_path, live_server.url)
    crawl_roles(browser, live_server.url, ROLES)

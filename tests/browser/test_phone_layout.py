"""Every page of the village office's roles on a 390 px phone: nothing scrolls sideways, axe
finds nothing (the crawl is described in ``crawl.py``; the other roles are in
``test_phone_layout_officials.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .crawl import crawl_roles, seed_demo

ROLES = [
    ("operator", "operator.sarongan"),
    ("secretary", "sekdes.sarongan"),
    ("treasurer", "bendahara.sarongan"),
    ("village-head", "kades.sarongan"),
]


def test_every_page_of_the_village_roles_fits_a_phone_and_passes_axe(
    browser: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    seed_demo(settings, tmp_path, live_server.url)
    crawl_roles(browser, live_server.url, ROLES)

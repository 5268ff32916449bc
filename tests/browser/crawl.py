"""The crawl behind the phone-layout tests (test_phone_layout*.py): every page of one role.

On the demo data (``demo_seed``) a role logs in and the crawler follows every link of the pages
it reaches, from the home page (the work inbox) on. Links that differ only in their ids
(``/letters/requests/12/`` and ``/13/``) count as one page; downloads, the API and logging out
are not followed. Each page must answer 200, must not be wider than the viewport, and must have
no serious or critical axe-core violation. The home page of each role is kept as a screenshot
in ``test-artifacts/`` (the inbox, looked at by a person before a release). The roles are split
over two test files so that the two test workers crawl at the same time.
"""

from __future__ import annotations

import io
import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.core.management import call_command

from smartkampung.accounts.demo import DEMO_PASSWORD

from .conftest import axe_serious_violations, log_in

WIDTH = 390
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MAX_PAGES_PER_ROLE = 60
SKIP = re.compile(
    r"/accounts/logout|/api/|/static/|/media/|/i18n/|/admin/|\.(pdf|csv|xlsx|json|geojson|jpg|png|zip)"
    r"($|\?)|/pdf/|/attachments/|format=|/template\.|/photos/|/export|/v/[^/]+/?$"
)


def _pattern(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def seed_demo(settings: Any, tmp_path: Path, base_url: str) -> None:
    """Load the demo data the crawl walks through (media in a temporary folder)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_PUBLIC_BASE_URL = base_url
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"
    call_command("demo_seed", stdout=io.StringIO())


def _crawl(page: Any, base: str, role: str, problems: list[str]) -> int:
    seen: set[str] = set()
    queue: deque[str] = deque(["/"])
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        response = page.goto(base + path)
        visited += 1
        status = response.status if response else 0
        if status != 200:
            problems.append(f"{role} {path}: status {status}")
            continue
        wide = page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )
        if wide > WIDTH:
            culprit = page.evaluate(
                """(w) => [...document.querySelectorAll('main *')]
                    .filter(e => e.getBoundingClientRect().right > w + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' +
                    (e.id || '') + ' ' + Math.round(e.getBoundingClientRect().right))""",
                WIDTH,
            )
            problems.append(f"{role} {path}: {wide} px wide: {culprit}")
        for violation in axe_serious_violations(page):
            problems.append(f"{role} {path}: axe {violation}")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            absolute = urljoin(base + path, href)
            if not absolute.startswith(base):
                continue
            target = absolute[len(base) :].split("#")[0]
            if not target or SKIP.search(target):
                continue
            key = _pattern(target)
            if key in seen:
                continue
            seen.add(key)
            queue.append(target)
    return visited


def crawl_roles(browser: Any, base: str, roles: list[tuple[str, str]]) -> None:
    """Crawl every page of each role; fail with every problem found."""
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    visited: dict[str, int] = {}
    for role, username in roles:
        context = browser.new_context(locale="id-ID", viewport={"width": WIDTH, "height": 844})
        role_page = context.new_page()
        role_page.set_default_timeout(15_000)
        log_in(role_page, base, username, DEMO_PASSWORD)
        assert role_page.locator("#inbox-h").count() == 1, f"{role}: no inbox on the home page"
        role_page.screenshot(path=str(ARTIFACTS / f"inbox-{role}-390.png"), full_page=True)
        visited[role] = _crawl(role_page, base, role, problems)
        context.close()
    assert all(n >= 5 for n in visited.values()), visited
    assert not problems, "\n".join(problems[:60])

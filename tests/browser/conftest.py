"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against live_server."""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("SK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The live server shares this process's cache: a page cached by an earlier browser test
    (the portal keeps region pages, ADR 0053) would list rows of that test's database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_serious_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page; return violations of impact serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


class WeightMeter:
    """Sums the gzip-compressed size of the HTML, CSS and JS a page loads."""

    def __init__(self, page: Any) -> None:
        self.responses: list[Any] = []
        page.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        if response.request.resource_type in {"document", "stylesheet", "script"}:
            self.responses.append(response)

    def reset(self) -> None:
        self.responses.clear()

    @property
    def sizes(self) -> dict[str, int]:
        sizes = {}
        for response in self.responses:
            if 300 <= response.status < 400:
                continue
            sizes[response.url] = len(gzip.compress(response.body(), 9))
        return sizes

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")

"""A regency officer reads the dashboard on a phone; a visitor reads a village's public page,
its projects on the map with their photos, and the open data — light and accessible."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.portal.testing import SARONGAN, Sample, build_sample

from .conftest import WeightMeter, axe_serious_violations, log_in

PASSWORD = "browser-test-password"
LIMIT = 150 * 1024


@pytest.fixture
def sample(regions_loaded: Any, settings: Any, tmp_path: Any) -> Sample:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    data = build_sample()  # transactional test: on_commit work (photo copies) runs at once
    User.objects.filter(pk=data.operator.pk).update(last_login=timezone.now() - timedelta(days=1))
    return data


@pytest.fixture
def officer(sample: Sample) -> User:
    user = User.objects.create_user(username="dinas.pmd", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.REGENCY_OFFICER, scope_id="35.10")
    return user


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _first_load(browser: Any, url: str, storage_state: Any = None) -> dict[str, int]:
    """Compressed HTML + CSS + JS of a first visit with an empty cache."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, storage_state=storage_state
    )
    fresh = context.new_page()
    meter = WeightMeter(fresh)
    fresh.goto(url)
    fresh.wait_for_load_state("networkidle")
    sizes = meter.sizes
    context.close()
    return sizes


def test_dashboard_on_a_phone(page: Any, live_server: Any, officer: User, sample: Sample) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "dinas.pmd", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/?year={sample.year}")
    assert page.locator("h1").inner_text().startswith("Dasbor")
    # The rollout: one active village, linked to the list behind the figure.
    figure = page.locator("#rollout .stat a").first
    assert figure.inner_text() == "1"
    # The map draws the kecamatan and colours them; the legend follows the chosen layer.
    page.wait_for_selector("#dash-legend .legend-swatch")
    page.select_option("#dash-layer", "flags")
    page.wait_for_timeout(300)
    assert page.locator("#dash-legend .legend-swatch").count() == 6
    assert _no_horizontal_scroll(page)
    assert axe_serious_violations(page) == []
    assert errors == []

    with page.expect_navigation():
        figure.click()
    assert page.locator("table tbody tr").count() == 1
    assert "Sarongan" in page.locator("table tbody").inner_text()
    assert _no_horizontal_scroll(page)
    assert axe_serious_violations(page) == []

    # The list behind a figure is an ordinary page: under 150 KB on first load.
    table = f"{live_server.url}/dashboards/tables/rollout-villages/?year={sample.year}"
    sizes = _first_load(page.context.browser, table, page.context.storage_state())
    assert len(sizes) >= 3 and sum(sizes.values()) < LIMIT, sizes


def test_village_page_for_the_public(
    page: Any, live_server: Any, browser: Any, sample: Sample
) -> None:
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(f"{base}/")
    assert response.url.endswith("/portal/")  # a visitor lands on the portal
    page.goto(f"{base}/portal/{SARONGAN}/?year={sample.year}")
    assert page.locator("h1").inner_text() == "Desa Sarongan"
    # Projects on the map (one published project in Sarongan) and in the list with a photo.
    page.wait_for_selector("#portal-map-status[data-count]")
    assert page.locator("#portal-map-status").get_attribute("data-count") == "1"
    thumb = page.locator(".projects img").first
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    # Hidden small counts are marked, never shown as numbers.
    assert page.locator(".pyramid .suppressed").count() > 0
    assert _no_horizontal_scroll(page)
    assert axe_serious_violations(page) == []

    # The project page with its EXIF-free photos; then the open-data page.
    with page.expect_navigation():
        page.click(f'a[href="/portal/projects/{sample.published.pk}/"]')
    assert page.locator(".photos img").count() == 1
    assert axe_serious_violations(page) == []
    page.goto(f"{base}/portal/data/")
    assert axe_serious_violations(page) == []
    assert errors == []

    # First load, empty cache: ordinary pages under 150 KB (the village page too, although
    # it carries a map: Leaflet is loaded, tiles are images and not counted).
    for url in (
        f"{base}/portal/projects/{sample.published.pk}/",
        f"{base}/portal/data/",
        f"{base}/portal/{SARONGAN}/?year={sample.year}",
    ):
        sizes = _first_load(browser, url)
        assert len(sizes) >= 3 and sum(sizes.values()) < LIMIT, (url, sizes)

"""A village operator logs in, sees their village, is refused another, switches language."""

from __future__ import annotations

from typing import Any

import pytest

from smartkampung.accounts.models import Role, RoleAssignment, User

from .conftest import WeightMeter, axe_serious_violations, log_in

PASSWORD = "browser-test-password"


@pytest.fixture
def operator_account(regions_loaded: Any) -> User:
    user = User.objects.create_user(
        username="operator.sarongan", password=PASSWORD, full_name="Operator Sarongan"
    )
    RoleAssignment.objects.create(user=user, role=Role.VILLAGE_OPERATOR, scope_id="35.10.01.2001")
    return user


def test_operator_journey(page: Any, live_server: Any, operator_account: User) -> None:
    base = live_server.url

    # Log in (Indonesian by default).
    log_in(page, base, "operator.sarongan", PASSWORD)
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text().startswith("Selamat datang")
    assert axe_serious_violations(page) == []

    # Own village.
    response = page.goto(f"{base}/villages/35.10.01.2001/")
    assert response.status == 200
    assert "Sarongan" in page.locator("h1").inner_text()
    assert axe_serious_violations(page) == []

    # Another village of another kecamatan: 404.
    response = page.goto(f"{base}/villages/35.10.02.2001/")
    assert response.status == 404
    assert axe_serious_violations(page) == []

    # First load of an ordinary page (HTML + CSS + JS, compressed, empty cache) < 150 KB.
    fresh = page.context.browser.new_context(storage_state=page.context.storage_state())
    fresh_page = fresh.new_page()
    fresh_meter = WeightMeter(fresh_page)
    fresh_page.goto(f"{base}/accounts/profile/")
    fresh_page.wait_for_load_state("networkidle")
    sizes = fresh_meter.sizes
    assert len(sizes) >= 3 and sum(sizes.values()) < 150 * 1024, sizes
    fresh.close()

    page.goto(f"{base}/accounts/profile/")
    assert axe_serious_violations(page) == []

    # Switch the language to English and back.
    page.click("details.menu > summary")  # a phone user opens the menu first
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "My account"
    page.click("details.menu > summary")
    with page.expect_navigation():
        page.select_option("#lang-select", "id")
    assert page.locator("h1").inner_text() == "Akun saya"


def test_map_shows_every_village_without_tiles(
    page: Any, live_server: Any, operator_account: User
) -> None:
    log_in(page, live_server.url, "operator.sarongan", PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map-status[data-count]")
    assert page.locator("#map-status").get_attribute("data-count") == "217"
    assert page.locator("#map-status").inner_text() == "Batas wilayah ditampilkan: 217."
    assert errors == []
    assert axe_serious_violations(page) == []

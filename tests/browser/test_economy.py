"""A citizen registers a business and a product with a photo in Chromium; the product is not
on the village's public market page until the village approved the business and the product,
then it is, with its WhatsApp link — a page without scripts, under 150 KB, and axe-core finds
nothing serious."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.economy import services
from smartkampung.economy.models import LocalBusiness, Product
from smartkampung.population.codes import Sex
from smartkampung.population.testing import make_resident

from .conftest import WeightMeter, axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


@pytest.fixture
def people(regions_loaded: Any) -> dict[str, Any]:
    from smartkampung.population.services.access import activation_code_issue, citizen_activate
    from smartkampung.regions.models import Region

    operator = User.objects.create_user(username="operator.sarongan", password=PASSWORD)
    RoleAssignment.objects.create(user=operator, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    village = Region.objects.get(code=SARONGAN)
    resident = make_resident(
        actor=operator,
        village=village,
        full_name="Siti Aminah",
        sex=Sex.FEMALE,
        birth_date=dt.date(1990, 7, 5),
    )
    code = activation_code_issue(actor=operator, resident=resident)
    citizen_activate(nik=resident.nik, code=code, password=PASSWORD, address=None)
    return {"operator": operator, "resident": resident}


def test_citizen_business_appears_on_the_market_page_after_approval(
    page: Any, live_server: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    from smartkampung.economy.tests.conftest import photo_bytes

    base = live_server.url
    photo = tmp_path / "kopi.jpg"
    photo.write_bytes(photo_bytes(with_gps=True))

    log_in(page, base, people["resident"].nik, PASSWORD)  # citizens log in by NIK only
    page.goto(f"{base}/economy/")
    page.fill("#b-name", "Kopi Rajegwesi")
    page.fill("#b-kbli", "10761")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    business = LocalBusiness.objects.get()
    assert business.owner == people["resident"]
    page.fill("#p-name", "Kopi bubuk 250 g")
    page.fill("#p-price", "35000")
    page.fill("#p-wa", "0812 3456 7890")
    page.set_input_files("#p-photo", str(photo))
    with page.expect_navigation():
        page.click("main form[enctype] button[type=submit]")
    product = Product.objects.get()
    assert product.photo and product.whatsapp == "6281234567890"

    market = page.context.browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}
    )
    public = market.new_page()
    public.goto(f"{base}/economy/market/{SARONGAN}/")
    expect(public.locator("main")).to_contain_text("Belum ada produk")

    services.business_decide(actor=people["operator"], business=business, approve=True)
    services.product_decide(actor=people["operator"], product=product, approve=True)

    meter = WeightMeter(public)
    public.goto(f"{base}/economy/market/{SARONGAN}/")
    expect(public.locator("main")).to_contain_text("Kopi bubuk 250 g")
    expect(public.locator("a[href='https://wa.me/6281234567890']")).to_be_visible()
    assert public.locator("script").count() == 0
    assert meter.total < 150 * 1024, meter.sizes
    assert public.evaluate("document.querySelector('main img').complete")
    assert axe_serious_violations(public) == []
    market.close()

"""The portal's economy figures: approved businesses per sector with the portal's small-cell
suppression, BUMDes capital and PAD returned — the economy app's figures, never a name, NIK
or phone number — and a link to the village's market page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from conftest import KEC_PESANGGARAN, REGENCY, SARONGAN
from smartkampung.budgets.tests.helpers import make_staff
from smartkampung.economy import public as economy_public
from smartkampung.economy import services
from smartkampung.economy.models import LocalBusiness
from smartkampung.economy.testing import OWNER_NAME, EconomySample, build_economy_sample
from smartkampung.portal.economy import compute_published_economy, published_economy

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy(regions_loaded: Any) -> EconomySample:
    return build_economy_sample()


def test_small_counts_are_hidden_and_the_total_is_the_selectors(economy: EconomySample) -> None:
    counts = economy_public.business_counts_by_village(region_code=REGENCY)[SARONGAN]
    village = published_economy(region_code=SARONGAN, year=economy.year)
    # 2 in trade (G) is a small cell; manufacturing (C) is hidden too, or 8 − 6 would give it.
    assert village.businesses == sum(counts.values()) == 8
    assert village.sectors == [("C", None), ("G", None)]
    for code in (KEC_PESANGGARAN, REGENCY):
        above = published_economy(region_code=code, year=economy.year)
        assert above.businesses == 8
        assert all(n is None for _s, n in above.sectors)


def test_counts_at_or_above_the_threshold_are_shown(economy: EconomySample) -> None:
    staff = make_staff(SARONGAN)
    first = economy.businesses[0]
    for i in range(4):
        business = services.business_register(
            actor=staff.operator,
            village=economy.village,
            name=f"Toko {i}",
            kbli_code="47111",
            owner_id=first.owner_id,
        )
        services.business_decide(actor=staff.head, business=business, approve=True)
    cache.clear()
    counts = economy_public.business_counts_by_village(region_code=REGENCY)[SARONGAN]
    village = published_economy(region_code=SARONGAN, year=economy.year)
    assert dict(village.sectors) == counts == {"C": 6, "G": 6}
    assert village.businesses == 12


def test_bumdes_capital_and_returns_equal_the_economy_figures(economy: EconomySample) -> None:
    figures = economy_public.bumdes_figures_by_village(region_code=REGENCY)[SARONGAN]
    for code in (SARONGAN, KEC_PESANGGARAN, REGENCY):
        shown = published_economy(region_code=code, year=economy.year)
        assert (shown.enterprises, shown.placed, shown.returned) == (
            figures.enterprises,
            figures.placed,
            figures.returned,
        )
    assert figures.placed == Decimal("50000000.00") and figures.returned == Decimal("6000000.00")
    earlier = published_economy(region_code=SARONGAN, year=economy.year - 1)
    assert earlier.placed == Decimal("0") and earlier.enterprises == 1


def test_village_and_regency_pages_show_the_figures_and_no_personal_data(
    economy: EconomySample, client: Client
) -> None:
    client.cookies["sk_language"] = "en"
    page = client.get(f"/portal/{SARONGAN}/?year={economy.year}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Village economy" in html and "approved local businesses (UMKM)" in html
    assert "Rp 50.000.000" in html and "Rp 6.000.000" in html
    assert "C Manufacturing" in html and "G Trade and repair" in html
    assert f'href="/economy/market/{SARONGAN}/"' in html
    assert OWNER_NAME not in html and economy.owner_nik not in html
    assert not any(b.name in html for b in LocalBusiness.objects.all())
    assert "BUMDes Sarongan Makmur" not in html and "Sri Wahyuni" not in html
    regency = client.get(f"/portal/{REGENCY}/?year={economy.year}").content.decode()
    assert 'href="/economy/market/"' in regency and "Rp 50.000.000" in regency
    client.cookies["sk_language"] = "id"
    html = client.get(f"/portal/{SARONGAN}/?year={economy.year}").content.decode()
    assert "Ekonomi desa" in html and "usaha lokal (UMKM) yang disetujui" in html
    assert "C Industri pengolahan" in html


def test_the_api_summary_carries_the_same_figures(economy: EconomySample, client: Client) -> None:
    answer = client.get(f"/api/v1/portal/regions/{SARONGAN}?year={economy.year}").json()
    assert answer["economy"] == {
        "businesses": 8,
        "by_sector": {"C": None, "G": None},
        "bumdes": 1,
        "capital_placed": "50000000.00",
        "returned_to_village": "6000000.00",
        "suppression_threshold": 5,
    }


def test_open_data_files(economy: EconomySample, client: Client) -> None:
    import csv
    import io

    page = client.get(f"/portal/{SARONGAN}/?year={economy.year}").content.decode()
    assert f"/portal/data/{SARONGAN}/economy.csv?year={economy.year}" in page
    response = client.get(f"/portal/data/{KEC_PESANGGARAN}/economy.csv?year={economy.year}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    own = [r for r in rows if r["region_code"] == SARONGAN]
    by_measure = {(r["measure"], r["sector"]): (r["value"], r["suppressed"]) for r in own}
    assert by_measure[("businesses", "")] == ("8", "false")
    assert by_measure[("businesses", "G")] == ("", "true")
    assert by_measure[("capital_placed", "")] == ("50000000.00", "false")
    assert {r["region_code"] for r in rows} >= {KEC_PESANGGARAN, SARONGAN}
    text = response.content.decode("utf-8-sig")
    assert OWNER_NAME not in text and economy.owner_nik not in text
    data = client.get(f"/portal/data/{REGENCY}/economy.json?year={economy.year}").json()
    regency = next(r for r in data["regions"] if r["code"] == REGENCY)
    assert regency["businesses"] == 8 and regency["returned_to_village"] == "6000000.00"


def test_the_market_page_behind_the_link_is_public(economy: EconomySample, client: Client) -> None:
    assert client.get(f"/economy/market/{SARONGAN}/").status_code == 200


def test_figures_in_a_bounded_number_of_queries(
    economy: EconomySample, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        compute_published_economy(regency_code=REGENCY, year=economy.year, threshold=5)


def test_the_village_page_stays_light(economy: EconomySample, client: Client) -> None:
    size = len(client.get(f"/portal/{SARONGAN}/?year={economy.year}").content)
    assert size < 60_000

"""The dashboard's economy section: approved businesses per KBLI sector, kecamatan and
village, BUMDes capital placed against PAD returned — the same figures as the economy app's
selectors, in the viewer's scope only, in a bounded number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conftest import KEC_BANGOREJO, KEC_PESANGGARAN, REGENCY, SARONGAN
from smartkampung.accounts.models import Role
from smartkampung.dashboards.compute import compute_economy
from smartkampung.dashboards.services import dashboard_refresh
from smartkampung.economy import public as economy_public
from smartkampung.economy.overview import economy_overview
from smartkampung.economy.testing import EconomySample, build_economy_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy(regions_loaded: Any) -> EconomySample:
    return build_economy_sample()


def _values(table: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in table.rows]


def test_figures_equal_the_economy_selectors(
    economy: EconomySample, make_user: Any, login_client: Any
) -> None:
    officer = make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)])
    client = login_client(officer)
    page = client.get(f"/dashboards/?year={economy.year}")
    assert page.status_code == 200
    tables = page.context["tables"]
    counts = economy_public.business_counts_by_village(region_code=REGENCY)
    assert counts[SARONGAN] == {"C": 6, "G": 2}
    sectors = {row[0].text[0]: row[1].value for row in tables["business_sectors"].rows}
    assert sectors == counts[SARONGAN]
    assert tables["business_sectors"].totals[1].value == 8
    districts = {row[0].text: [c.value for c in row[1:]] for row in tables["businesses"].rows}
    assert districts["Pesanggaran"][:3] == [8, 6, 2]
    assert districts["Bangorejo"][:3] == [0, 0, 0]
    _region, _due, rows = economy_overview(actor=officer, region_code=REGENCY)
    overview = next(r for r in rows if r.code == SARONGAN)
    bumdes = tables["bumdes"]
    pesanggaran = next(row for row in bumdes.rows if row[0].text == "Pesanggaran")
    assert [c.value for c in pesanggaran[1:4]] == [
        overview.enterprises,
        overview.placed,
        overview.returned,
    ]
    assert pesanggaran[4].value == overview.return_percent == 12.0
    assert bumdes.totals[2].value == Decimal("50000000.00")
    html = page.content.decode()
    assert 'id="economy"' in html
    assert f"/economy/overview/{KEC_PESANGGARAN}/" in html
    # By village: only Sarongan has figures; its count links to its public market page.
    villages = client.get(f"/dashboards/tables/businesses-villages/?year={economy.year}")
    table = villages.context["table"]
    assert [row[0].text for row in table.rows] == [economy.village.name]
    assert table.rows[0][1].url == f"/economy/market/{SARONGAN}/"


def test_capital_and_returns_up_to_the_year_shown(economy: EconomySample) -> None:
    before = compute_economy(regency_code=REGENCY, year=economy.year - 1, now=None)
    assert before["villages"][SARONGAN]["bumdes"] == {
        "enterprises": 1,
        "placed": "0.00",
        "returned": "0.00",
    }
    now = compute_economy(regency_code=REGENCY, year=economy.year, now=None)
    assert now["villages"][SARONGAN]["bumdes"]["returned"] == "6000000.00"


def test_a_kecamatan_officer_sees_only_their_kecamatan(
    economy: EconomySample, make_user: Any, login_client: Any
) -> None:
    camat = login_client(make_user(roles=[(Role.DISTRICT_OFFICER, KEC_BANGOREJO)]))
    page = camat.get(f"/dashboards/?year={economy.year}")
    tables = page.context["tables"]
    assert tables["business_sectors"].rows == []
    assert tables["business_sectors"].totals[1].value == 0
    assert tables["bumdes"].totals[2].value == Decimal("0")
    assert economy.village.name not in page.content.decode()
    response = camat.get(f"/dashboards/tables/bumdes-villages/?region={KEC_PESANGGARAN}")
    assert response.status_code == 404
    own = login_client(make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)]))
    table = own.get(f"/dashboards/?year={economy.year}").context["tables"]["bumdes"]
    assert table.key == "bumdes-villages"
    assert [row[0].text for row in table.rows] == [economy.village.name]


@pytest.mark.parametrize("role", [Role.VILLAGE_OPERATOR, Role.VILLAGE_HEAD, Role.CITIZEN])
def test_village_roles_get_404(
    economy: EconomySample, role: str, make_user: Any, login_client: Any
) -> None:
    client = login_client(make_user(roles=[(role, SARONGAN)]))
    assert client.get("/dashboards/tables/businesses-villages/").status_code == 404
    assert client.get("/dashboards/tables/bumdes-villages/?format=csv").status_code == 404
    assert client.get("/api/v1/dashboards/tables/businesses-sectors").status_code == 404


def test_english_and_indonesian(economy: EconomySample, make_user: Any, login_client: Any) -> None:
    client = login_client(make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)]))
    client.cookies["sk_language"] = "en"
    html = client.get(f"/dashboards/?year={economy.year}").content.decode()
    assert "Approved local businesses by KBLI sector" in html
    assert "C Manufacturing" in html
    client.cookies["sk_language"] = "id"
    html = client.get(f"/dashboards/?year={economy.year}").content.decode()
    assert "Usaha lokal yang disetujui menurut sektor KBLI" in html
    assert "C Industri pengolahan" in html


def test_compute_and_page_in_a_bounded_number_of_queries(
    economy: EconomySample,
    make_user: Any,
    login_client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(5):
        compute_economy(regency_code=REGENCY, year=economy.year, now=None)
    dashboard_refresh(regency_code=REGENCY, year=economy.year)
    client = login_client(make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)]))
    with django_assert_max_num_queries(15):
        response = client.get(f"/dashboards/tables/bumdes-villages/?year={economy.year}")
    assert response.status_code == 200


def test_the_links_behind_the_figures_open(
    economy: EconomySample, make_user: Any, login_client: Any
) -> None:
    for role, scope in ((Role.REGENCY_OFFICER, REGENCY), (Role.DISTRICT_OFFICER, KEC_PESANGGARAN)):
        client = login_client(make_user(roles=[(role, scope)]))
        links = set()
        for key in ("bumdes-villages", "businesses-villages", "bumdes-districts"):
            table = client.get(f"/dashboards/tables/{key}/?region={scope}").context["table"]
            links |= {cell.url for row in [*table.rows, table.totals or []] for cell in row}
        links.discard("")
        assert f"/economy/overview/{SARONGAN}/" in links
        for link in links:
            assert client.get(link).status_code == 200, (role, link)

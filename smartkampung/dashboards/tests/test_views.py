"""Dashboard pages: figures, the lists behind them, CSV exports, the map data, the API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import KEC_PESANGGARAN, REGENCY, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role, User
from smartkampung.dashboards.services import dashboard_refresh
from smartkampung.regions.models import Kind, Level, Region


@pytest.fixture
def officer(make_user: Any, login_client: Any) -> Any:
    return login_client(make_user(roles=[(Role.REGENCY_OFFICER, REGENCY)]))


def _csv(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_dashboard_shows_the_sample_and_links_every_figure_to_its_list(
    sample: Any, officer: Any, make_user: Any
) -> None:
    operator = User.objects.get(username=sample.operator.username)
    User.objects.filter(pk=operator.pk).update(last_login=timezone.now() - timedelta(days=1))
    page = officer.get(f"/dashboards/?year={sample.year}")
    assert page.status_code == 200
    html = page.content.decode()
    # Rollout: 1 active village of 217, against the target; the count links to the list.
    assert page.context["summary"].active == 1
    assert page.context["summary"].villages == 217
    assert (
        f'href="/dashboards/tables/rollout-villages/?region={REGENCY}&amp;year={sample.year}&amp;active=yes"'
        in html
    )
    every_village = f"/dashboards/tables/rollout-villages/?region={REGENCY}&amp;year={sample.year}"
    assert f'href="{every_village}"' in html
    # Budget: the desa that have not submitted, linked to their list; the kecamatan to the
    # budgets app's consolidation.
    assert (
        f"/dashboards/tables/budget-villages/?region={REGENCY}&amp;year={sample.year}&amp;submitted=no"
        in html
    )
    assert f"/budgets/consolidation/?year={sample.year}&amp;region={KEC_PESANGGARAN}" in html
    # Monitoring: counts link to the project list filtered, flags to the inspectors' queue.
    assert (
        f"/projects/?year={sample.year}&amp;status=ongoing&amp;kecamatan={KEC_PESANGGARAN}" in html
    )
    assert "/projects/flags/?rule=DUPLICATE_PROJECT&amp;status=open" in html
    assert f"/projects/?village={SARONGAN}&amp;flag=any" in html
    # Every table has its CSV.
    for key in ("rollout-districts", "budget-districts", "projects-districts", "flags-rules"):
        assert (
            f"/dashboards/tables/{key}/?region={REGENCY}&amp;year={sample.year}&amp;format=csv"
            in html
        )


def test_the_lists_behind_the_headline_figures(sample: Any, officer: Any) -> None:
    User.objects.filter(username=sample.operator.username).update(last_login=timezone.now())
    active = _csv(
        officer.get(
            f"/dashboards/tables/rollout-villages/?year={sample.year}&active=yes&format=csv"
        )
    )
    assert [row[0] for row in active[1:]] == ["Sarongan"]
    inactive = _csv(
        officer.get(f"/dashboards/tables/rollout-villages/?year={sample.year}&active=no&format=csv")
    )
    assert len(inactive) - 1 == 216

    not_submitted = _csv(
        officer.get(
            f"/dashboards/tables/budget-villages/?year={sample.year}&submitted=no&format=csv"
        )
    )
    names = [row[0] for row in not_submitted[1:]]
    assert "Sukorejo" in names and "Sarongan" not in names
    assert len(names) == 188  # every desa but Sarongan; kelurahan have no APBDes

    over = _csv(officer.get(f"/dashboards/tables/ceilings/?year={sample.year}&over=yes&format=csv"))
    assert [(row[0], row[2]) for row in over[1:]] == [("Sukorejo", "DDS")]

    page = officer.get(f"/dashboards/tables/budget-villages/?year={sample.year}&submitted=no")
    assert page.status_code == 200
    assert b"Sukorejo" in page.content


def test_absorption_figures_match_the_budgets_app(sample: Any, officer: Any) -> None:
    from smartkampung.budgets.selectors.aggregates import absorption_by_district

    officer.cookies["sk_language"] = "en"
    rows = _csv(officer.get(f"/dashboards/tables/budget-districts/?year={sample.year}&format=csv"))
    header, body = rows[0], rows[1:]
    assert header == [
        "Kecamatan",
        "Budgeted expenditure",
        "Realised",
        "Absorption",
        "Desa",
        "Not submitted",
    ]
    by_name = {r[0]: r for r in body}
    expected = {r.label: r for r in absorption_by_district(year=sample.year, region_code=REGENCY)}
    pesanggaran = expected["Pesanggaran"]
    assert by_name["Pesanggaran"][1] == f"{pesanggaran.budget:.2f}"
    assert by_name["Pesanggaran"][2] == f"{pesanggaran.realised:.2f}"
    assert float(by_name["Pesanggaran"][3]) == pytest.approx(pesanggaran.absorption, abs=0.01)


def test_csv_neutralises_spreadsheet_formulas(officer: Any, db: Any) -> None:
    hostile = '=HYPERLINK("http://evil.example","klik")'
    Region.objects.create(
        code="35.10.01.2999",
        name=hostile,
        level=Level.VILLAGE,
        kind=Kind.DESA,
        parent_id=KEC_PESANGGARAN,
    )
    rows = _csv(officer.get("/dashboards/tables/rollout-villages/?format=csv"))
    cells = [c for row in rows for c in row]
    assert "'" + hostile in cells
    assert hostile not in cells
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


def test_unknown_table_and_bad_input_answer_without_a_500(officer: Any) -> None:
    assert officer.get("/dashboards/tables/nope/").status_code == 404
    assert officer.get("/dashboards/?year=abc").status_code == 200
    assert officer.get("/dashboards/?year=1800").context["data"].year == timezone.localdate().year
    assert officer.get("/dashboards/?region=%00").status_code == 404
    assert officer.get("/dashboards/tables/rollout-villages/?active=maybe").status_code == 200
    assert officer.get("/api/v1/dashboards/?year=1800").status_code == 422
    assert officer.get("/api/v1/dashboards/?year=abc").status_code == 422
    assert officer.get("/api/v1/dashboards/tables/nope").status_code == 404


def test_map_data(sample: Any, officer: Any) -> None:
    data = officer.get(f"/dashboards/map.json?year={sample.year}").json()
    assert len(data["villages"]) == 217 and len(data["districts"]) == 25
    assert data["villages"][SARONGAN]["flags"] >= 1
    assert data["villages"][SARONGAN]["absorption"] is not None
    assert data["districts"][KEC_PESANGGARAN]["villages"] == 5


def test_api_summary_and_tables(sample: Any, officer: Any) -> None:
    summary = officer.get(f"/api/v1/dashboards/?year={sample.year}").json()
    assert summary["rollout"]["villages"] == 217
    assert summary["rollout"]["target"] == 80
    assert summary["budget"]["not_submitted"] == 188
    assert summary["projects"]["ongoing"] >= 1
    table = officer.get(f"/api/v1/dashboards/tables/flags-rules?year={sample.year}").json()
    assert table["key"] == "flags-rules"
    assert any(row[1] >= 1 for row in table["rows"])


def test_kecamatan_dashboard_breaks_down_by_village(
    sample: Any, make_user: Any, login_client: Any
) -> None:
    camat = login_client(make_user(roles=[(Role.DISTRICT_OFFICER, KEC_PESANGGARAN)]))
    page = camat.get(f"/dashboards/?year={sample.year}")
    assert page.status_code == 200
    tables = page.context["tables"]
    assert tables["rollout"].key == "rollout-villages"
    assert tables["budget"].key == "budget-villages"
    desa = Region.objects.filter(
        level=Level.VILLAGE, kind=Kind.DESA, parent_id=KEC_PESANGGARAN
    ).values_list("name", flat=True)
    assert {row[0].text for row in tables["budget"].rows} == set(desa)
    assert page.context["summary"].target is None  # the target is the regency's
    assert SUKOREJO not in page.content.decode()


def test_the_dashboard_page_runs_a_bounded_number_of_queries(
    sample: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    dashboard_refresh(regency_code=REGENCY, year=sample.year)
    with django_assert_max_num_queries(20):
        assert officer.get(f"/dashboards/?year={sample.year}").status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            officer.get(f"/dashboards/tables/budget-villages/?year={sample.year}").status_code
            == 200
        )


def test_service_figures_and_the_lists_behind_them(sample: Any, officer: Any) -> None:
    officer.cookies["sk_language"] = "en"
    page = officer.get(f"/dashboards/?year={sample.year}")
    summary = page.context["summary"]
    assert summary.letters == 10
    assert summary.spm["count"] == 8 and summary.spm["target_minutes"] == 30
    html = page.content.decode()
    assert f"/letters/overview/spm/?region={REGENCY}&amp;year={sample.year}" in html
    assert "within the target" in html  # the regency's median SPM time: 26.5 minutes
    assert f"/letters/overview/?region={KEC_PESANGGARAN}&amp;year={sample.year}" in html

    types = _csv(officer.get(f"/dashboards/tables/letters-types/?year={sample.year}&format=csv"))
    assert types[0] == [
        "Letter type",
        "Letters",
        "Median minutes",
        "Target minutes",
        "Within target",
    ]
    spm = next(row for row in types[1:] if row[1] == "8")
    assert spm[2:] == ["26.5", "30", "yes"]

    issued = _csv(
        officer.get(
            f"/dashboards/tables/letters-villages/?year={sample.year}&issued=yes&format=csv"
        )
    )
    assert {(row[0], row[2]) for row in issued[1:]} == {("Sarongan", "9"), ("Sukorejo", "1")}
    months = _csv(officer.get(f"/dashboards/tables/letters-months/?year={sample.year}&format=csv"))
    assert len(months) == 1 + 12 + 1 and months[-1][1] == "10"

    camat = officer.get(
        f"/dashboards/tables/letters-types/?year={sample.year}&region={KEC_PESANGGARAN}&format=csv"
    )
    spm_kec = next(row for row in _csv(camat)[1:] if row[1] == "7")
    assert spm_kec[2] == "28.0"  # Sarongan's seven SPMs alone

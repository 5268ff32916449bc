"""The regency dashboard's welfare section (issue 13, ADR 0087): recipients per programme by
kecamatan and village, the overlap matrix, exclusion and inclusion errors — the welfare
reports' own figures, with their CSV exports, for the regency officer and the social office
only, never a name or NIK, and at one read per figure (none on the page itself)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import KEC_BANGOREJO, KEC_PESANGGARAN, PESANGGARAN, REGENCY, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.dashboards.models import DashboardFigures, Section
from smartkampung.dashboards.services import dashboard_refresh
from smartkampung.welfare import public as welfare_public
from smartkampung.welfare import reports
from smartkampung.welfare import services as welfare
from smartkampung.welfare.rules import Candidate
from smartkampung.welfare.selectors import current_period


def _enrol(family: Any, code: str, actor: Any) -> None:
    welfare.enrolment_create(
        actor=actor,
        candidate=Candidate(
            code, current_period(), family["head"].nik, family["kk"], family["head"].village_id
        ),
    )


@pytest.fixture
def staff(make_user: Any) -> Any:
    """One village operator enrolling in the three test villages."""
    return make_user(
        "op.three",
        roles=[(Role.VILLAGE_OPERATOR, v) for v in (SARONGAN, PESANGGARAN, SUKOREJO)],
    )


@pytest.fixture
def welfare_sample(
    make_family: Any, make_programme: Any, in_register: Any, staff: Any
) -> dict[str, Any]:
    """Two programmes; households in Sarongan and Pesanggaran (kecamatan Pesanggaran) and
    Sukorejo (Bangorejo): both programmes, PKH only, poor receiving nothing (exclusion),
    above PKH's ceiling receiving it (inclusion)."""
    year = timezone.localdate().year
    for code in ("PKH", "BPNT"):
        make_programme(code=code, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
    both, only_pkh, poor, rich = make_family(), make_family(), make_family(), make_family()
    there, far, far_poor = make_family(PESANGGARAN), make_family(SUKOREJO), make_family(SUKOREJO)
    in_register((both, 1), (only_pkh, 2), (poor, 1), (rich, 3), (there, 2), (far, 1), (far_poor, 2))
    for family, codes in [
        (both, ["PKH", "BPNT"]),
        (only_pkh, ["PKH"]),
        (rich, ["PKH"]),
        (there, ["BPNT"]),
        (far, ["PKH", "BPNT"]),
    ]:
        for code in codes:
            _enrol(family, code, staff)
    in_register((rich, 9), as_of=timezone.localdate())  # now above PKH's ceiling
    return {"year": year, "families": [both, only_pkh, poor, rich, there, far, far_poor]}


def _cells(table: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in table.rows]


def test_the_welfare_figures_are_the_welfare_reports_figures(
    welfare_sample: Any, regency_officer: Any, social: Any, login_client: Any
) -> None:
    year, period = welfare_sample["year"], current_period()
    client = login_client(regency_officer)
    client.cookies["sk_language"] = "en"
    page = client.get(f"/dashboards/?year={year}")
    assert page.status_code == 200
    data, built, summary = page.context["data"], page.context["tables"], page.context["summary"]
    assert data.welfare.period == period
    # Recipients per programme and kecamatan = the report's rows summed per kecamatan.
    expected: dict[str, dict[str, int]] = {}
    for r in reports.recipients(actor=social, period=period):
        district = expected.setdefault(r["village__parent__name"], {})
        district[r["programme__code"]] = district.get(r["programme__code"], 0) + r["n"]
    codes = data.welfare.programmes
    assert codes == ["BPNT", "PKH"]
    shown = {row[0]: dict(zip(codes, row[1:3], strict=True)) for row in _cells(built["welfare"])}
    assert {k: {c: n for c, n in v.items() if n} for k, v in shown.items() if any(v.values())} == (
        expected
    )
    assert expected == {"Pesanggaran": {"PKH": 3, "BPNT": 2}, "Bangorejo": {"PKH": 1, "BPNT": 1}}
    # The overlap matrix = the report's.
    overlap = reports.overlap_matrix(actor=social, period=period)
    assert data.welfare.overlap_rows() == overlap.rows() == [("BPNT", [3, 2]), ("PKH", [2, 4])]
    assert _cells(built["welfare_overlap"]) == [[c, *v] for c, v in overlap.rows()]
    # Exclusion and inclusion errors = the report's counts.
    errors = reports.error_counts(actor=social, period=period)
    assert summary.exclusion_errors == sum(e["exclusion"] for e in errors) == 2
    assert summary.inclusion_errors == sum(e["inclusion"] for e in errors) == 1
    # Drill down: the kecamatan's dashboard shows its villages, and its own overlap.
    kec = client.get(f"/dashboards/?region={KEC_PESANGGARAN}&year={year}")
    villages = {row[0]: row[1:] for row in _cells(kec.context["tables"]["welfare"])}
    by_village = {(e["name"]): (e["exclusion"], e["inclusion"]) for e in errors}
    assert villages["Sarongan"] == ["Pesanggaran", 1, 3, *by_village["Sarongan"]]
    assert villages["Pesanggaran"] == ["Pesanggaran", 1, 0, 0, 0]
    assert kec.context["data"].welfare.overlap_rows() == [("BPNT", [2, 1]), ("PKH", [1, 3])]
    # Each figure links to its CSV: the dashboard's table and the welfare report's export.
    html = page.content.decode()
    for fmt in ("csv", "overlap.csv", "errors.csv"):
        assert f"/welfare/reports/?period={period}&amp;region={REGENCY}&amp;format={fmt}" in html
        assert f"region={KEC_PESANGGARAN}&amp;format={fmt}" in kec.content.decode()
        assert client.get(f"/welfare/reports/?period={period}&format={fmt}").status_code == 200
    # The kecamatan's exports hold the kecamatan's villages only (the report, region-scoped).
    export = client.get(f"/welfare/reports/?period={period}&region={KEC_BANGOREJO}&format=csv")
    exported = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert {r[1] for r in exported[1:]} == {SUKOREJO}
    api_overlap = client.get(
        f"/api/v1/welfare/reports/overlap?period={period}&region={KEC_BANGOREJO}"
    ).json()
    assert api_overlap["matrix"] == [[1, 1], [1, 1]]
    assert reports.overlap_matrix(actor=social, period=period, region=KEC_BANGOREJO).rows() == [
        ("BPNT", [1, 1]),
        ("PKH", [1, 1]),
    ]
    response = client.get(f"/dashboards/tables/welfare-villages/?year={year}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Village",
        "Kecamatan",
        "BPNT",
        "PKH",
        "Exclusion errors",
        "Inclusion errors",
    ]
    assert ["Sukorejo", "Bangorejo", "1", "1", "1", "0"] in rows
    # Never a name or a NIK.
    for family in welfare_sample["families"]:
        for m in family["members"]:
            for body in (html, response.content.decode(), kec.content.decode()):
                assert m.nik not in body and family["kk"] not in body
    assert "Slamet Riyadi" not in html
    api = client.get(f"/api/v1/dashboards/?year={year}").json()
    assert api["welfare"] == {
        "period": period,
        "programmes": ["BPNT", "PKH"],
        "exclusion_errors": 2,
        "inclusion_errors": 1,
    }
    assert "welfare-overlap" in api["tables"]
    overlap_api = client.get(f"/api/v1/dashboards/tables/welfare-overlap?year={year}").json()
    assert overlap_api["rows"] == [[c, *v] for c, v in overlap.rows()]
    assert "Households receiving both programmes" in html
    client.cookies["sk_language"] = "id"
    html = client.get(f"/dashboards/?year={year}").content.decode()
    assert "Pengentasan kemiskinan" in html and "Penerima bantuan per program" in html


@pytest.mark.parametrize(
    "role, scope", [(Role.INSPECTOR, REGENCY), (Role.DISTRICT_OFFICER, KEC_BANGOREJO)]
)
def test_dashboard_roles_without_welfare_aggregates_do_not_see_the_section(
    role: str, scope: str, welfare_sample: Any, make_user: Any, login_client: Any
) -> None:
    client = login_client(make_user(roles=[(role, scope)]))
    year = welfare_sample["year"]
    page = client.get(f"/dashboards/?region={scope}&year={year}")
    assert page.status_code == 200
    assert page.context["data"].welfare is None and "welfare" not in page.context["tables"]
    assert 'id="welfare"' not in page.content.decode()
    api = client.get(f"/api/v1/dashboards/?region={scope}").json()
    assert api["welfare"] is None
    assert not [k for k in api["tables"] if k.startswith("welfare-")]
    for key in ("welfare-districts", "welfare-villages", "welfare-overlap"):
        assert client.get(f"/dashboards/tables/{key}/?region={scope}&format=csv").status_code == 404
        assert client.get(f"/api/v1/dashboards/tables/{key}?region={scope}").status_code == 404
    assert client.get("/welfare/reports/?format=csv").status_code == 404


@pytest.mark.parametrize("region", ["35.99", "35.10.01'--", "x" * 300])
def test_a_region_outside_the_scope_or_malformed_is_404_on_the_reports(
    region: str, welfare_sample: Any, social: Any, make_user: Any, login_client: Any
) -> None:
    client = login_client(social)
    for fmt in ("csv", "overlap.csv", "errors.csv", ""):
        assert client.get("/welfare/reports/", {"region": region, "format": fmt}).status_code == 404
    api = client.get("/api/v1/welfare/reports/overlap", {"region": region})
    assert api.status_code == 404 and api.json()["code"]
    # Report roles held over one kecamatan do not reach another.
    stranger = login_client(make_user(roles=[(Role.SOCIAL_OFFICER, KEC_PESANGGARAN)]))
    response = stranger.get("/welfare/reports/", {"region": KEC_BANGOREJO, "format": "csv"})
    assert response.status_code == 404


def test_a_village_operator_gets_404_on_the_section_and_its_csv(
    welfare_sample: Any, staff: Any, login_client: Any
) -> None:
    client = login_client(staff)
    assert client.get("/dashboards/").status_code == 404
    for key in ("welfare-districts", "welfare-villages", "welfare-overlap"):
        assert client.get(f"/dashboards/tables/{key}/?format=csv").status_code == 404
    for fmt in ("csv", "overlap.csv", "errors.csv"):
        assert client.get(f"/welfare/reports/?format={fmt}").status_code == 404


def test_the_social_office_sees_the_welfare_section(
    welfare_sample: Any, social: Any, login_client: Any
) -> None:
    client = login_client(social)
    page = client.get(f"/dashboards/?year={welfare_sample['year']}")
    assert page.status_code == 200
    assert page.context["summary"].exclusion_errors == 2
    assert 'id="welfare"' in page.content.decode()


def test_the_welfare_section_costs_one_read_per_figure_and_none_on_the_page(
    welfare_sample: Any,
    regency_officer: Any,
    login_client: Any,
    make_family: Any,
    in_register: Any,
    staff: Any,
    make_programme: Any,
) -> None:
    year = welfare_sample["year"]
    client = login_client(regency_officer)

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as computed:
            welfare_public.dashboard_figures(regency_code=REGENCY, year=year)
        dashboard_refresh(regency_code=REGENCY, year=year)
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/dashboards/?year={year}").status_code == 200
        return len(computed), len(page)

    small = measure()
    # More households, villages and a third programme: the same number of reads.
    make_programme(code="BLT", starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
    more = [make_family(v) for v in (SARONGAN, PESANGGARAN, SUKOREJO) for _i in range(3)]
    in_register(*[(f, 1) for f in more])
    for family in more:
        _enrol(family, "BLT", staff)
    assert measure() == small
    # Period, recipients, exclusion, inclusion, programmes, overlap: one read each.
    assert small[0] == 6
    assert small[1] <= 20
    stored = DashboardFigures.objects.get(regency_id=REGENCY, section=Section.WELFARE, year=year)
    assert "BLT" in stored.data_json


def test_the_month_shown_is_the_latest_of_the_year_with_recipients(
    welfare_sample: Any, regency_officer: Any, login_client: Any
) -> None:
    year = welfare_sample["year"]
    assert welfare_public.dashboard_period(regency_code=REGENCY, year=year) == current_period()
    # Last year had no recipients: its last month, and nothing counted.
    assert welfare_public.dashboard_period(regency_code=REGENCY, year=year - 1) == f"{year - 1}-12"
    client = login_client(regency_officer)
    page = client.get(f"/dashboards/?year={year - 1}")
    assert page.context["data"].welfare.period == f"{year - 1}-12"
    assert page.context["data"].welfare.overlap_rows() == [("BPNT", [0, 0]), ("PKH", [0, 0])]
    # A filter value that means nothing filters nothing; a village as the region is a 404.
    base = f"/dashboards/tables/welfare-villages/?year={year}"
    every = client.get(base).context["table"].rows
    assert len(client.get(base + "&exclusion=maybe").context["table"].rows) == len(every)
    assert len(client.get(base + "&exclusion=yes").context["table"].rows) == 2
    assert client.get(base + f"&region={SARONGAN}").status_code == 404

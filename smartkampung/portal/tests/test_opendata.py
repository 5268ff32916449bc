"""Open data: CSV and JSON with the same (suppressed) figures, GeoJSON of published projects,
the Fiscal Data Package of the approved budgets, and the public API."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from django.test import Client

from conftest import REGENCY, SARONGAN, SUKOREJO
from smartkampung.budgets.models import BudgetItem, BudgetStatus
from smartkampung.projects import services as project_services
from smartkampung.projects.models import Project


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"].startswith("public")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_population_csv_and_json_carry_the_suppressed_figures(sample: Any, client: Client) -> None:
    rows = _csv(client.get(f"/portal/data/{SARONGAN}/population.csv"))
    assert rows and {r["region_code"] for r in rows} == {SARONGAN}
    suppressed = [r for r in rows if r["suppressed"] == "true"]
    assert suppressed and all(r["count"] == "" for r in suppressed)
    for r in rows:
        if r["count"]:
            assert int(r["count"]) == 0 or int(r["count"]) >= 5, r
    total = next(r for r in rows if r["table"] == "population")
    assert total["count"] == "12"

    data = client.get(f"/portal/data/{SARONGAN}/population.json").json()
    region = data["regions"][0]
    assert region["residents"] == 12
    assert data["suppression"]["threshold"] == 5
    assert any(band["male"] is None for band in region["age_pyramid"])

    # A kecamatan file holds the kecamatan and each of its villages.
    codes = {r["region_code"] for r in _csv(client.get("/portal/data/35.10.01/population.csv"))}
    assert "35.10.01" in codes and SARONGAN in codes and len(codes) == 6


def test_projects_files_hold_published_projects_only(sample: Any, client: Client) -> None:
    rows = _csv(client.get(f"/portal/data/{SARONGAN}/projects.csv?year={sample.year}"))
    assert [r["title"] for r in rows] == ["Rabat beton jalan dusun Krajan"]
    assert "executor" not in rows[0]
    geo = client.get(f"/portal/data/{REGENCY}/projects.geojson?year={sample.year}")
    assert geo["Content-Type"] == "application/geo+json"
    features = json.loads(geo.content)["features"]
    assert {f["properties"]["id"] for f in features} == {sample.published.pk, sample.completed.pk}
    listed = client.get(f"/portal/data/{REGENCY}/projects.json?year={sample.year}").json()
    assert {p["id"] for p in listed["projects"]} == {sample.published.pk, sample.completed.pk}
    assert listed["projects"][0]["budget"] == "150000000.00"


def test_budget_files_match_the_page_figures(sample: Any, client: Client) -> None:
    rows = _csv(client.get(f"/portal/data/{SARONGAN}/budget.csv?year={sample.year}"))
    revenue = {r["code"]: r for r in rows if r["part"] == "revenue_by_fund_source"}
    assert Decimal(revenue["DDS"]["planned"]) == Decimal("100000000")
    assert Decimal(revenue["DDS"]["realised"]) == Decimal("40000000")
    spending = {r["code"]: r for r in rows if r["part"] == "expenditure_by_sector"}
    assert Decimal(spending["02"]["realised"]) == Decimal("7500000")
    data = client.get(f"/portal/data/{SARONGAN}/budget.json?year={sample.year}").json()
    assert data["approved_budgets"] == 1
    # Sukorejo's budget is a draft: nothing is published.
    empty = client.get(f"/portal/data/{SUKOREJO}/budget.json?year={sample.year}").json()
    assert empty["approved_budgets"] == 0 and empty["expenditure_by_sector"] == []


def test_csv_files_neutralise_spreadsheet_formulas(sample: Any, client: Client) -> None:
    Project.objects.filter(pk=sample.published.pk).update(title="=cmd|' /C calc'!A0")
    rows = _csv(client.get(f"/portal/data/{SARONGAN}/projects.csv?year={sample.year}"))
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"


def test_fiscal_data_package(sample: Any, client: Client) -> None:
    package = client.get(f"/portal/data/fiscal/{sample.year}/datapackage.json").json()
    assert package["profiles"] == {"fiscal": "*", "tabular": "*"}
    assert package["fiscalSpecVersion"] == "0.3.0"
    assert package["fiscalPeriod"] == {
        "start": f"{sample.year}-01-01",
        "end": f"{sample.year}-12-31",
    }
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"expenditure", "revenue"}
    fields = {name: [f["name"] for f in r["schema"]["fields"]] for name, r in resources.items()}
    # Every measure and every dimension attribute points at a column of its resource.
    for measure in package["model"]["measures"].values():
        assert measure["currency"] == "IDR"
        assert measure["source"] in fields[measure["resource"]]
        assert measure["direction"] in {"expenditure", "revenue"}
        assert measure["phase"] in {"approved", "executed"}
    for dimension in package["model"]["dimensions"].values():
        attributes = dimension["attributes"]
        for key in dimension["primaryKey"]:
            assert key in attributes
        for attribute in attributes.values():
            assert attribute["source"] in fields[attribute["resource"]]
            for ref in ("labelfor", "parent"):
                if ref in attribute:
                    assert attribute[ref] in attributes

    tables = {}
    for name, resource in resources.items():
        response = client.get(f"/portal/data/fiscal/{sample.year}/{resource['path']}")
        assert response.status_code == 200
        reader = csv.reader(io.StringIO(response.content.decode()))
        header = next(reader)
        assert header == fields[name]
        tables[name] = [dict(zip(header, row, strict=True)) for row in reader]

    # Only the approved budget (Sarongan); Sukorejo's draft is absent.
    assert {r["village_code"] for r in tables["expenditure"]} == {SARONGAN}
    approved_items = BudgetItem.objects.filter(
        budget__village_id=SARONGAN, budget__status=BudgetStatus.APPROVED
    )
    assert sum(Decimal(r["approved"]) for r in tables["expenditure"]) == sum(
        i.amount for i in approved_items
    )
    assert sum(Decimal(r["executed"]) for r in tables["expenditure"]) == Decimal("7500000")
    cement = next(r for r in tables["expenditure"] if r["account_code"] == "5.3.5.03")
    assert cement["activity_code"] == "02.03.10" and cement["sector_code"] == "02"
    assert cement["sub_sector_code"] == "02.03" and cement["fund_source_code"] == "DDS"
    dds = next(r for r in tables["revenue"] if r["fund_source_code"] == "DDS")
    assert Decimal(dds["approved"]) == Decimal("100000000")
    assert Decimal(dds["executed"]) == Decimal("40000000")
    # Lines carry codes and official names, never item descriptions.
    assert "Semen" not in json.dumps(tables)


def test_fiscal_package_of_a_year_without_budgets_is_empty_but_valid(
    db: Any, client: Client
) -> None:
    assert client.get("/portal/data/fiscal/2019/datapackage.json").status_code == 200
    body = client.get("/portal/data/fiscal/2019/expenditure.csv").content.decode()
    assert body.splitlines()[0].startswith("fiscal_year,")
    assert len(body.splitlines()) == 1


def test_public_api_answers_the_summary(sample: Any, client: Client) -> None:
    data = client.get(f"/api/v1/portal/regions/{SARONGAN}?year={sample.year}").json()
    assert data["region"]["code"] == SARONGAN
    assert data["population"]["residents"] == 12
    assert data["projects"]["published"] == 1
    assert client.get("/api/v1/portal/regions/99.99").status_code == 404
    assert client.get(f"/api/v1/portal/regions/{SARONGAN}?year=1700").status_code == 422
    assert client.get(f"/api/v1/portal/regions/{SARONGAN}?year=x").status_code == 422


def test_a_project_that_starts_is_published(sample: Any, client: Client) -> None:
    from datetime import date

    from django.core.cache import cache

    from smartkampung.portal.testing import photo_with_exif

    url = f"/portal/data/{SARONGAN}/projects.csv?year={sample.year}"
    assert len(_csv(client.get(url))) == 1
    report = project_services.report_create(
        actor=sample.operator, project=sample.planned, stage=0, reported_on=date.today()
    )
    cache.clear()
    assert len(_csv(client.get(url))) == 1  # a report without a photo does not start it
    project_services.photo_add(
        actor=sample.operator,
        report=report,
        data=photo_with_exif(sample.planned.lat, sample.planned.lng, picture=2),
    )

    cache.clear()  # (in production: within SK_PORTAL_CACHE_SECONDS)
    assert len(_csv(client.get(url))) == 2


def test_files_go_out_compressed_to_clients_that_accept_it(sample: Any, client: Client) -> None:
    import gzip

    url = f"/portal/data/fiscal/{sample.year}/expenditure.csv"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert client.get("/portal/data/fiscal/1999/datapackage.json").status_code == 404

"""The approved APBDes of the regency as a Fiscal Data Package.

We follow the Fiscal Data Package specification **version 0.3.0** (Open Knowledge / Frictionless
Data, https://specs.frictionlessdata.io/fiscal-data-package/ — the version with a published
JSON schema, ``fiscal-data-package.json``): a ``datapackage.json`` descriptor with
``profiles: {"fiscal": "*", "tabular": "*"}``, two CSV resources (``expenditure.csv``,
``revenue.csv``) described by Table Schema, and a ``model`` that maps their columns to
``measures`` (amounts in IDR with ``direction`` and ``phase``: approved and executed) and
``dimensions`` (administrative classification: kecamatan → desa; functional: bidang → sub
bidang → kegiatan of Permendagri 20/2018; economic: the account; fund source; fiscal year).
Lines are aggregated, never transactions: no payee, no item description, no document number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.budgets.models import Account, Activity, FundSource, Sector, SubSector
from smartkampung.budgets.selectors import open_data as budget_open_data
from smartkampung.regions.models import Level, Region

FDP_EXPENDITURE_COLUMNS = [
    ("fiscal_year", "integer", _("Fiscal year")),
    ("kecamatan_code", "string", _("Kecamatan code (Kemendagri)")),
    ("kecamatan", "string", _("Kecamatan")),
    ("village_code", "string", _("Desa code (Kemendagri)")),
    ("village", "string", _("Desa")),
    ("sector_code", "string", _("Bidang code (Permendagri 20/2018)")),
    ("sector", "string", _("Bidang")),
    ("sub_sector_code", "string", _("Sub bidang code")),
    ("sub_sector", "string", _("Sub bidang")),
    ("activity_code", "string", _("Kegiatan code")),
    ("activity", "string", _("Kegiatan")),
    ("account_code", "string", _("Account code (economic classification)")),
    ("account", "string", _("Account name")),
    ("fund_source_code", "string", _("Fund source code (Siskeudes)")),
    ("fund_source", "string", _("Fund source")),
    ("approved", "number", _("Approved budget (IDR)")),
    ("executed", "number", _("Realised: approved disbursements (IDR)")),
]
FDP_REVENUE_COLUMNS = [
    ("fiscal_year", "integer", _("Fiscal year")),
    ("kecamatan_code", "string", _("Kecamatan code (Kemendagri)")),
    ("kecamatan", "string", _("Kecamatan")),
    ("village_code", "string", _("Desa code (Kemendagri)")),
    ("village", "string", _("Desa")),
    ("account_code", "string", _("Account code (economic classification)")),
    ("account", "string", _("Account name")),
    ("fund_source_code", "string", _("Fund source code (Siskeudes)")),
    ("fund_source", "string", _("Fund source")),
    ("approved", "number", _("Approved budget (IDR)")),
    ("executed", "number", _("Realised: receipts (IDR)")),
]


def _names(model: Any) -> dict[str, str]:
    # The official Indonesian names: the classification is the regulation's, whatever the
    # language of the page that linked here.
    return dict(model.objects.values_list("code", "name_id"))


def fiscal_tables(regency: Region, year: int) -> dict[str, list[list[Any]]]:
    """The rows of ``expenditure.csv`` and ``revenue.csv`` (approved APBDes of ``year``)."""
    lines = budget_open_data.fiscal_lines(year=year, region_code=regency.code)
    villages: dict[str, dict[str, Any]] = {
        r["code"]: dict(r)
        for r in Region.objects.filter(
            level=Level.VILLAGE, code__startswith=regency.code + "."
        ).values("code", "name", "parent_id", "parent__name")
    }
    sectors, sub_sectors = _names(Sector), _names(SubSector)
    activities, accounts, sources = _names(Activity), _names(Account), _names(FundSource)

    def place(code: str) -> list[Any]:
        v = villages.get(code, {})
        return [year, v.get("parent_id", ""), v.get("parent__name", ""), code, v.get("name", "")]

    expenditure = [
        [
            *place(line["village"]),
            line["activity"][:2],
            sectors.get(line["activity"][:2], ""),
            line["activity"][:5],
            sub_sectors.get(line["activity"][:5], ""),
            line["activity"],
            activities.get(line["activity"], ""),
            line["account"],
            accounts.get(line["account"], ""),
            line["fund_source"],
            sources.get(line["fund_source"], ""),
            line["approved"],
            line["executed"],
        ]
        for line in lines["expenditure"]
    ]
    revenue = [
        [
            *place(line["village"]),
            line["account"],
            accounts.get(line["account"], ""),
            line["fund_source"],
            sources.get(line["fund_source"], ""),
            line["approved"],
            line["executed"],
        ]
        for line in lines["revenue"]
    ]
    return {"expenditure": expenditure, "revenue": revenue}


def _schema(columns: list[tuple[str, str, Any]]) -> dict[str, Any]:
    return {
        "fields": [
            {"name": name, "type": kind, "title": str(title)} for name, kind, title in columns
        ]
    }


def _attributes(
    resource: str, pairs: list[tuple[str, str]], parents: dict[str, str] | None = None
) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for name, source in pairs:
        attributes[name] = {"source": source, "resource": resource}
    for child, parent in (parents or {}).items():
        attributes[child]["parent"] = parent
    return attributes


def _labels(attributes: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    for label, code in labels.items():
        attributes[label]["labelfor"] = code
    return attributes


def datapackage(regency: Region, year: int, *, base_url: str) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor (Fiscal Data Package 0.3.0)."""
    resources = []
    for name, columns, title in (
        ("expenditure", FDP_EXPENDITURE_COLUMNS, _("Expenditure of the approved APBDes")),
        ("revenue", FDP_REVENUE_COLUMNS, _("Revenue of the approved APBDes")),
    ):
        resources.append(
            {
                "name": name,
                "title": str(title),
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\r\n"},
                "schema": _schema(columns),
            }
        )

    def place(resource: str) -> dict[str, Any]:
        return {
            "attributes": _labels(
                _attributes(
                    resource,
                    [
                        ("kecamatan_code", "kecamatan_code"),
                        ("kecamatan", "kecamatan"),
                        ("code", "village_code"),
                        ("title", "village"),
                    ],
                    {"code": "kecamatan_code"},
                ),
                {"kecamatan": "kecamatan_code", "title": "code"},
            ),
            "primaryKey": ["code"],
            "dimensionType": "classification",
            "classificationType": "administrative",
        }

    def classification(
        resource: str,
        kind: str,
        pairs: list[tuple[str, str]],
        labels: dict[str, str],
        parents: dict[str, str] | None = None,
        key: str = "code",
    ) -> dict[str, Any]:
        return {
            "attributes": _labels(_attributes(resource, pairs, parents), labels),
            "primaryKey": [key],
            "dimensionType": "classification",
            "classificationType": kind,
        }

    def fund(resource: str) -> dict[str, Any]:
        return {
            "attributes": _labels(
                _attributes(resource, [("id", "fund_source_code"), ("title", "fund_source")]),
                {"title": "id"},
            ),
            "primaryKey": ["id"],
            "dimensionType": "entity",
        }

    def fiscal_year(resource: str) -> dict[str, Any]:
        return {
            "attributes": _attributes(resource, [("year", "fiscal_year")]),
            "primaryKey": ["year"],
            "dimensionType": "datetime",
        }

    return {
        "name": f"apbdes-{regency.code.replace('.', '-')}-{year}",
        "title": _("Village budgets (APBDes) %(year)s, %(regency)s")
        % {"year": year, "regency": regency.name},
        "description": _(
            "The approved budgets of every desa, aggregated per desa, kegiatan, account and "
            "fund source, with their realisation so far. Kelurahan have no APBDes."
        ),
        "homepage": base_url,
        "version": "1.0.0",
        "license": settings.SK_PORTAL_DATA_LICENSE,
        "licenses": [{"name": settings.SK_PORTAL_DATA_LICENSE}],
        "countryCode": "ID",
        "profiles": {"fiscal": "*", "tabular": "*"},
        "profile": "fiscal-data-package",
        "fiscalSpecVersion": "0.3.0",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "resources": resources,
        "model": {
            "measures": {
                "approved": {
                    "source": "approved",
                    "currency": "IDR",
                    "resource": "expenditure",
                    "direction": "expenditure",
                    "phase": "approved",
                },
                "executed": {
                    "source": "executed",
                    "currency": "IDR",
                    "resource": "expenditure",
                    "direction": "expenditure",
                    "phase": "executed",
                },
                "revenue_approved": {
                    "source": "approved",
                    "currency": "IDR",
                    "resource": "revenue",
                    "direction": "revenue",
                    "phase": "approved",
                },
                "revenue_executed": {
                    "source": "executed",
                    "currency": "IDR",
                    "resource": "revenue",
                    "direction": "revenue",
                    "phase": "executed",
                },
            },
            "dimensions": {
                "administrative-classification": place("expenditure"),
                "functional-classification": classification(
                    "expenditure",
                    "functional",
                    [
                        ("sector_code", "sector_code"),
                        ("sector", "sector"),
                        ("sub_sector_code", "sub_sector_code"),
                        ("sub_sector", "sub_sector"),
                        ("code", "activity_code"),
                        ("title", "activity"),
                    ],
                    {"sector": "sector_code", "sub_sector": "sub_sector_code", "title": "code"},
                    {"sub_sector_code": "sector_code", "code": "sub_sector_code"},
                ),
                "economic-classification": classification(
                    "expenditure",
                    "economic",
                    [("code", "account_code"), ("title", "account")],
                    {"title": "code"},
                ),
                "fund-source": fund("expenditure"),
                "fiscal-year": fiscal_year("expenditure"),
                "revenue-administrative-classification": place("revenue"),
                "revenue-economic-classification": classification(
                    "revenue",
                    "economic",
                    [("code", "account_code"), ("title", "account")],
                    {"title": "code"},
                ),
                "revenue-fund-source": fund("revenue"),
                "revenue-fiscal-year": fiscal_year("revenue"),
            },
        },
    }

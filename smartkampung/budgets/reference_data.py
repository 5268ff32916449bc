"""Loading the shipped reference lists from ``data/budgets/`` (see its README for sources).

Used by the data migration and by test fixtures after a transactional flush. Idempotent: rows
that exist are left as they are (a regency officer may have deactivated or renamed them);
missing rows are added.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings

DATA_DIR = Path(settings.BASE_DIR) / "data" / "budgets"
COA_FILE = "coa_permendagri_20_2018.csv"
ACTIVITY_FILES = ("bidang_kegiatan_permendagri_20_2018.csv", "kegiatan_tambahan_siskeudes.csv")
FUND_SOURCE_FILE = "fund_sources.csv"

# Transfers the regency allocates per village (pagu): Dana Desa (allocated per village by the
# regent's regulation), Alokasi Dana Desa, the tax/levy share and the financial assistance of
# the regency and the province. Own revenue, self-help and other funds have no ceiling.
CEILING_FUND_SOURCES = frozenset({"DDS", "ADD", "PBH", "PBK", "PBP"})
# Rows that come from Siskeudes practice rather than the annex (kegiatan under bidang 05).
SISKEUDES_ADDITIONS = "kegiatan_tambahan_siskeudes.csv"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(app_registry: Any = None) -> dict[str, int]:
    """Insert missing accounts, sectors, sub-sectors, activities and fund sources."""
    if app_registry is None:
        from django.apps import apps as app_registry
    account_model = app_registry.get_model("budgets", "Account")
    sector_model = app_registry.get_model("budgets", "Sector")
    sub_sector_model = app_registry.get_model("budgets", "SubSector")
    activity_model = app_registry.get_model("budgets", "Activity")
    fund_source_model = app_registry.get_model("budgets", "FundSource")
    created = {"accounts": 0, "sectors": 0, "sub_sectors": 0, "activities": 0, "fund_sources": 0}

    existing = set(account_model.objects.values_list("code", flat=True))
    for row in _rows(COA_FILE):  # parents come before children in the file
        if row["code"] in existing:
            continue
        account_model.objects.create(
            code=row["code"],
            level=row["level"],
            name_id=row["name_id"],
            name_en=row["name_en"],
            parent_id=row["parent_code"] or None,
        )
        existing.add(row["code"])
        created["accounts"] += 1

    sectors = set(sector_model.objects.values_list("code", flat=True))
    sub_sectors = set(sub_sector_model.objects.values_list("code", flat=True))
    activities = set(activity_model.objects.values_list("code", flat=True))
    for file_name in ACTIVITY_FILES:
        for row in _rows(file_name):
            code, level = row["code"], row["level"]
            names = {"name_id": row["name_id"], "name_en": row["name_en"]}
            if level == "bidang" and code not in sectors:
                sector_model.objects.create(code=code, **names)
                sectors.add(code)
                created["sectors"] += 1
            elif level == "sub_bidang" and code not in sub_sectors:
                sub_sector_model.objects.create(code=code, sector_id=row["parent_code"], **names)
                sub_sectors.add(code)
                created["sub_sectors"] += 1
            elif level == "kegiatan" and code not in activities:
                activity_model.objects.create(
                    code=code,
                    sub_sector_id=row["parent_code"],
                    regional=file_name == SISKEUDES_ADDITIONS,
                    **names,
                )
                activities.add(code)
                created["activities"] += 1

    fund_sources = set(fund_source_model.objects.values_list("code", flat=True))
    for position, row in enumerate(_rows(FUND_SOURCE_FILE), start=1):
        if row["code"] in fund_sources:
            continue
        fund_source_model.objects.create(
            code=row["code"],
            name_id=row["name_id"],
            name_en=row["name_en"],
            position=position,
            needs_ceiling=row["code"] in CEILING_FUND_SOURCES,
        )
        created["fund_sources"] += 1
    return created

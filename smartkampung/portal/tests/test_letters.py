"""Letter-service figures on the public portal: suppressed counts, medians of enough letters."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from conftest import KEC_BANGOREJO, KEC_PESANGGARAN, REGENCY, SARONGAN, SUKOREJO
from smartkampung.portal.letters import compute_published_letters, letter_figures


def test_small_letter_counts_are_hidden_over_the_region_tree(sample: Any) -> None:
    published = compute_published_letters(regency_code=REGENCY, year=sample.year, threshold=5)
    sarongan = published[SARONGAN]
    assert sarongan.total == 9
    # Two domicile letters are few: hidden, and the SPM count with them (9 - 2 would tell).
    assert {t["code"]: t["count"] for t in sarongan.types} == {"spm": None, "domisili": None}
    assert published[SUKOREJO].total is None  # one letter in all
    assert published[KEC_PESANGGARAN].types == sarongan.types
    for region in published.values():
        for value in [region.total, *(t["count"] for t in region.types)]:
            assert value is None or value == 0 or value >= 5


def test_medians_only_where_enough_letters_were_measured(sample: Any) -> None:
    sarongan = {
        t["code"]: t for t in letter_figures(region_code=SARONGAN, year=sample.year)["types"]
    }
    assert sarongan["spm"]["median_minutes"] == 28.0  # seven SPMs
    assert sarongan["spm"]["within_target"] is True
    assert sarongan["domisili"]["median_minutes"] is None  # two letters: one person's case
    sukorejo = letter_figures(region_code=SUKOREJO, year=sample.year)
    assert [t["median_minutes"] for t in sukorejo["types"]] == [None]
    bangorejo = letter_figures(region_code=KEC_BANGOREJO, year=sample.year)
    assert bangorejo["total"] is None


def test_village_page_and_files_show_the_service_figures(sample: Any, client: Client) -> None:
    client.cookies["sk_language"] = "en"
    html = client.get(f"/portal/{SARONGAN}/?year={sample.year}").content.decode()
    assert 'id="services"' in html and "within the target" in html
    assert "28 min" in html
    body = client.get(f"/portal/data/{SARONGAN}/letters.csv?year={sample.year}").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    total = next(r for r in rows if r["letter_type"] == "")
    assert total["count"] == "9"
    spm = next(r for r in rows if r["letter_type"] == "spm")
    assert spm["count"] == "" and spm["suppressed"] == "true" and spm["median_minutes"] == "28.0"
    data = client.get(f"/portal/data/{REGENCY}/letters.json?year={sample.year}").json()
    assert data["regions"][0]["code"] == REGENCY and len(data["regions"]) == 243
    summary = client.get(f"/api/v1/portal/regions/{SARONGAN}?year={sample.year}").json()
    assert summary["letters"]["total"] == 9

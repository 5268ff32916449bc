"""The public portal's aid figures: counts per programme and region with the small-cell
suppression, never a name or an identifier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from smartkampung.portal.welfare import published_aid
from smartkampung.welfare import services
from smartkampung.welfare.rules import Candidate

from .conftest import PERIOD, SARONGAN, SUKOREJO

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enrolled(make_family, make_programme, social, settings) -> dict[str, list[Any]]:
    """Five households of Sarongan and two of Sukorejo (another kecamatan) receive PKH."""
    from datetime import date

    settings.SK_PORTAL_SUPPRESSION_THRESHOLD = 5
    make_programme(decile_max=None)
    make_programme(code="BPNT", name="Bantuan Pangan Non Tunai", decile_max=None)
    families: dict[str, list[Any]] = {
        SARONGAN: [make_family(SARONGAN) for _ in range(5)],
        SUKOREJO: [make_family(SUKOREJO) for _ in range(2)],
    }
    for village, rows in families.items():
        for f in rows:
            services.enrolment_create(
                actor=social,
                candidate=Candidate("PKH", PERIOD, f["head"].nik, f["kk"], village),
            )
    # The figures are of the latest month with recipients up to today.
    assert date.today().isoformat()[:7] >= PERIOD
    return families


def _counts(code: str) -> dict[str, int | None]:
    aid = published_aid(region_code=code)
    assert aid is not None
    return {p.code: p.recipients for p in aid.programmes}


def test_counts_per_village_hide_small_cells_and_what_would_reveal_them(enrolled) -> None:
    assert _counts(SARONGAN) == {"BPNT": 0, "PKH": 5}
    assert _counts(SUKOREJO) == {"BPNT": 0, "PKH": None}  # 2 < 5: hidden
    # Kecamatan 35.10.02 holds only Sukorejo's 2: hidden; the regency's 7 is published, so
    # kecamatan 35.10.01's 5 is hidden too, or 7 − 5 would give 35.10.02 away.
    assert _counts("35.10.02") == {"BPNT": 0, "PKH": None}
    assert _counts("35.10.01") == {"BPNT": 0, "PKH": None}
    assert _counts("35.10") == {"BPNT": 0, "PKH": 7}


def test_the_village_page_shows_the_counts_and_no_personal_data(enrolled, client: Client) -> None:
    html = client.get(f"/portal/{SARONGAN}/").content.decode()
    assert 'id="aid"' in html and "Penerima bantuan sosial" in html
    assert "PKH — Program Keluarga Harapan" in html
    for f in enrolled[SARONGAN] + enrolled[SUKOREJO]:
        assert f["head"].nik not in html and f["kk"] not in html
    assert "Slamet Riyadi" not in html
    client.cookies["sk_language"] = "en"
    cache.clear()
    assert "Social aid recipients" in client.get(f"/portal/{SUKOREJO}/").content.decode()


def test_no_recipients_no_section(db, client: Client) -> None:
    assert published_aid(region_code=SARONGAN) is None
    assert 'id="aid"' not in client.get(f"/portal/{SARONGAN}/").content.decode()

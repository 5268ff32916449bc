"""Published population statistics: suppression applied over the whole region tree."""

from __future__ import annotations

from typing import Any

from conftest import KEC_PESANGGARAN, REGENCY, SARONGAN
from smartkampung.population.statistics import population_statistics
from smartkampung.portal.population import compute_published, published_population


def _published_values(p: Any) -> list[int]:
    values = [p.total, p.households]
    values += [row["male"] for row in p.pyramid] + [row["female"] for row in p.pyramid]
    values += [v for rows in p.tables.values() for _code, v in rows]
    return [v for v in values if v is not None]


def test_no_small_count_is_published_anywhere(sample: Any) -> None:
    published = compute_published(regency_code=REGENCY, threshold=5)
    assert len(published) == 1 + 25 + 217
    for region in published.values():
        for value in _published_values(region):
            assert value == 0 or value >= 5, region.code


def test_a_hidden_village_cell_is_not_given_away_by_its_kecamatan(sample: Any) -> None:
    published = compute_published(regency_code=REGENCY, threshold=5)
    village, kecamatan = published[SARONGAN], published[KEC_PESANGGARAN]
    # Sarongan is the only village of its kecamatan with residents: every figure of the
    # kecamatan equals Sarongan's, so each is published or hidden in both places alike.
    assert village.total == kecamatan.total == 12
    for band_v, band_k in zip(village.pyramid, kecamatan.pyramid, strict=True):
        assert (band_v["male"] is None) == (band_k["male"] is None)
    for key, rows in village.tables.items():
        assert rows == kecamatan.tables[key]


def test_twelve_residents_leave_only_safe_figures(sample: Any) -> None:
    p = published_population(region_code=SARONGAN)
    assert p.total == 12
    assert p.households == 12
    religion = dict(p.tables["religion"])
    assert religion == {1: 12}  # all Muslim in the sample: a safe count
    sex = dict(p.tables["sex"])
    assert sex == {1: 6, 2: 6}
    # Twelve people spread over sixteen age bands: every non-zero band is small.
    assert all(row["male"] in (None, 0) for row in p.pyramid)
    assert p.hidden > 0


def test_published_totals_agree_with_the_population_app(sample: Any) -> None:
    stats = population_statistics(region_code=REGENCY)
    assert published_population(region_code=REGENCY).total == stats.total == 12


def test_a_village_without_residents_publishes_zeros(sample: Any) -> None:
    p = published_population(region_code="35.10.24.2001")
    assert p.total == 0 and p.households == 0
    assert all(rows == [] for rows in p.tables.values())

"""Our z-scores against WHO's own software output, never against our own values.

Reference: WHO igrowup's demonstration survey with the z-scores and flags igrowup computed
(``data/who/reference/survey_z_st.csv``, provenance in ``data/who/README.md``), and the values
asserted by the tests of WHO's anthro package (github.com/WorldHealthOrganization/anthro,
tests/testthat)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from smartkampung.health.growth.who import FLAG_BITS, compute_zscores

REFERENCE = Path(__file__).resolve().parents[3] / "data" / "who" / "reference" / "survey_z_st.csv"
COLUMNS = {
    "waz": ("_ZWEI", "_FWEI"),
    "haz": ("_ZLEN", "_FLEN"),
    "whz": ("_ZWFL", "_FWFL"),
    "baz": ("_ZBMI", "_FBMI"),
    "hcz": ("_ZHC", "_FHC"),
}


def _num(text: str) -> float:
    return float(text) if text.strip() else math.nan


@pytest.fixture(scope="module")
def survey() -> tuple[list[dict[str, str]], object]:
    with REFERENCE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    z = compute_zscores(
        sex=[int(r["GENDER"]) for r in rows],
        age_days=[_num(r["_agedays"]) for r in rows],
        weight_kg=[_num(r["WEIGHT"]) for r in rows],
        height_cm=[_num(r["HEIGHT"]) for r in rows],
        position=[{"l": 1, "h": 2}.get(r["measure"], 0) for r in rows],
        head_cm=[_num(r["HEAD"]) for r in rows],
        oedema=[r["oedema"] == "y" for r in rows],
    )
    return rows, z


def _under_60_months(row: dict[str, str]) -> bool:
    # WHO's current anthro computes z-scores only below 60 months (igrowup went to 1856 days).
    return not row["agemons"] or float(row["agemons"]) < 60


@pytest.mark.parametrize("indicator", list(COLUMNS))
def test_zscores_agree_with_who_igrowup_to_a_hundredth(survey, indicator):
    rows, z = survey
    column, _flag = COLUMNS[indicator]
    ours = getattr(z, indicator)
    compared = 0
    for i, row in enumerate(rows):
        if not _under_60_months(row):
            continue
        expected = _num(row[column])
        if math.isnan(expected):
            assert math.isnan(ours[i]), (row["id"], indicator, ours[i])
            continue
        compared += 1
        assert abs(ours[i] - expected) <= 0.01, (row["id"], indicator, ours[i], expected)
    assert compared > 90  # the file holds hundreds of values of each (94 head circumferences)


@pytest.mark.parametrize("indicator", list(COLUMNS))
def test_implausible_flags_agree_with_who_igrowup(survey, indicator):
    rows, z = survey
    _column, flag = COLUMNS[indicator]
    compared = 0
    for i, row in enumerate(rows):
        if not _under_60_months(row) or not row[flag].strip():
            continue
        ours = bool(z.flags[i] & FLAG_BITS[indicator])
        assert ours == (row[flag] == "1"), (row["id"], indicator)
        compared += 1
    assert compared > 90


def test_no_zscore_from_60_months(survey):
    rows, z = survey
    old = [i for i, r in enumerate(rows) if not _under_60_months(r)]
    assert old and all(np.isnan(z.waz[i]) and np.isnan(z.haz[i]) for i in old)


def test_values_from_whos_anthro_tests():
    # anthro tests/testthat: boy, 987 days, 72.86 cm lying → HAZ −6.09 (flagged);
    # girl 24 months (730.5 → 731 days), 77.5 cm → −2.55; girl 1522 days, 17 kg → WAZ 0.24;
    # boy 9 months (274 days) measured standing at 60 cm → 60.7 cm, HAZ −5.02 (tolerance 0.01).
    z = compute_zscores(
        sex=[1, 2, 2, 1],
        age_days=[987, 731, 1522, 274],
        weight_kg=[np.nan, np.nan, 17, np.nan],
        height_cm=[72.86, 77.5, np.nan, 60],
        position=[1, 0, 0, 2],
    )
    assert z.haz[0] == pytest.approx(-6.09, abs=0.005)
    assert z.flags[0] & FLAG_BITS["haz"]
    assert z.haz[1] == pytest.approx(-2.55, abs=0.005)
    assert z.waz[2] == pytest.approx(0.24, abs=0.005)
    assert z.clenhei[3] == pytest.approx(60.7)
    assert z.haz[3] == pytest.approx(-5.02, abs=0.01)


def test_standing_under_nine_months_is_not_corrected_and_is_flagged():
    # anthro: 8 months (243.5 → 244 days) measured standing at 60 cm → 60.0 cm, HAZ −4.81.
    z = compute_zscores(sex=[1], age_days=[244], height_cm=[60], position=[2])
    assert z.clenhei[0] == pytest.approx(60.0)
    assert z.haz[0] == pytest.approx(-4.81, abs=0.01)
    assert z.flag_names(0) == ["standing_under_9_months"]


def test_lying_from_two_years_loses_0_7_cm():
    z = compute_zscores(sex=[1, 1], age_days=[800, 800], height_cm=[90, 90], position=[1, 2])
    assert list(z.clenhei) == pytest.approx([89.3, 90.0])


def test_bad_values_give_no_zscore():
    z = compute_zscores(
        sex=[1, 3, 1, 1],
        age_days=[100, 100, -5, 100],
        weight_kg=[-1, 5, 5, 0],
        height_cm=[60, 60, 60, 300],
        position=[1, 1, 1, 1],
    )
    assert np.isnan(z.waz).all()
    assert np.isnan(z.whz).all()  # 300 cm lies outside the weight-for-length table
    assert not np.isnan(z.haz[0]) and np.isnan(z.haz[1]) and np.isnan(z.haz[2])

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REFERENCE = Path(__file__).resolve().parents[3] / "data" / "who" / "reference" / "survey_z_st.csv"


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


HEADER = ["id", "sex", "birth_date", "visit_date", "weight_kg", "height_cm", "position"]


def test_growth_zscores_writes_whos_values(tmp_path):
    # Two children of WHO's igrowup survey, ages turned into dates: id 1 (girl, 683 days,
    # 10.4 kg, 84.8 cm lying → WAZ −0.57, HAZ −0.07, WHZ −0.81, BAZ −0.79) and id 4 of ours
    # standing at 2 years less a day (0.7 cm added).
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(
        src,
        [
            HEADER,
            ["a1", "F", "2020-01-01", "2021-11-14", "10.399999619", "84.800003052", "lying"],
            ["b2", "M", "2020-01-01", "2020-01-10", "", "", ""],
        ],
    )
    call_command("growth_zscores", str(src), str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["id", "age_days", "waz", "haz", "whz", "baz", "flags"]
    assert rows[0] == {
        "id": "a1",
        "age_days": "683",
        "waz": "-0.57",
        "haz": "-0.07",
        "whz": "-0.81",
        "baz": "-0.79",
        "flags": "",
    }
    assert rows[1] == {
        "id": "b2",
        "age_days": "9",
        "waz": "",
        "haz": "",
        "whz": "",
        "baz": "",
        "flags": "",
    }


def test_growth_zscores_flags_implausible(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    # anthro's test: boy, 987 days, 72.86 cm lying → HAZ −6.09, flagged.
    _write(src, [HEADER, ["x", "M", "2020-01-01", "2022-09-14", "", "72.86", "lying"]])
    call_command("growth_zscores", str(src), str(out), stdout=io.StringIO())
    row = next(csv.DictReader(out.open()))
    assert (row["age_days"], row["haz"], row["flags"]) == ("987", "-6.09", "haz")


@pytest.mark.parametrize(
    "bad,column",
    [
        (["1", "X", "2020-01-01", "2020-05-01", "5", "60", "lying"], "sex"),
        (["1", "M", "2020-13-01", "2020-05-01", "5", "60", "lying"], "birth_date"),
        (["1", "M", "2020-05-01", "2020-01-01", "5", "60", "lying"], "visit_date"),
        (["1", "M", "2020-01-01", "2020-05-01", "-5", "60", "lying"], "weight_kg"),
        (["1", "M", "2020-01-01", "2020-05-01", "5", "300", "lying"], "height_cm"),
        (["1", "M", "2020-01-01", "2020-05-01", "nan", "60", "lying"], "weight_kg"),
        (["1", "M", "2020-01-01", "2020-05-01", "5", "60", "sideways"], "position"),
    ],
)
def test_growth_zscores_refuses_bad_rows_and_writes_nothing(tmp_path, bad, column):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    good = ["0", "F", "2020-01-01", "2020-05-01", "5", "60", "lying"]
    _write(src, [HEADER, good, bad])
    with pytest.raises(CommandError) as info:
        call_command("growth_zscores", str(src), str(out), stdout=io.StringIO())
    assert f"row 3, {column}" in str(info.value)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]  # no temporary file left behind


def test_growth_zscores_refuses_missing_columns(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, [["id", "sex"], ["1", "M"]])
    with pytest.raises(CommandError, match="birth_date"):
        call_command("growth_zscores", str(src), str(out), stdout=io.StringIO())
    assert not out.exists()


def test_growth_zscores_whole_who_survey(tmp_path):
    """Every child of WHO's survey through the command: the same values as WHO's."""
    from datetime import date, timedelta

    ref = list(csv.DictReader(REFERENCE.open()))
    birth = date(2015, 1, 1)
    rows = [HEADER]
    for r in ref:
        if not r["_agedays"] or not r["GENDER"]:
            continue
        visit = birth + timedelta(days=int(r["_agedays"]))
        position = {"l": "lying", "h": "standing"}.get(r["measure"], "")
        sex = {"1": "M", "2": "F"}[r["GENDER"]]
        rows.append(
            [r["id"], sex, birth.isoformat(), visit.isoformat(), r["WEIGHT"], r["HEIGHT"], position]
        )
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, rows)
    call_command("growth_zscores", str(src), str(out), stdout=io.StringIO())
    ours = {r["id"]: r for r in csv.DictReader(out.open())}
    checked = 0
    for r in ref:
        if r["id"] not in ours or r["oedema"] == "y" or float(r["agemons"] or 0) >= 60:
            continue
        for col, ref_col in (
            ("waz", "_ZWEI"),
            ("haz", "_ZLEN"),
            ("whz", "_ZWFL"),
            ("baz", "_ZBMI"),
        ):
            if r[ref_col]:
                assert math.isclose(float(ours[r["id"]][col]), float(r[ref_col]), abs_tol=0.01)
                checked += 1
    assert checked > 1500

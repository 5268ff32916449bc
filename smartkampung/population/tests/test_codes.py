"""The code lists in codes.py are the ones in data/reference/dukcapil_codes.csv."""

from __future__ import annotations

import csv

from django.utils import translation

from smartkampung.population.codes import (
    REFERENCE_CSV,
    SIAK_LISTS,
    BloodType,
    Occupation,
    Sex,
    code_for,
)


def test_every_reference_code_is_a_choice_with_its_english_label() -> None:
    with REFERENCE_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 144
    with translation.override("en"):
        for row in rows:
            choices = dict(SIAK_LISTS[row["list"]].choices)
            label = str(choices[int(row["code"])])
            if row["list"] == "golongan_darah" and row["code"] != "13":
                assert label == row["name_id"]
            else:
                assert label == row["name_en"], row
    assert sum(len(c.choices) for c in SIAK_LISTS.values()) == len(rows)


def test_labels_and_codes_are_both_accepted() -> None:
    assert code_for("jenis_kelamin", "PEREMPUAN") == Sex.FEMALE
    assert code_for("jenis_kelamin", "Laki-laki") == Sex.MALE
    assert code_for("jenis_kelamin", "P") == Sex.FEMALE
    assert code_for("pekerjaan", "Petani / Pekebun") == Occupation.FARMER_PLANTER
    assert code_for("pekerjaan", "09") == Occupation.FARMER_PLANTER
    assert code_for("golongan_darah", "A+") == BloodType.A_POS
    assert code_for("golongan_darah", "a") == BloodType.A
    assert code_for("golongan_darah", "AB Rh-") == BloodType.AB_NEG
    assert code_for("pekerjaan", "90") is None
    assert code_for("agama", "Pastafarian") is None

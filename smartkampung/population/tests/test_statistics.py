"""Aggregates: per village snapshots, kept fresh by the services, summed for larger areas."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from django.db import connection  # noqa: F401  (skipif condition)

from smartkampung.accounts.models import Role
from smartkampung.core.exceptions import NotFound
from smartkampung.population import services
from smartkampung.population.codes import Sex
from smartkampung.population.models import VillageStatistics
from smartkampung.population.selectors import statistics_for
from smartkampung.population.statistics import (
    AGE_BANDS,
    age_band_bounds,
    population_statistics,
)
from smartkampung.population.testing import make_resident

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def test_village_counts_and_pyramid(operator, family) -> None:
    stats = population_statistics(region_code=family[0].village_id, today=TODAY)
    assert (stats.total, stats.households, stats.male, stats.female) == (3, 1, 1, 2)
    bands = {row["band"]: (row["male"], row["female"]) for row in stats.pyramid}
    assert bands["10-14"] == (0, 1)  # the daughter, born 2015
    assert bands["30-34"] == (0, 1)  # the wife, born 1992
    assert bands["35-39"] == (1, 0)  # the head, born 1990-05-17
    assert [r["value"] for r in stats.by_religion] == [3]
    assert stats.by_sex == [
        {"code": Sex.MALE, "label": "Male", "value": 1},
        {"code": Sex.FEMALE, "label": "Female", "value": 2},
    ]


def test_snapshots_go_stale_on_writes_and_refresh(operator, family) -> None:
    code = family[0].village_id
    population_statistics(region_code=code, today=TODAY)
    assert not VillageStatistics.objects.get(village_id=code).stale
    services.death_record(actor=operator, resident=family[0], occurred_on=date(2025, 1, 1))
    assert VillageStatistics.objects.get(village_id=code).stale
    assert population_statistics(region_code=code, today=TODAY).total == 2


def test_new_day_recomputes_ages(operator, family) -> None:
    code = family[0].village_id  # the daughter turns 10 on 9 August 2025

    def girls(day: date) -> dict[str, int]:
        stats = population_statistics(region_code=code, today=day)
        return {r["band"]: r["female"] for r in stats.pyramid}

    assert (girls(date(2025, 8, 8))["5-9"], girls(date(2025, 8, 8))["10-14"]) == (1, 0)
    assert (girls(date(2025, 8, 9))["5-9"], girls(date(2025, 8, 9))["10-14"]) == (0, 1)
    assert VillageStatistics.objects.get(village_id=code).computed_on == date(2025, 8, 9)


def test_regency_and_district_sum_their_villages(operator, family, make_user, other_village):
    other = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    make_resident(actor=other, village=other_village)
    regency = population_statistics(region_code="35.10", today=TODAY)
    assert regency.total == 4 and regency.villages == 217
    district = population_statistics(region_code="35.10.01", today=TODAY)
    assert district.total == 3
    assert {c["code"]: c["total"] for c in regency.children}["35.10.02"] == 1
    assert "35.10.01.2001" in {c["code"] for c in district.children}


def test_no_personal_data_in_aggregates(operator, family) -> None:
    text = json.dumps(
        dataclasses.asdict(population_statistics(region_code="35.10", today=TODAY)), default=str
    )
    for person in family:
        assert person.nik not in text and person.full_name not in text


def test_scoped_statistics(make_user, village, other_village) -> None:
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, village.code)])
    assert statistics_for(actor=treasurer, region_code=village.code).villages == 1
    with pytest.raises(NotFound):
        statistics_for(actor=treasurer, region_code=other_village.code)
    with pytest.raises(NotFound):
        statistics_for(actor=treasurer, region_code="35.10")
    with pytest.raises(NotFound):
        population_statistics(region_code="99.99")


def test_age_bands() -> None:
    assert AGE_BANDS[0] == "0-4" and AGE_BANDS[-1] == "75+" and len(AGE_BANDS) == 16
    assert age_band_bounds("75+") == (75, None)
    assert age_band_bounds("20-24") == (20, 24)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_grouped_sql_gives_the_same_counts_as_python(operator, family, make_user, other_village):
    from smartkampung.population.statistics import _compute_many_postgres, compute_village_counts

    other = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    make_resident(actor=other, village=other_village, sex=Sex.FEMALE, nik="3510024101800011")
    codes = [family[0].village_id, other_village.code, "35.10.01.2002"]
    grouped = _compute_many_postgres(codes, today=TODAY)
    for code in codes:
        assert grouped[code] == compute_village_counts(code, today=TODAY), code


def test_refresh_command(operator, family, capsys) -> None:
    from django.core.management import call_command

    call_command("population_statistics_refresh")
    assert "217 villages recomputed" in capsys.readouterr().out
    assert VillageStatistics.objects.filter(stale=False).count() == 217


@pytest.mark.parametrize(
    ("since", "today"),
    [
        (date(2026, 2, 27), date(2026, 3, 2)),  # 29 February births turn on 1 March
        (date(2028, 2, 28), date(2028, 3, 1)),  # a leap year: on 29 February itself
        (date(2025, 12, 30), date(2026, 1, 2)),  # across a new year
        (date(2026, 5, 1), date(2026, 6, 30)),  # two months at once
    ],
)
def test_a_new_day_rolls_the_pyramid_forward_like_a_recount(
    operator, village, since, today, monkeypatch
):
    from smartkampung.population import statistics
    from smartkampung.population.statistics import compute_village_counts

    births = [
        date(2016, 2, 29),  # 10 on 1 March 2026, on 29 February 2028
        date(2008, 2, 29),
        date(2021, 3, 1),
        date(2016, 3, 1),
        date(2021, 1, 1),
        date(1951, 1, 1),  # 75: into the open band
        date(1950, 1, 1),  # 76: stays in it
        date(2001, 6, 15),
        date(2021, 5, 20),
        date(2026, 1, 1) if since.year >= 2026 else date(2025, 1, 1),
    ]
    for i, birth in enumerate(births):
        make_resident(
            actor=operator,
            village=village,
            full_name=f"Warga {chr(65 + i)}",
            birth_date=birth,
            sex=Sex.MALE if i % 2 else Sex.FEMALE,
        )
    population_statistics(region_code=village.code, today=since)
    assert VillageStatistics.objects.get(village_id=village.code).computed_on == since
    with monkeypatch.context() as patched:  # rolled forward, not recounted
        for name in ("compute_village_counts", "_compute_many_postgres"):
            patched.setattr(statistics, name, lambda *a, **k: pytest.fail("recounted"))
        rolled = population_statistics(region_code=village.code, today=today)
    row = VillageStatistics.objects.get(village_id=village.code)
    assert row.computed_on == today
    assert json.loads(row.data_json) == compute_village_counts(village.code, today=today)
    assert rolled.total == len(births)


def test_a_stale_village_is_recounted_not_rolled(operator, village):
    population_statistics(region_code=village.code, today=date(2026, 5, 1))
    make_resident(actor=operator, village=village, full_name="Bayi", birth_date=date(2026, 5, 2))
    stats = population_statistics(region_code=village.code, today=date(2026, 5, 3))
    assert {r["band"]: r["male"] + r["female"] for r in stats.pyramid}["0-4"] >= 1

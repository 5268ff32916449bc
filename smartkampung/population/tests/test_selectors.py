"""Reads are scoped; search ignores case and accents and matches parts of words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.core.exceptions import NotFound, ValidationFailed
from smartkampung.population import selectors, services
from smartkampung.population.codes import Sex
from smartkampung.population.models import ResidentStatus
from smartkampung.population.selectors import ResidentFilters, keyset_page, resident_list
from smartkampung.population.testing import make_kk, make_resident

pytestmark = pytest.mark.django_db


def _names(qs) -> list[str]:
    return [r.full_name for r in qs]


@pytest.fixture
def people(operator, village):
    return [
        make_resident(actor=operator, village=village, full_name=name, **extra)
        for name, extra in [
            ("Siti Aminah", {"sex": Sex.FEMALE, "birth_date": date(1980, 1, 2), "rt": "3"}),
            ("Sri Wahyuni", {"sex": Sex.FEMALE, "birth_date": date(2001, 6, 7)}),
            ("Nyoman Éka Putra", {"birth_date": date(1995, 9, 9), "religion": 4}),
            ("Ahmad Sholeh", {"birth_date": date(1960, 3, 3), "rw": "5"}),
        ]
    ]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("siti", ["Siti Aminah"]),
        ("AMINAH", ["Siti Aminah"]),
        ("mina", ["Siti Aminah"]),  # part of a word
        ("eka", ["Nyoman Éka Putra"]),  # accent-insensitive
        ("Éka putr", ["Nyoman Éka Putra"]),
        ("sri wah", ["Sri Wahyuni"]),
        ("wahyuni sri", ["Sri Wahyuni"]),  # word order free
        ("budi", []),
    ],
)
def test_name_search(operator, people, query, expected) -> None:
    qs = resident_list(actor=operator, filters=ResidentFilters(search=query))
    assert _names(qs) == expected


def test_search_by_nik_and_by_kk(operator, people) -> None:
    siti = people[0]
    by_nik = resident_list(actor=operator, filters=ResidentFilters(search=siti.nik))
    assert _names(by_nik) == ["Siti Aminah"]
    kk = siti.household.kk_number
    by_kk = resident_list(actor=operator, filters=ResidentFilters(search=f"{kk[:8]} {kk[8:]}"))
    assert _names(by_kk) == ["Siti Aminah"]
    with pytest.raises(ValidationFailed):
        list(resident_list(actor=operator, filters=ResidentFilters(search="3510")))


def test_filters(operator, people) -> None:
    def names(**kw) -> list[str]:
        return _names(resident_list(actor=operator, filters=ResidentFilters(**kw)))

    assert names(sex=Sex.FEMALE) == ["Siti Aminah", "Sri Wahyuni"]
    assert names(rt="3") == ["Siti Aminah"]
    assert names(rw="005") == ["Ahmad Sholeh"]
    age_now = people[2].age()
    assert names(age_min=age_now, age_max=age_now) == ["Nyoman Éka Putra"]
    band = f"{age_now // 5 * 5}-{age_now // 5 * 5 + 4}"
    assert "Nyoman Éka Putra" in names(age_band=band)
    services.death_record(actor=operator, resident=people[3], occurred_on=date(2024, 1, 1))
    assert "Ahmad Sholeh" not in names()
    assert names(status=ResidentStatus.DEAD) == ["Ahmad Sholeh"]
    assert len(names(status=None)) == 4


def test_age_band_edges() -> None:
    today = timezone.localdate()
    born_20_today = today.replace(year=today.year - 20)
    q = selectors._birth_date_range(20, 24, today)
    assert q  # built
    assert selectors._years_before(today, 20) == born_20_today
    assert selectors._years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)


def test_scope(make_user, people, village, other_village, regency_officer) -> None:
    stranger = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, village.code)])
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    assert not resident_list(actor=stranger).exists()
    assert not resident_list(actor=treasurer).exists()
    assert resident_list(actor=camat).count() == 4
    assert resident_list(actor=regency_officer).count() == 4
    with pytest.raises(NotFound):
        resident_list(actor=stranger, village=village)
    with pytest.raises(NotFound):
        selectors.resident_get(actor=stranger, resident_id=people[0].pk)
    with pytest.raises(NotFound):
        selectors.household_get(actor=stranger, household_id=people[0].household_id)


def test_keyset_paging_walks_every_row_once(operator, village) -> None:
    for i in range(7):
        make_resident(actor=operator, village=village, full_name="Budi Santoso", rt=str(i + 1))
    qs = resident_list(actor=operator)
    seen, cursor = [], ""
    while True:
        rows, cursor = keyset_page(qs, cursor=cursor, limit=3)
        seen.extend(r.pk for r in rows)
        if cursor is None:
            break
    assert sorted(seen) == sorted(qs.values_list("pk", flat=True)) and len(seen) == 7
    with pytest.raises(ValidationFailed):
        keyset_page(qs, cursor="not-base64!!")


def test_citizen_sees_own_record_and_household_only(operator, family, make_user) -> None:
    head, wife, _child = family
    code = services.activation_code_issue(actor=operator, resident=wife)
    user = services.citizen_activate(
        nik=wife.nik, code=code, password="kopi-osing-2026", address=None
    )
    assert selectors.resident_for_citizen(user=user) == wife
    assert selectors.resident_get(actor=user, resident_id=wife.pk) == wife
    with pytest.raises(NotFound):
        selectors.resident_get(actor=user, resident_id=head.pk)
    assert selectors.household_get(actor=user, household_id=wife.household_id).pk == (
        wife.household_id
    )
    assert not resident_list(actor=user).exists()
    assert selectors.resident_for_citizen(user=make_user()) is None


def test_transfer_shows_in_both_villages(operator, resident, neighbour_village, make_user) -> None:
    request = services.resident_transfer(
        actor=operator,
        resident=resident,
        to_village=neighbour_village,
        occurred_on=timezone.localdate() - timedelta(days=1),
        kk_number=make_kk(),
        rt="1",
        rw="1",
    )
    other = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    services.transfer_accept(actor=other, transfer=request)
    for actor in (operator, other):
        kinds = list(selectors.life_event_list(actor=actor).values_list("kind", flat=True))
        assert "transfer" in kinds

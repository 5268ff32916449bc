"""Paging of name searches: one pass over the matches, sorted by name, broad searches capped."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from smartkampung.population.models import Resident
from smartkampung.population.paging import SearchOrder, capped_page
from smartkampung.population.selectors import ResidentFilters, resident_list
from smartkampung.population.testing import make_resident

NAMES = ["Wati Rahayu", "Sri Wati", "Ani Setiawati", "Dewi Wati Utami", "Tri Wati"]


@pytest.fixture
def watis(operator: Any, village: Any) -> list[Resident]:
    make_resident(actor=operator, village=village, full_name="Slamet Riyadi")  # no match
    return [make_resident(actor=operator, village=village, full_name=n) for n in NAMES]


def _page(operator: Any, query: str, *, cap: int, per_page: int = 3) -> Any:
    request = RequestFactory().get("/population/residents/", {"q": "wati", "page": query})
    qs = resident_list(actor=operator, filters=ResidentFilters(search="wati"))
    rows = Resident.objects.select_related("village")
    order = SearchOrder("name_search", rows)
    return capped_page(request, qs, per_page=per_page, cap=cap, search=order)


def test_a_search_pages_its_matches_in_name_order(operator: Any, watis: list[Resident]) -> None:
    expected = sorted(n.lower() for n in NAMES)
    page, base = _page(operator, "1", cap=5)
    assert not page.paginator.broad and not page.paginator.capped
    assert page.paginator.count == 5 and page.paginator.num_pages == 2
    assert [r.full_name.lower() for r in page] == expected[:3]
    assert base == "q=wati&"
    page2, _base = _page(operator, "2", cap=5)
    assert [r.full_name.lower() for r in page2] == expected[3:]
    assert page2.object_list[0].village.name  # the rows are whole model instances


def test_a_search_reads_the_matches_once(operator: Any, watis: list[Resident]) -> None:
    with CaptureQueriesContext(connection) as ctx:
        page, _base = _page(operator, "1", cap=5)
        list(page)
    name_filters = [q["sql"] for q in ctx.captured_queries if "name_search" in q["sql"]]
    assert len([sql for sql in name_filters if "LIKE" in sql]) == 1


def test_a_broad_search_shows_one_sorted_page_and_asks_to_narrow(
    operator: Any, watis: list[Resident]
) -> None:
    page, base = _page(operator, "2", cap=4)
    assert page.paginator.broad and page.paginator.capped
    assert page.number == 1 and page.paginator.num_pages == 1 and base == ""
    names = [r.full_name.lower() for r in page]
    assert len(names) == 3 and names == sorted(names)
    assert set(names) <= {n.lower() for n in NAMES}


def test_a_search_page_out_of_range_shows_the_last_page(
    operator: Any, watis: list[Resident]
) -> None:
    page, _base = _page(operator, "99", cap=5)
    assert page.number == 2 and len(page) == 2

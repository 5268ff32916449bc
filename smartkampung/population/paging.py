"""Paging the resident lists (ADR 0011).

Pages are numbered (people at the village office ask for "page 3"), served by an index that
matches the ordering, with a *capped* count: counting stops at ``COUNT_CAP`` matches, so a
regency-wide list never counts 1.8 million rows. Beyond the cap the pager says "more than"
and the last reachable page is ``COUNT_CAP / per_page``; narrowing by village, filters or
search reaches the rest. The API pages by keyset instead (``selectors.keyset_page``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

COUNT_CAP = 20_000
# A search is for finding someone, not browsing: counting stops sooner.
SEARCH_COUNT_CAP = 1_000
PER_PAGE = 50


class BroadPaginator(Paginator):
    """One page of a search too broad to sort (see ``capped_page``)."""

    broad = True
    capped = True


class CappedPaginator(Paginator):
    broad = False

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        # Unordered, so that the database can stop at cap + 1 matches without sorting.
        found = queryset.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


def capped_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    per_page: int = PER_PAGE,
    cap: int = COUNT_CAP,
    broad_sort_key: Callable[[Any], Any] | None = None,
) -> tuple[Page[Any], str]:
    """The requested page and the query string without ``page`` (for the pager links).

    With ``broad_sort_key`` (name searches), a search matching more than ``cap`` rows is too
    broad to sort: its first ``per_page`` matches in storage order are shown, sorted on the
    page, and ``page.paginator.broad`` is set so that the page asks to narrow the search."""
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    if broad_sort_key is not None and paginator.count and paginator.capped:
        rows = sorted(queryset.order_by()[:per_page], key=broad_sort_key)
        single = BroadPaginator(rows, per_page)
        return single.page(1), ""
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return page, (base + "&") if base else ""

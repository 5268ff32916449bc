"""Paging the resident lists (ADR 0011).

Pages are numbered (people at the village office ask for "page 3"), served by an index that
matches the ordering, with a *capped* count: counting stops at ``COUNT_CAP`` matches, so a
regency-wide list never counts 1.8 million rows. Beyond the cap the pager says "more than"
and the last reachable page is ``COUNT_CAP / per_page``; narrowing by village, filters or
search reaches the rest. The API pages by keyset instead (``selectors.keyset_page``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

COUNT_CAP = 20_000
# A search is for finding someone, not browsing: counting stops sooner.
SEARCH_COUNT_CAP = 1_000
PER_PAGE = 50


@dataclass(frozen=True)
class SearchOrder:
    """How a name search is paged: the column its matches sort by, and the queryset a page's
    rows are read from by primary key (without the search's filters: the keys come from the
    scoped, filtered search, and filtering again would walk the name index again)."""

    sort_field: str
    rows: QuerySet[Any]


class SearchPaginator(Paginator):
    """The pages of a name search from one pass over its matches.

    The primary key and sort key of up to ``cap`` + 1 matches are read once (unordered, so the
    database stops there) and sorted here; a page then reads its rows by primary key. Counting
    and then sorting the matches walked the trigram index twice. A search with more than
    ``cap`` matches is too broad to sort: it is ``broad``, and its single page shows the first
    ``per_page`` matches in storage order, sorted on the page."""

    def __init__(
        self, queryset: QuerySet[Any], per_page: int, *, cap: int, order: SearchOrder
    ) -> None:
        keys = list(queryset.order_by().values_list(order.sort_field, "pk")[: cap + 1])
        self.broad = self.capped = len(keys) > cap
        if self.broad:
            keys = keys[:per_page]
        keys.sort()
        super().__init__([pk for _key, pk in keys], per_page)
        self.rows = order.rows

    def _get_page(self, *args: Any, **kwargs: Any) -> Page[Any]:
        object_list, number, paginator = args
        by_pk = self.rows.in_bulk(list(object_list))
        return Page([by_pk[pk] for pk in object_list if pk in by_pk], number, paginator)


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
    search: SearchOrder | None = None,
) -> tuple[Page[Any], str]:
    """The requested page and the query string without ``page`` (for the pager links).

    With ``search`` (name searches) the pages come from a ``SearchPaginator``: a search
    matching more than ``cap`` rows is then ``broad`` (one page, asking to narrow)."""
    paginator: Paginator
    if search is not None:
        paginator = SearchPaginator(queryset, per_page, cap=cap, order=search)
        if paginator.broad:
            return paginator.page(1), ""
    else:
        paginator = CappedPaginator(queryset, per_page, cap=cap)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return page, (base + "&") if base else ""

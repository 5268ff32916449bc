"""Server-side paging for HTML lists."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], *, per_page: int = 50
) -> tuple[Page[Any], str]:
    """Return the requested page and the query string (without ``page``) for pager links."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return page, (base + "&") if base else ""

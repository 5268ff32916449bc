"""Statistics pages of a village, a kecamatan or the regency (aggregates only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from smartkampung.accounts.permissions import scope_codes
from smartkampung.core.exceptions import NotFound

from .. import selectors
from ..permissions import STATISTICS_ROLES, can_view_statistics
from .common import actor

TOP_OCCUPATIONS = 12


@login_required
def statistics_home(request: HttpRequest) -> HttpResponse:
    """The statistics of the actor's widest scope."""
    codes = scope_codes(actor(request), STATISTICS_ROLES)
    if not codes:
        raise NotFound()
    return redirect("population:statistics", code=codes[0])


@login_required
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    user = actor(request)
    stats = selectors.statistics_for(actor=user, region_code=code)
    occupations = sorted(stats.by_occupation, key=lambda r: -r["value"])
    top, rest = occupations[:TOP_OCCUPATIONS], occupations[TOP_OCCUPATIONS:]
    children = [
        {**child, "accessible": can_view_statistics(user, child["code"])}
        for child in stats.children
    ]
    return render(
        request,
        "population/statistics.html",
        {
            "stats": stats,
            "top_occupations": top,
            "other_occupations": sum(r["value"] for r in rest),
            "children": children,
            "parent_code": code.rsplit(".", 1)[0] if code.count(".") > 1 else "",
            "parent_accessible": code.count(".") > 1
            and can_view_statistics(user, code.rsplit(".", 1)[0]),
        },
    )

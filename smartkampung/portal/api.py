"""Portal API: the public figures of a region as JSON (no login, no personal data)."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from smartkampung.core.api import ERRORS
from smartkampung.core.exceptions import ValidationFailed

from . import figures, opendata
from .caching import cached

router = Router(tags=["portal"])


@router.get(
    "/regions/{code}",
    auth=None,
    response={200: dict[str, Any], **ERRORS},
    summary="Public figures of a region (profile, population, budget, projects)",
)
def region_summary(request: HttpRequest, code: str, year: int | None = None) -> dict[str, Any]:
    this_year = timezone.localdate().year
    year = year or this_year
    if not 2015 <= year <= this_year + 1:
        raise ValidationFailed(_("The year is out of range."), code="bad_year")
    region = figures.portal_region(code=code)
    return cached(
        ("summary", "json", region.code, year),
        lambda: opendata.dataset_json("summary", region, year),
    )

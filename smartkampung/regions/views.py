"""Region pages: the regency map, region overviews and the village page.

Boundaries are public geography (the GeoJSON endpoint needs no login); the village page is an
official's workspace and is visible only within the actor's scope (404 outside it).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render

from smartkampung.accounts.permissions import (
    OFFICIAL_ROLES,
    Role,
    actor_grants,
    can_view_village,
    has_role,
    scope_codes,
)
from smartkampung.core.exceptions import NotFound
from smartkampung.core.navigation import collect_from_apps

from . import selectors
from .models import Level, Region


def _map_context(request: HttpRequest, region: Region) -> dict[str, object]:
    roles = OFFICIAL_ROLES | {Role.CITIZEN}
    return {
        "map_config": json.dumps(
            {
                "geojson": f"/api/v1/regions/{region.code}/boundaries.geojson?level=village",
                "tiles": settings.SK_MAP_TILE_URL,
                "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
                "villageUrl": "/villages/{code}/",
                "scopes": scope_codes(request.user, roles),
                "bbox": region.bbox,
            }
        )
    }


def _regency_of(request: HttpRequest) -> Region:
    """The regency the user works in (the first regency in the database otherwise)."""
    for grant in actor_grants(request.user):
        return selectors.region_get(code=".".join(grant.scope.split(".")[:2]))
    region = selectors.region_list(level=Level.REGENCY).first()
    if region is None:
        raise NotFound()
    return region


@login_required
def regency_map(request: HttpRequest) -> HttpResponse:
    region = _regency_of(request)
    return render(
        request,
        "regions/map.html",
        {"region": region, **_map_context(request, region)},
    )


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A regency or district overview: its children, linked where the actor has access."""
    region = selectors.region_get(code=code)
    if region.level == Level.VILLAGE:
        return village_detail(request, code)
    if not has_role(request.user, OFFICIAL_ROLES, code) and not any(
        g.scope.startswith(code + ".") for g in actor_grants(request.user)
    ):
        raise NotFound()
    children = [
        {
            "region": child,
            "accessible": can_view_village(request.user, child.code)
            or has_role(request.user, OFFICIAL_ROLES, child.code),
        }
        for child in selectors.region_children(code=code)
    ]
    return render(
        request,
        "regions/region_detail.html",
        {"region": region, "children": children, **_map_context(request, region)},
    )


@login_required
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.village_get(code=code)
    if not can_view_village(request.user, village.code):
        raise NotFound()
    panels = collect_from_apps("village_panels", request, village)
    return render(
        request,
        "regions/village_detail.html",
        {
            "village": village,
            "panels": panels,
            "map_config": json.dumps(
                {
                    "geojson": f"/api/v1/regions/{village.code}/boundary.geojson",
                    "tiles": settings.SK_MAP_TILE_URL,
                    "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
                    "bbox": village.bbox,
                }
            ),
        },
    )


def geojson_response(request: HttpRequest, body: str) -> HttpResponse:
    """GeoJSON with an ETag, so that a slow village connection downloads it once."""
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response

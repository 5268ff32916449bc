"""Public pages (no login): the regency, kecamatan and village pages, project pages with
their EXIF-free photos, the open-data index and files.

Bodies are cached (``caching``); the shell around them is rendered per request.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from smartkampung.core import csvfiles
from smartkampung.core.exceptions import NotFound
from smartkampung.projects import public as project_public
from smartkampung.regions.models import Level, Region

from . import figures, fiscal, opendata
from .caching import cached
from .health import published_growth
from .welfare import published_aid


def year_param(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    this_year = timezone.localdate().year
    return year if 2015 <= year <= this_year + 1 else this_year


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 4, -1))


def _public(response: HttpResponse, seconds: int | None = None) -> HttpResponse:
    """Open-data files and photos: no cookies, no token, so shared caches may keep them."""
    response["Cache-Control"] = f"public, max-age={seconds or settings.SK_PORTAL_CACHE_SECONDS}"
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _region_page(request, figures.portal_regency())


@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    return _region_page(request, figures.portal_region(code=code))


def _region_page(request: HttpRequest, region: Region) -> HttpResponse:
    year = year_param(request)

    def body() -> str:
        data = figures.region_figures(region=region, year=year)
        return render_to_string(
            "portal/region_body.html",
            {
                "f": data,
                "region": region,
                "year": year,
                "years": _years(),
                "population_tables": data.population.labelled(),
                "is_village": region.level == Level.VILLAGE,
                "ancestors": figures.region_ancestors(region),
                # "Kabupaten Banyuwangi", not "Kabupaten Kabupaten Banyuwangi": a regency's
                # name already says its kind
                "parent_label": figures.region_label(region.parent) if region.parent else "",
                "map_config": json.dumps(_map_config(region, year)),
                "growth": published_growth(region_code=region.code),
                "aid": published_aid(region_code=region.code),
                "sectors": data.economy.labelled_sectors(),
            },
        )

    return render(
        request,
        "portal/region.html",
        {
            "region": region,
            "label": figures.region_label(region),
            "body": cached(("region", region.code, year), body),
        },
    )


def _map_config(region: Region, year: int) -> dict[str, Any]:
    return {
        "boundaries": (
            f"/api/v1/regions/{region.code}/boundary.geojson"
            if region.level == Level.VILLAGE
            else f"/api/v1/regions/{region.code}/boundaries.geojson?level=village"
        ),
        "projects": reverse("portal:dataset", args=[region.code, "projects", "geojson"])
        + f"?year={year}",
        "regionUrl": reverse("portal:region", args=["CODE"]).replace("CODE", "{code}"),
        "projectUrl": reverse("portal:project", args=[0]).replace("/0/", "/{id}/"),
        "tiles": settings.SK_MAP_TILE_URL,
        "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
        "bbox": region.bbox,
    }


@require_GET
def project(request: HttpRequest, project_id: int) -> HttpResponse:
    statuses = figures.published_statuses()
    row = project_public.public_project_get(project_id=project_id, statuses=statuses)

    def body() -> str:
        return render_to_string(
            "portal/project_body.html",
            {"p": row, "reports": project_public.public_progress(project_id=project_id)},
        )

    return render(
        request,
        "portal/project.html",
        {"p": row, "body": cached(("project", project_id), body)},
    )


@require_GET
def photo(request: HttpRequest, photo_id: int, variant: str) -> HttpResponse:
    """The EXIF-free copy of a photo of a published project (never the original)."""
    name = project_public.public_photo_file(
        photo_id=photo_id, variant=variant, statuses=figures.published_statuses()
    )
    with default_storage.open(name, "rb") as fh:
        body = fh.read()
    response = HttpResponse(body, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="photo-{photo_id}-{variant}.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _public(response, 24 * 60 * 60)


@require_GET
def data_index(request: HttpRequest) -> HttpResponse:
    regency = figures.portal_regency()
    districts = Region.objects.defer("boundary").filter(parent_id=regency.code).order_by("code")
    return render(
        request,
        "portal/data.html",
        {
            "regency": regency,
            "districts": districts,
            "years": _years(),
            "threshold": settings.SK_PORTAL_SUPPRESSION_THRESHOLD,
            "license": settings.SK_PORTAL_DATA_LICENSE,
            "cache_minutes": settings.SK_PORTAL_CACHE_SECONDS // 60,
        },
    )


DATASETS = {
    ("population", "csv"),
    ("population", "json"),
    ("budget", "csv"),
    ("budget", "json"),
    ("projects", "csv"),
    ("projects", "json"),
    ("projects", "geojson"),
    ("letters", "csv"),
    ("letters", "json"),
    ("economy", "csv"),
    ("economy", "json"),
    ("summary", "json"),
}


def _data_file(
    request: HttpRequest,
    key: tuple[object, ...],
    build: Callable[[], str],
    *,
    content_type: str,
    filename: str,
    inline: bool = False,
) -> HttpResponse:
    """An open-data file, cached gzip-compressed (a regency's Fiscal Data Package is tens of
    megabytes of CSV, a tenth of that compressed) and sent as it is to clients that accept
    gzip — public data without secrets, so compression is safe (no BREACH)."""
    packed = cached(("file", *key), lambda: gzip.compress(build().encode("utf-8"), mtime=0))
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(packed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(packed), content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Content-Disposition"] = (
        f'{"inline" if inline else "attachment"}; filename="{filename}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _public(response)


def _json_text(payload: Any, *, indent: int | None = None) -> str:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=indent)


@require_GET
def dataset(request: HttpRequest, code: str, name: str, fmt: str) -> HttpResponse:
    if (name, fmt) not in DATASETS:
        raise NotFound()
    region = figures.portal_region(code=code)
    year = year_param(request)
    stem = f"{name}-{region.code}" + ("" if name == "population" else f"-{year}")
    key = (name, fmt, region.code, year)
    if fmt == "geojson":
        return _data_file(
            request,
            key,
            lambda: opendata.projects_geojson(region, year),
            content_type="application/geo+json",
            filename=f"{stem}.geojson",
            inline=True,
        )
    if fmt == "json":
        return _data_file(
            request,
            key,
            lambda: _json_text(opendata.dataset_json(name, region, year)),
            content_type="application/json",
            filename=f"{stem}.json",
            inline=True,
        )

    def table() -> str:
        header, rows = opendata.dataset_csv(name, region, year)
        return csvfiles.csv_text(header, rows)

    return _data_file(
        request, key, table, content_type="text/csv; charset=utf-8", filename=f"{stem}.csv"
    )


def _fiscal_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise NotFound()


@require_GET
def fiscal_package(request: HttpRequest, year: int) -> HttpResponse:
    _fiscal_year(year)
    regency = figures.portal_regency()
    base_url = request.build_absolute_uri(reverse("portal:data"))
    return _data_file(
        request,
        ("datapackage", regency.code, year, base_url),
        lambda: _json_text(fiscal.datapackage(regency, year, base_url=base_url), indent=1),
        content_type="application/json",
        filename="datapackage.json",
        inline=True,
    )


@require_GET
def fiscal_resource(request: HttpRequest, year: int, resource: str) -> HttpResponse:
    _fiscal_year(year)
    if resource not in {"expenditure", "revenue"}:
        raise NotFound()
    regency = figures.portal_regency()
    columns = (
        fiscal.FDP_EXPENDITURE_COLUMNS if resource == "expenditure" else fiscal.FDP_REVENUE_COLUMNS
    )

    def table() -> str:
        rows = fiscal.fiscal_tables(regency, year)[resource]
        return csvfiles.csv_text([c[0] for c in columns], rows)

    return _data_file(
        request,
        ("fiscal", resource, regency.code, year),
        table,
        content_type="text/csv; charset=utf-8",
        filename=f"{resource}.csv",
    )

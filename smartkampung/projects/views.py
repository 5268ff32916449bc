"""Project pages: the map of all projects, project form and page (photo timeline, progress
reports), photos streamed through scoped views, and the inspectors' red-flag queue."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.pagination import paginate
from smartkampung.regions import selectors as region_selectors
from smartkampung.regions.models import Level, Region
from smartkampung.regions.views import geojson_response

from . import funding, permissions, selectors, services
from .forms import DecisionForm, FlagFilterForm, ProgressForm, ProjectFilterForm, ProjectForm
from .photos import DISPLAY_PX, THUMBNAIL_PX, make_derivative
from .redflags.explain import explain


def _regions(actor: Any, roles: Any, level: str) -> list[tuple[str, str]]:
    rows = Region.objects.filter(level=level).filter(scope_q(actor, roles, field="code"))
    return [(r.code, r.name) for r in rows.defer("boundary").order_by("name")]


def _filters(request: HttpRequest) -> tuple[ProjectFilterForm, selectors.ProjectFilters]:
    actor = request.user
    roles = permissions.PROJECT_VIEW_ROLES
    districts = _regions(actor, roles, Level.DISTRICT)
    villages = _regions(actor, roles, Level.VILLAGE)
    this_year = timezone.localdate().year
    form = ProjectFilterForm(
        request.GET or None,
        districts=districts,
        villages=villages,
        years=list(range(this_year + 1, this_year - 11, -1)),
        show_flags=permissions.can_view_any_flags(actor),
    )
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.ProjectFilters(
        # A user of one village (or one kecamatan) is always filtered to it: the form says so.
        kecamatan=data.get("kecamatan") or form.only_choice("kecamatan"),
        village=data.get("village") or form.only_choice("village"),
        year=data.get("year"),
        status=data.get("status") or "",
        flag=data.get("flag") or "",
        q=data.get("q") or "",
    )


# The regions app's public boundary endpoints (read through its API, never its models' text).
VILLAGE_BOUNDARY_URL = "/api/v1/regions/{code}/boundary.geojson"
VILLAGES_BELOW_URL = "/api/v1/regions/{code}/boundaries.geojson?level=village"


def _map_focus(filters: selectors.ProjectFilters, villages: list[str]) -> dict[str, Any]:
    """Where the map starts and which village boundaries it draws under the points: the chosen
    (or only) village, else the chosen (or only) kecamatan's villages, else the regency's."""
    if filters.village:
        code, url = filters.village, VILLAGE_BOUNDARY_URL
    elif filters.kecamatan:
        code, url = filters.kecamatan, VILLAGES_BELOW_URL
    elif villages:
        code, url = ".".join(villages[0].split(".")[:2]), VILLAGES_BELOW_URL
    else:
        return {}
    try:
        bbox = region_selectors.region_bbox(code=code)
    except NotFound:
        return {}
    return {"focus": code, "boundaries": url.format(code=code), "bbox": bbox}


@login_required
def project_map(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_any_projects(request.user):
        raise NotFound()
    form, filters = _filters(request)
    projects = selectors.project_list(actor=request.user, filters=filters)
    page, query = paginate(request, projects, per_page=25)
    flagged = selectors.open_flag_project_ids(
        actor=request.user, project_ids=[p.pk for p in page.object_list]
    )
    params = request.GET.copy()
    params.pop("page", None)
    village_field = form.fields.get("village")
    villages = [str(code) for code, _label in getattr(village_field, "choices", []) if code]
    map_config = {
        "geojson": f"/projects/map.geojson?{params.urlencode()}",
        "tiles": settings.SK_MAP_TILE_URL,
        "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
        "projectUrl": "/projects/{id}/",
        **_map_focus(filters, villages),
    }
    return render(
        request,
        "projects/map.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": query,
            "flagged": flagged,
            "map_config": json.dumps(map_config),
            "can_create": permissions.can_create_any_project(request.user),
        },
    )


@login_required
def projects_geojson(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    body = selectors.projects_geojson(actor=request.user, filters=filters)
    response = geojson_response(request, body)
    response["Cache-Control"] = "private, no-cache"
    return response


def _editable_villages(request: HttpRequest) -> list[tuple[str, str]]:
    return _regions(request.user, permissions.PROJECT_EDIT_ROLES, Level.VILLAGE)


def _form_map_config(village_codes: list[str]) -> str:
    return json.dumps(
        {
            "tiles": settings.SK_MAP_TILE_URL,
            "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
            "boundary": "/api/v1/regions/{code}/boundary.geojson",
            "villages": village_codes,
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    villages = _editable_villages(request)
    if not villages:
        raise NotFound()
    form = ProjectForm(
        request.POST or None,
        villages=villages,
        budget_activities=_budget_activities(request, [code for code, _name in villages]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user,
                village_code=form.cleaned_data["village"],
                data=form.project_data(),
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The project has been saved."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "map_config": _form_map_config([c for c, _n in villages])},
        status=400 if form.errors else 200,
    )


def _form_errors(form: Any, exc: DomainError) -> None:
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for field, message in details.items():
        if field in form.fields and isinstance(message, str):
            form.add_error(field, message)
            placed = True
        elif field == "geometry":
            form.add_error("geometry" if form.cleaned_data.get("geometry") else "lat", exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _budget_activities(
    request: HttpRequest, village_codes: list[str], year: int | None = None
) -> list[tuple[str, str]]:
    """Budget activities a project may be linked to: this year's and next year's APBDes (and
    the project's own year when editing)."""
    this_year = timezone.localdate().year
    years = {this_year, this_year + 1} | ({year} if year else set())
    return funding.budget_activity_choices(
        actor=request.user, village_codes=village_codes, years=years
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.user, project_id=project_id)
    if not permissions.can_edit_project(request.user, project.village_id):
        raise NotFound()
    villages = [(project.village_id, project.village.name)]
    initial = {
        "village": project.village_id,
        "title": project.title,
        "work_type": project.work_type,
        "activity_code": project.activity_code,
        "fund_source": project.fund_source,
        "budget": project.budget,
        "volume": project.volume,
        "unit": project.unit,
        "executor": project.executor,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "lat": project.lat if project.geometry_kind == "point" else None,
        "lng": project.lng if project.geometry_kind == "point" else None,
        "geometry": project.geometry if project.geometry_kind != "point" else "",
        "budget_activity": str(project.budget_activity_lineage or ""),
    }
    form = ProjectForm(
        request.POST or None,
        villages=villages,
        initial=initial,
        budget_activities=_budget_activities(
            request, [project.village_id], project.planned_start.year
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, data=form.project_data())
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The project has been saved."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "map_config": _form_map_config([project.village_id])},
        status=400 if form.errors else 200,
    )


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(actor=request.user, project_id=project_id)
    reports = list(selectors.report_list(actor=request.user, project=project))
    flags = selectors.project_flags(actor=request.user, project=project)
    can_report = permissions.can_report_progress(request.user, project.village_id)
    form = ProgressForm(initial={"reported_on": timezone.localdate()}) if can_report else None
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "reports": reports,
            "flags": [(f, explain(f)) for f in flags],
            "form": form,
            "can_edit": permissions.can_edit_project(request.user, project.village_id),
            "funding": funding.project_funding(project),
            "map_config": json.dumps(
                {
                    "tiles": settings.SK_MAP_TILE_URL,
                    "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
                    "geometry": json.loads(project.geometry),
                    "boundary": f"/api/v1/regions/{project.village_id}/boundary.geojson",
                    "photos": [
                        {
                            "lat": p.device_lat or p.exif_lat,
                            "lng": p.device_lng or p.exif_lng,
                            "stage": p.stage,
                        }
                        for r in reports
                        for p in r.photos.all()
                        if (p.device_lat or p.exif_lat) is not None
                    ],
                }
            ),
        },
    )


@login_required
@require_POST
def progress_add(request: HttpRequest, project_id: int) -> HttpResponse:
    """Report progress at a stage and/or add photos to it (from the project page)."""
    project = selectors.project_get(actor=request.user, project_id=project_id)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
        return redirect("projects:detail", project_id=project.pk)
    d = form.cleaned_data
    try:
        # One change: the report and every photo, or (on any refusal) nothing at all.
        services.report_submit(
            actor=request.user,
            project=project,
            stage=d["stage"],
            reported_on=d["reported_on"],
            note=d.get("note") or "",
            photos=[
                services.PhotoIn(
                    data=upload.read(settings.SK_PROJECTS_MAX_PHOTO_BYTES + 1),
                    filename=upload.name or "",
                )
                for upload in d["photos"]
            ],
            device_lat=d.get("device_lat"),
            device_lng=d.get("device_lng"),
            device_accuracy_m=d.get("device_accuracy_m"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The progress has been saved."))
    return redirect("projects:detail", project_id=project.pk)


@login_required
def photo_file(request: HttpRequest, photo_id: int, variant: str) -> HttpResponse:
    """Stream a photo after the scope check: the EXIF-free thumbnail or display copy, or the
    original bytes (evidence: only for officials who may see the project)."""
    photo = selectors.photo_get(actor=request.user, photo_id=photo_id)
    if variant == "original":
        with default_storage.open(photo.original.name, "rb") as fh:
            body = fh.read()
        content_type = photo.content_type
        disposition = f'attachment; filename="photo-{photo.pk}.{content_type.split("/")[-1]}"'
    elif variant in {"thumb", "display"}:
        stored = photo.thumbnail if variant == "thumb" else photo.display
        if stored:
            with default_storage.open(stored.name, "rb") as fh:
                body = fh.read()
        else:  # the background task has not run yet: make it now, without storing
            with default_storage.open(photo.original.name, "rb") as fh:
                body = make_derivative(
                    fh.read(), THUMBNAIL_PX if variant == "thumb" else DISPLAY_PX
                )
        content_type = "image/jpeg"
        disposition = f'inline; filename="photo-{photo.pk}-{variant}.jpg"'
    else:
        raise NotFound()
    response = HttpResponse(body, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def flag_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_any_flags(request.user):
        raise NotFound()
    districts = _regions(request.user, permissions.FLAG_VIEW_ROLES, Level.DISTRICT)
    form = FlagFilterForm(request.GET or {"status": "open"}, districts=districts)
    data = form.cleaned_data if form.is_valid() else {"status": "open"}
    flags = selectors.flag_list(
        actor=request.user,
        status=data.get("status") or "",
        rule=data.get("rule") or "",
        kecamatan=data.get("kecamatan") or "",
    )
    page, query = paginate(request, flags, per_page=25)
    return render(
        request,
        "projects/flag_queue.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": query,
            "rows": [(f, explain(f)) for f in page.object_list],
            "counts": selectors.flag_counts(actor=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = selectors.flag_get(actor=request.user, flag_id=flag_id)
    can_decide = permissions.can_decide_flag(request.user, flag.village_id) and not flag.is_decided
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        if form.is_valid():
            try:
                services.flag_decide(
                    actor=request.user,
                    flag=flag,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The decision has been recorded."))
                return redirect("projects:flag_queue")
    # The two sides of the finding: the flagged project (and photo), and what it matches.
    sides = [(flag.project, flag.photo)]
    if flag.other_project is not None or flag.other_photo is not None:
        sides.append((flag.other_project or flag.project, flag.other_photo))
    return render(
        request,
        "projects/flag_detail.html",
        {
            "flag": flag,
            "explanation": explain(flag),
            "evidence": json.dumps(flag.evidence, indent=2, ensure_ascii=False),
            "sides": sides,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )

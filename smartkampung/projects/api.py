"""Projects API: projects, progress reports with photo upload (one request, or resumable in
chunks), red flags with their evidence, and a GeoJSON export."""

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, overload

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from smartkampung.accounts.models import User
from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination, Year
from smartkampung.core.exceptions import ValidationFailed

from . import selectors, services, uploads
from .geometry import parse_geometry
from .models import PhotoUpload, ProgressPhoto, ProgressReport, Project, RedFlag
from .redflags.explain import explain_both
from .schemas import (
    DecisionIn,
    FlagOut,
    PhotoOut,
    ProjectIn,
    ProjectOut,
    ReportIn,
    ReportOut,
    UploadIn,
    UploadOut,
)

router = Router(tags=["projects"])


class _Page(Sequence[dict[str, Any]]):
    """A queryset that the paginator counts and slices in the database; only the rows of the
    requested page are turned into API objects."""

    def __init__(self, queryset: QuerySet[Any], out: Callable[[Any], dict[str, Any]]) -> None:
        self.queryset, self.out = queryset, out

    def __len__(self) -> int:
        return self.queryset.count()

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self.out(row) for row in self.queryset[index]]
        return self.out(self.queryset[index])


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _project_out(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "external_id": p.external_id,
        "village": p.village_id,
        "village_name": p.village.name,
        "title": p.title,
        "work_type": p.work_type,
        "activity_code": p.activity_code,
        "budget_activity": str(p.budget_activity_lineage) if p.budget_activity_lineage else None,
        "fund_source": p.fund_source,
        "budget": p.budget,
        "volume": p.volume,
        "unit": p.unit,
        "unit_cost": p.unit_cost,
        "executor": p.executor,
        "planned_start": p.planned_start,
        "planned_end": p.planned_end,
        "geometry": json.loads(p.geometry),
        "lat": p.lat,
        "lng": p.lng,
        "progress": p.progress,
        "status": p.status,
    }


def _photo_out(p: ProgressPhoto) -> dict[str, Any]:
    return {
        **{
            f: getattr(p, f)
            for f in (
                "id",
                "stage",
                "sha256",
                "phash",
                "width",
                "height",
                "exif_lat",
                "exif_lng",
                "exif_taken_at",
                "exif_device",
                "device_lat",
                "device_lng",
                "device_accuracy_m",
                "uploaded_at",
            )
        },
        "thumbnail_url": f"/projects/photos/{p.pk}/thumb/",
        "display_url": f"/projects/photos/{p.pk}/display/",
    }


def _report_out(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "project": r.project_id,
        "stage": r.stage,
        "reported_on": r.reported_on,
        "note": r.note,
        "photos": [_photo_out(p) for p in r.photos.all()],
    }


def _flag_out(f: RedFlag) -> dict[str, Any]:
    text = explain_both(f)
    return {
        "id": f.pk,
        "rule": f.rule,
        "severity": f.severity,
        "status": f.status,
        "project": f.project_id,
        "village": f.village_id,
        "photo": f.photo_id,
        "other_project": f.other_project_id,
        "other_photo": f.other_photo_id,
        "evidence": f.evidence,
        "explanation_id": text["id"],
        "explanation_en": text["en"],
        "first_detected_at": f.first_detected_at,
        "last_detected_at": f.last_detected_at,
        "decided_at": f.decided_at,
        "decision_note": f.decision_note,
    }


def _upload_out(u: PhotoUpload) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "size": u.size,
        "offset": u.received,
        "status": u.status,
        "photo": u.photo_id,
    }


def _project_data(payload: ProjectIn) -> services.ProjectData:
    geometry = parse_geometry(
        geojson=json.dumps(payload.geometry) if payload.geometry else "",
        wkt=payload.wkt,
        lat=payload.lat,
        lng=payload.lng,
    )
    return services.ProjectData(
        title=payload.title,
        work_type=payload.work_type,
        fund_source=payload.fund_source,
        budget=payload.budget,
        volume=payload.volume,
        unit=payload.unit,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        geometry=geometry,
        activity_code=payload.activity_code,
        executor=payload.executor,
        budget_activity=payload.budget_activity,
    )


class ProjectQuery(Schema):
    kecamatan: str = ""
    village: str = ""
    year: Year | None = None
    status: str = ""
    flag: str = ""
    q: str = ""

    def filters(self) -> selectors.ProjectFilters:
        return selectors.ProjectFilters(
            kecamatan=self.kecamatan[:13],
            village=self.village[:13],
            year=self.year,
            status=self.status[:12],
            flag=self.flag[:32],
            q=self.q[:100],
        )


@router.get("/", response=list[ProjectOut], summary="Projects in my scope")
@paginate(BoundedLimitOffsetPagination)
def project_list(request: HttpRequest, query: Query[ProjectQuery]) -> _Page:
    return _Page(
        selectors.project_list(actor=_actor(request), filters=query.filters()), _project_out
    )


@router.post("/", response={201: ProjectOut, **ERRORS}, summary="Register a project")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[dict[str, Any]]:
    project = services.project_create(
        actor=_actor(request), village_code=payload.village, data=_project_data(payload)
    )
    return Status(201, _project_out(project))


@router.get(
    "/export.geojson",
    response={200: None, **ERRORS},
    summary="Projects in my scope as a GeoJSON FeatureCollection (same filters as the list)",
)
def project_export(request: HttpRequest, query: Query[ProjectQuery]) -> HttpResponse:
    body = selectors.projects_geojson(actor=_actor(request), filters=query.filters())
    response = HttpResponse(body, content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="projects.geojson"'
    return response


@router.get("/{project_id}", response={200: ProjectOut, **ERRORS}, summary="One project")
def project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return _project_out(selectors.project_get(actor=_actor(request), project_id=project_id))


@router.put("/{project_id}", response={200: ProjectOut, **ERRORS}, summary="Change a project")
def project_update(request: HttpRequest, project_id: int, payload: ProjectIn) -> dict[str, Any]:
    actor = _actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    if payload.village != project.village_id:
        raise ValidationFailed(_("A project cannot move to another village."), code="village_fixed")
    return _project_out(
        services.project_update(actor=actor, project=project, data=_project_data(payload))
    )


@router.get(
    "/{project_id}/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="Progress reports with photos",
)
def report_list(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    actor = _actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return [_report_out(r) for r in selectors.report_list(actor=actor, project=project)]


@router.post(
    "/{project_id}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Report progress at a stage",
)
def report_create(
    request: HttpRequest, project_id: int, payload: ReportIn
) -> Status[dict[str, Any]]:
    actor = _actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    report = services.report_create(
        actor=actor,
        project=project,
        stage=payload.stage,
        reported_on=payload.reported_on,
        note=payload.note,
    )
    return Status(201, _report_out(report))


class ReportForm(Schema):
    stage: int
    reported_on: date
    note: str = ""
    device_lat: float | None = None
    device_lng: float | None = None
    device_accuracy_m: float | None = None


@router.post(
    "/{project_id}/reports/with-photos",
    response={201: ReportOut, **ERRORS},
    summary="Report progress at a stage together with its photos (multipart: stage, "
    "reported_on, note, device location, files); all or nothing",
)
def report_submit(
    request: HttpRequest,
    project_id: int,
    form: Form[ReportForm],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    from django.conf import settings

    actor = _actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    files = files or []
    if not files:
        raise ValidationFailed(
            _("Attach at least one photo (the multipart field “files”)."), code="photo_missing"
        )
    if len(files) > services.MAX_PHOTOS_PER_REPORT:
        raise ValidationFailed(
            _("Send at most %(n)d photos at once.") % {"n": services.MAX_PHOTOS_PER_REPORT},
            code="too_many_photos",
        )
    report = services.report_submit(
        actor=actor,
        project=project,
        stage=form.stage,
        reported_on=form.reported_on,
        note=form.note,
        photos=[
            services.PhotoIn(
                data=f.read(settings.SK_PROJECTS_MAX_PHOTO_BYTES + 1), filename=f.name or ""
            )
            for f in files
        ],
        device_lat=form.device_lat,
        device_lng=form.device_lng,
        device_accuracy_m=form.device_accuracy_m,
    )
    report = selectors.report_get(actor=actor, report_id=report.pk)
    return Status(201, _report_out(report))


class PhotoForm(Schema):
    device_lat: float | None = None
    device_lng: float | None = None
    device_accuracy_m: float | None = None


@router.post(
    "/reports/{report_id}/photos",
    response={201: PhotoOut, **ERRORS},
    summary="Add a photo in one request (multipart: file + device location)",
)
def photo_upload(
    request: HttpRequest, report_id: int, file: File[UploadedFile], form: Form[PhotoForm]
) -> Status[dict[str, Any]]:
    from django.conf import settings

    actor = _actor(request)
    report = selectors.report_get(actor=actor, report_id=report_id)
    data = file.read(settings.SK_PROJECTS_MAX_PHOTO_BYTES + 1)
    photo = services.photo_add(
        actor=actor,
        report=report,
        data=data,
        filename=file.name or "",
        device_lat=form.device_lat,
        device_lng=form.device_lng,
        device_accuracy_m=form.device_accuracy_m,
    )
    return Status(201, _photo_out(photo))


@router.post(
    "/reports/{report_id}/uploads",
    response={201: UploadOut, **ERRORS},
    summary="Start a resumable photo upload (then PATCH chunks, then POST …/complete)",
)
def upload_start(request: HttpRequest, report_id: int, payload: UploadIn) -> Status[dict[str, Any]]:
    actor = _actor(request)
    report = selectors.report_get(actor=actor, report_id=report_id)
    upload = uploads.upload_start(
        actor=actor,
        report=report,
        size=payload.size,
        filename=payload.filename,
        device_lat=payload.device_lat,
        device_lng=payload.device_lng,
        device_accuracy_m=payload.device_accuracy_m,
    )
    return Status(201, _upload_out(upload))


@router.get(
    "/uploads/{upload_id}",
    response={200: UploadOut, **ERRORS},
    summary="An upload's offset (where to resume)",
)
def upload_status(request: HttpRequest, upload_id: uuid.UUID) -> dict[str, Any]:
    return _upload_out(uploads.upload_get(actor=_actor(request), upload_id=upload_id))


@router.patch(
    "/uploads/{upload_id}",
    response={200: UploadOut, **ERRORS},
    summary="Append a chunk: raw bytes as the body, header Upload-Offset = bytes already sent",
)
def upload_append(request: HttpRequest, upload_id: uuid.UUID) -> dict[str, Any]:
    raw_offset = request.headers.get("Upload-Offset", "")
    if not raw_offset.isdigit():
        raise ValidationFailed(
            _("Send the header Upload-Offset with the byte offset."), code="upload_offset_missing"
        )
    upload = uploads.upload_append(
        actor=_actor(request), upload_id=upload_id, offset=int(raw_offset), chunk=request.body
    )
    return _upload_out(upload)


@router.post(
    "/uploads/{upload_id}/complete",
    response={201: PhotoOut, **ERRORS},
    summary="Finish an upload: the photo is checked and added to the report",
)
def upload_complete(request: HttpRequest, upload_id: uuid.UUID) -> Status[dict[str, Any]]:
    photo = uploads.upload_complete(actor=_actor(request), upload_id=upload_id)
    return Status(201, _photo_out(photo))


class FlagQuery(Schema):
    status: str = "open"
    rule: str = ""
    kecamatan: str = ""
    village: str = ""
    project: int | None = None


@router.get("/flags/", response=list[FlagOut], summary="Red flags with their evidence")
@paginate(BoundedLimitOffsetPagination)
def flag_list(request: HttpRequest, query: Query[FlagQuery]) -> _Page:
    flags = selectors.flag_list(
        actor=_actor(request),
        status=query.status[:10],
        rule=query.rule[:32],
        kecamatan=query.kecamatan[:13],
        village=query.village[:13],
        project_id=query.project,
    )
    return _Page(flags, _flag_out)


@router.get(
    "/flags/counts",
    response={200: dict[str, Any], **ERRORS},
    summary="Open flags per village and district",
)
def flag_counts(request: HttpRequest) -> dict[str, Any]:
    return selectors.flag_counts(actor=_actor(request))


@router.get("/flags/{flag_id}", response={200: FlagOut, **ERRORS}, summary="One red flag")
def flag_detail(request: HttpRequest, flag_id: int) -> dict[str, Any]:
    return _flag_out(selectors.flag_get(actor=_actor(request), flag_id=flag_id))


@router.post(
    "/flags/{flag_id}/decision",
    response={200: FlagOut, **ERRORS},
    summary="Confirm or dismiss a flag (inspectors)",
)
def flag_decide(request: HttpRequest, flag_id: int, payload: DecisionIn) -> dict[str, Any]:
    actor = _actor(request)
    flag = selectors.flag_get(actor=actor, flag_id=flag_id)
    return _flag_out(
        services.flag_decide(actor=actor, flag=flag, decision=payload.decision, note=payload.note)
    )

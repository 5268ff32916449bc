"""Writes of the projects app: permission check, transaction, audit last; then the red-flag
rules for the project (they run whenever a project, report or photo is saved)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    TooLarge,
    ValidationFailed,
)
from smartkampung.core.uploads import UploadRejected, validate_image
from smartkampung.regions.models import Level, Region

from . import permissions, tasks
from .exceptions import ProjectErrorCode, ProjectInvalid
from .funding import check_budget_link
from .geometry import ParsedGeometry, cells_of, check_inside_village
from .models import (
    FlagStatus,
    FundSource,
    PhotoHash,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCell,
    ProjectStatus,
    RedFlag,
    Unit,
    WorkType,
)
from .photos import PhotoFacts, analyse_photo, stored_bands, to_hex
from .redflags import screen_project
from .redflags.engine import unit_costs_changed

ACTIVITY_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
FILENAME_SAFE_RE = re.compile(r"[^A-Za-z0-9._ -]")
# Photos sent with one report (the web form, the API): each up to SK_PROJECTS_MAX_PHOTO_BYTES
# and all held in memory while they are checked, so the count is bounded.
MAX_PHOTOS_PER_REPORT = 10


@dataclass
class ProjectData:
    """The editable fields of a project (from a form, the API or an import row)."""

    title: str
    work_type: str
    fund_source: str
    budget: Decimal
    volume: Decimal
    unit: str
    planned_start: date
    planned_end: date
    geometry: ParsedGeometry
    activity_code: str = ""
    executor: str = ""
    # lineage of a budget activity of the village's APBDes (funding.check_budget_link)
    budget_activity: str | None = None


def _village(code: str) -> Region:
    village = Region.objects.filter(code=code, level=Level.VILLAGE).first()
    if village is None:
        raise NotFound(_("Village not found."))
    return village


def _require(allowed: bool, actor: Any, village_code: str) -> None:
    """Out of scope: 404; in scope without the role: 403."""
    if allowed:
        return
    if permissions.can_view_projects(actor, village_code):
        raise PermissionDenied(_("You may not do this for this village."))
    raise NotFound(_("Not found."))


def _validate(data: ProjectData, village: Region) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give a title.")
    elif len(data.title) > 200:
        errors["title"] = _("The title is too long (at most 200 characters).")
    if data.work_type not in WorkType.values:
        errors["work_type"] = _("Unknown work type.")
    if data.fund_source not in FundSource.values:
        errors["fund_source"] = _("Unknown fund source.")
    if data.unit not in Unit.values:
        errors["unit"] = _("Unknown unit.")
    if data.activity_code and not ACTIVITY_CODE_RE.match(data.activity_code):
        errors["activity_code"] = _("An activity code looks like 02.03.10.")
    try:
        if data.budget < 0 or data.budget >= Decimal("1e15"):
            errors["budget"] = _("The budget must be between 0 and 10^15 rupiah.")
        if data.volume <= 0 or data.volume >= Decimal("1e10"):
            errors["volume"] = _("The volume must be more than 0.")
    except (InvalidOperation, TypeError):
        errors["budget"] = _("Not a number.")
    if data.planned_end < data.planned_start:
        errors["planned_end"] = _("The end lies before the start.")
    if len(data.executor) > 150:
        errors["executor"] = _("The executor's name is too long (at most 150 characters).")
    if data.budget_activity and not errors:
        try:
            lineage = uuid.UUID(str(data.budget_activity))
        except ValueError:
            errors["budget_activity"] = _("Unknown budget activity.")
        else:
            problem, linked_code = check_budget_link(
                village_code=village.code,
                year=data.planned_start.year,
                lineage=lineage,
                activity_code=data.activity_code,
            )
            if problem:
                errors["budget_activity"] = problem
            else:
                data.budget_activity = str(lineage)
                data.activity_code = linked_code
    if errors:
        raise ProjectInvalid(_("The project is not valid."), details=errors)
    check_inside_village(data.geometry.geom, village.boundary)


def _apply(project: Project, data: ProjectData) -> None:
    project.title = data.title.strip()
    project.activity_code = data.activity_code
    project.budget_activity_lineage = (
        uuid.UUID(data.budget_activity) if data.budget_activity else None
    )
    project.work_type = data.work_type
    project.fund_source = data.fund_source
    project.budget = data.budget.quantize(Decimal("1"))
    project.volume = data.volume.quantize(Decimal("0.01"))
    project.unit = data.unit
    project.unit_cost = (project.budget / project.volume).quantize(Decimal("0.01"))
    project.executor = data.executor.strip()
    project.planned_start = data.planned_start
    project.planned_end = data.planned_end
    project.geometry_kind = data.geometry.kind
    project.geometry = data.geometry.geojson
    project.lat = data.geometry.lat
    project.lng = data.geometry.lng


def _store_cells(project: Project) -> None:
    ProjectCell.objects.filter(project=project).delete()
    from smartkampung.regions.geo import parse_geojson_geometry

    geom = parse_geojson_geometry(project.geometry)
    ProjectCell.objects.bulk_create(
        [ProjectCell(project=project, cell=c) for c in sorted(cells_of(geom))]
    )


def _audit_fields(project: Project) -> dict[str, Any]:
    return {
        "title": project.title,
        "work_type": project.work_type,
        "budget": str(project.budget),
        "volume": str(project.volume),
        "unit": project.unit,
        "fund_source": project.fund_source,
        "planned_start": project.planned_start.isoformat(),
        "planned_end": project.planned_end.isoformat(),
        "geometry_kind": project.geometry_kind,
        "budget_activity": str(project.budget_activity_lineage or ""),
    }


def project_create(
    *,
    actor: Any,
    village_code: str,
    data: ProjectData,
    external_id: str | None = None,
    screen: bool = True,
) -> Project:
    """Register a development project of a village (village operators)."""
    _require(permissions.can_edit_project(actor, village_code), actor, village_code)
    village = _village(village_code)
    _validate(data, village)
    with transaction.atomic():
        project = Project(village_id=village.code, external_id=external_id or None)
        project.created_by = actor if getattr(actor, "is_authenticated", False) else None
        _apply(project, data)
        project.save()
        _store_cells(project)
        audit.record(actor, "projects.project_create", project, _audit_fields(project))
    unit_costs_changed()
    if screen:
        screen_project(project.pk)
    return project


def project_update(
    *, actor: Any, project: Project, data: ProjectData, screen: bool = True
) -> Project:
    """Change a project's data; the rules run again on it."""
    _require(permissions.can_edit_project(actor, project.village_id), actor, project.village_id)
    _validate(data, _village(project.village_id))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        before = _audit_fields(project)
        _apply(project, data)
        project.save()
        _store_cells(project)
        after = _audit_fields(project)
        changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        audit.record(actor, "projects.project_update", project, {"changes": changes})
    unit_costs_changed()
    if screen:
        screen_project(project.pk)
    return project


def stages() -> list[int]:
    return sorted(set(settings.SK_PROJECTS_STAGES))


def report_date_check(reported_on: date) -> None:
    """The one check of a progress report's date, for the form, the API and the importer:
    evidence cannot be dated after today (the regency's local date)."""
    if reported_on > timezone.localdate():
        raise ValidationFailed(
            _("The report date %(date)s lies in the future.") % {"date": reported_on.isoformat()},
            code="invalid_date",
            details={"reported_on": reported_on.isoformat()},
        )


def _report_check(stage: int, reported_on: date, note: str) -> None:
    if stage not in stages():
        raise ValidationFailed(
            _("The stage must be one of %(stages)s.")
            % {"stages": ", ".join(f"{s} %" for s in stages())},
            code=ProjectErrorCode.INVALID_STAGE,
            details={"stage": stage},
        )
    report_date_check(reported_on)
    if len(note) > 2000:
        raise ValidationFailed(
            _("The note is too long (at most 2,000 characters)."), code="note_too_long"
        )


def progress_refresh(project: Project) -> None:
    """Set a (locked) project's progress to the highest stage whose report has a photo.

    A stage counts only with photographed evidence (ADR 0035): a report without a photo, or
    one whose photo was refused, never marks a project 50 % or complete."""
    evidenced = (
        ProgressReport.objects.filter(project=project, photos__isnull=False)
        .order_by("-stage")
        .values_list("stage", flat=True)
        .first()
    )
    progress = evidenced or 0
    if evidenced is None:
        status = ProjectStatus.PLANNED
    else:
        status = ProjectStatus.COMPLETED if progress >= 100 else ProjectStatus.ONGOING
    if (project.progress, project.status) != (progress, status):
        project.progress, project.status = progress, status
        project.save(update_fields=["progress", "status", "updated_at"])


@dataclass
class PhotoIn:
    """One uploaded photo file: its bytes (read up to the size limit + 1) and its name."""

    data: bytes
    filename: str = ""


def _check_photos(photos: Sequence[PhotoIn]) -> list[CheckedPhoto]:
    """Check every photo before anything is saved; a refusal names the file."""
    checked = []
    for photo in photos:
        try:
            checked.append(check_photo(photo.data))
        except DomainError as exc:
            name = safe_filename(photo.filename)
            if name:
                exc.message = _("%(name)s: %(message)s") % {"name": name, "message": exc.message}
            raise
    return checked


def report_submit(
    *,
    actor: Any,
    project: Project,
    stage: int,
    reported_on: date,
    note: str = "",
    photos: Sequence[PhotoIn] = (),
    device_lat: float | None = None,
    device_lng: float | None = None,
    device_accuracy_m: float | None = None,
    screen: bool = True,
) -> ProgressReport:
    """Report progress at a stage together with its photos, as one change.

    Every photo is checked by content first; then the report (new, or the stage's existing
    one when photos are added to it) and all photos are saved in one transaction. Any refusal
    saves nothing: no report, no photo, no file, no change of progress."""
    _require(permissions.can_report_progress(actor, project.village_id), actor, project.village_id)
    _report_check(stage, reported_on, note)
    if len(photos) > MAX_PHOTOS_PER_REPORT:
        raise ValidationFailed(
            _("Send at most %(n)d photos at once.") % {"n": MAX_PHOTOS_PER_REPORT},
            code="too_many_photos",
        )
    device = _device_location(device_lat, device_lng, device_accuracy_m)
    checked = _check_photos(photos)
    user = actor if getattr(actor, "is_authenticated", False) else None
    saved: list[str] = []
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            report = ProgressReport.objects.filter(project=locked, stage=stage).first()
            if report is not None and not checked:
                raise Conflict(
                    _("Progress at %(stage)d %% has already been reported; add photos to it.")
                    % {"stage": stage},
                    code=ProjectErrorCode.STAGE_ALREADY_REPORTED,
                )
            if report is None:
                report = ProgressReport.objects.create(
                    project=locked,
                    stage=stage,
                    reported_on=reported_on,
                    note=note.strip(),
                    created_by=user,
                )
                audit.record(
                    actor,
                    "projects.report_create",
                    report,
                    {"project": locked.pk, "stage": stage, "photos": len(checked)},
                    scope=locked.village_id,
                )
            report.project = locked
            for item, photo_in in zip(checked, photos, strict=True):
                photo = store_photo(
                    report=report,
                    checked=item,
                    filename=photo_in.filename,
                    device=device,
                    uploaded_by=user,
                    saved=saved,
                )
                audit.record(
                    actor,
                    "projects.photo_add",
                    photo,
                    {"project": locked.pk, "stage": stage, "sha256": photo.sha256},
                    scope=locked.village_id,
                )
            progress_refresh(locked)
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    if screen:
        screen_project(project.pk)
    return report


def report_create(
    *,
    actor: Any,
    project: Project,
    stage: int,
    reported_on: date,
    note: str = "",
    screen: bool = True,
) -> ProgressReport:
    """Report progress at one of the regency's stages without photos yet (the API's first
    step; photos are added to the report). The stage counts once a photo is added."""
    return report_submit(
        actor=actor,
        project=project,
        stage=stage,
        reported_on=reported_on,
        note=note,
        screen=screen,
    )


def _device_location(
    lat: float | None, lng: float | None, accuracy: float | None
) -> tuple[float | None, float | None, float | None]:
    if (lat is None) != (lng is None):
        raise ValidationFailed(
            _("Give both latitude and longitude of the device, or neither."),
            code="invalid_location",
        )
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed(
            _("The device location is not a valid coordinate."), code="invalid_location"
        )
    if accuracy is not None and not (0 <= accuracy <= 100_000):
        raise ValidationFailed(
            _("The location accuracy must be between 0 and 100,000 m."), code="invalid_location"
        )
    return lat, lng, accuracy


def safe_filename(name: str) -> str:
    return FILENAME_SAFE_RE.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:120]


def photo_add(
    *,
    actor: Any,
    report: ProgressReport,
    data: bytes,
    filename: str = "",
    device_lat: float | None = None,
    device_lng: float | None = None,
    device_accuracy_m: float | None = None,
    screen: bool = True,
) -> ProgressPhoto:
    """Add a photo to a progress report. The bytes are checked by content first (a refused
    file leaves nothing behind); hashes and EXIF are read from the original bytes; the
    EXIF-free thumbnail and display copies are made in the background."""
    project = report.project
    _require(permissions.can_report_progress(actor, project.village_id), actor, project.village_id)
    lat, lng, accuracy = _device_location(device_lat, device_lng, device_accuracy_m)
    checked = check_photo(data)
    saved: list[str] = []
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            photo = store_photo(
                report=report,
                checked=checked,
                filename=filename,
                device=(lat, lng, accuracy),
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                saved=saved,
            )
            audit.record(
                actor,
                "projects.photo_add",
                photo,
                {"project": project.pk, "stage": report.stage, "sha256": photo.sha256},
            )
            progress_refresh(locked)
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    if screen:
        screen_project(project.pk)
    return photo


@dataclass
class CheckedPhoto:
    data: bytes
    kind: str
    width: int
    height: int
    facts: PhotoFacts


def check_photo(data: bytes) -> CheckedPhoto:
    """Check the bytes by content (refusing non-images and bombs) and read them."""
    limit = settings.SK_PROJECTS_MAX_PHOTO_BYTES
    if len(data) > limit:
        raise TooLarge(
            _("The photo is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024},
            code="file_too_large",
        )
    if not data:
        raise UploadRejected(_("The file is empty."), code="file_empty")
    info = validate_image(data, allowed=("jpeg", "png"))
    return CheckedPhoto(
        data=data, kind=info.kind, width=info.width, height=info.height, facts=analyse_photo(data)
    )


def store_photo(
    *,
    report: ProgressReport,
    checked: CheckedPhoto,
    filename: str,
    device: tuple[float | None, float | None, float | None],
    uploaded_by: Any,
    saved: list[str],
) -> ProgressPhoto:
    """Save a checked photo's file, row and hashes inside the caller's transaction, and queue
    its derivatives. The stored file name is appended to ``saved`` so that the caller removes
    the file if its transaction fails."""
    project = report.project
    facts = checked.facts
    ext = "jpg" if checked.kind == "jpeg" else "png"
    path = f"projects/{project.village_id}/{project.pk}/{uuid.uuid4().hex}.{ext}"
    stored = default_storage.save(path, ContentFile(checked.data))
    saved.append(stored)
    photo = ProgressPhoto.objects.create(
        report=report,
        project=project,
        village_id=project.village_id,
        stage=report.stage,
        original=stored,
        original_name=safe_filename(filename),
        content_type=f"image/{checked.kind}",
        size_bytes=len(checked.data),
        width=checked.width,
        height=checked.height,
        sha256=facts.sha256,
        phash=facts.phash_hex,
        phash_rotations=" ".join(to_hex(v) for v in facts.rotations.values()),
        exif_lat=facts.exif_lat,
        exif_lng=facts.exif_lng,
        exif_taken_at=facts.exif_taken_at,
        exif_device=facts.exif_device,
        device_lat=device[0],
        device_lng=device[1],
        device_accuracy_m=device[2],
        uploaded_by=uploaded_by,
    )
    PhotoHash.objects.bulk_create(
        [
            PhotoHash(
                photo=photo,
                kind=kind,
                value=value,
                **stored_bands(kind, value),
            )
            for kind, value in facts.hashes.items()
        ]
    )
    photo_id = photo.pk
    transaction.on_commit(lambda: tasks.photo_make_derivatives.enqueue(photo_id))
    return photo


def flag_decide(*, actor: Any, flag: RedFlag, decision: str, note: str) -> RedFlag:
    """An inspector confirms or dismisses a red flag, with a note (audited)."""
    _require(permissions.can_decide_flag(actor, flag.village_id), actor, flag.village_id)
    if decision not in {FlagStatus.CONFIRMED, FlagStatus.DISMISSED}:
        raise ValidationFailed(
            _("Choose confirm or dismiss."), code=ProjectErrorCode.INVALID_DECISION
        )
    note = note.strip()
    if not note:
        raise ValidationFailed(
            _("Write a note that explains the decision."),
            code=ProjectErrorCode.INVALID_DECISION,
            details={"note": _("This field is required.")},
        )
    if len(note) > 2000:
        raise ValidationFailed(
            _("The note is too long (at most 2,000 characters)."), code="note_too_long"
        )
    with transaction.atomic():
        locked = RedFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.is_decided:
            raise Conflict(
                _("This flag has already been decided."), code=ProjectErrorCode.FLAG_ALREADY_DECIDED
            )
        locked.status = decision
        locked.decision_note = note
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        audit.record(
            actor,
            "projects.flag_decide",
            locked,
            {"rule": locked.rule, "decision": decision, "note": note},
        )
    return locked

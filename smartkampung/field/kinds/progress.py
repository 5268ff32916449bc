"""The progress report with photos, sent through the projects app's services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from smartkampung.core.exceptions import Conflict, NotFound, TooLarge
from smartkampung.projects import selectors as project_selectors
from smartkampung.projects import services as project_services
from smartkampung.projects.exceptions import ProjectErrorCode
from smartkampung.projects.models import ProjectStatus

from ..exceptions import FieldErrorCode, RecordConflict
from ..models import FieldPhoto
from ..permissions import can_report_from_field
from . import Prepared, parse_model

MAX_PHOTOS = 10


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)
    at: datetime | None = None


class PhotoSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size: int = Field(ge=1)
    name: str = Field(default="", max_length=200)
    type: Literal["image/jpeg", "image/png"]
    captured_at: datetime | None = None


class ProgressPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    project: int = Field(ge=1)
    stage: int = Field(ge=0, le=100)
    reported_on: date
    note: str = Field(default="", max_length=2000)
    captured_at: datetime | None = None
    location: Location | None = None
    photos: list[PhotoSpec] = Field(default_factory=list, max_length=MAX_PHOTOS)


class ProgressReportKind:
    kind = "progress_report"

    def parse(self, payload: dict[str, Any]) -> ProgressPayload:
        parsed: ProgressPayload = parse_model(ProgressPayload, payload)
        limit = settings.SK_PROJECTS_MAX_PHOTO_BYTES
        too_large = [i for i, p in enumerate(parsed.photos) if p.size > limit]
        if too_large:
            raise TooLarge(
                _("The photo is larger than %(mb).0f MB.") % {"mb": limit / 1024 / 1024},
                code="file_too_large",
                details={"photos": too_large},
            )
        return parsed

    def prepare(self, *, actor: Any, parsed: ProgressPayload) -> Prepared:
        try:
            project = project_selectors.project_get(actor=actor, project_id=parsed.project)
        except NotFound:
            raise RecordConflict(
                _(
                    "This project is no longer available to you: it may have been removed or "
                    "moved, or your role changed. Ask the village operator; the report stays "
                    "on this device until you discard it."
                ),
                code=FieldErrorCode.PROJECT_UNAVAILABLE,
                actions=["discard"],
            ) from None
        if not can_report_from_field(actor, project.village_id):
            raise RecordConflict(
                _("You may no longer report progress for this village."),
                code=FieldErrorCode.NOT_PERMITTED,
                actions=["discard"],
            )
        location = parsed.location.model_dump() if parsed.location else None
        return Prepared(
            parsed=parsed,
            village_code=project.village_id,
            objects={"project": project},
            captured_at=parsed.captured_at,
            location=location,
        )

    def apply(self, *, actor: Any, prepared: Prepared, record: Any, resolution: str) -> None:
        parsed: ProgressPayload = prepared.parsed
        project = prepared.objects["project"]
        if (
            project.status == ProjectStatus.COMPLETED
            and parsed.stage < project.progress
            and resolution != "send_anyway"
        ):
            raise RecordConflict(
                _(
                    "The project was completed (%(progress)d %%) while this report at "
                    "%(stage)d %% waited. Send it anyway as a late report, or discard it."
                )
                % {"progress": project.progress, "stage": parsed.stage},
                code=FieldErrorCode.PROJECT_COMPLETED,
                actions=["send_anyway", "discard"],
            )
        try:
            report = project_services.report_create(
                actor=actor,
                project=project,
                stage=parsed.stage,
                reported_on=parsed.reported_on,
                note=parsed.note,
            )
        except Conflict as exc:
            if exc.code != ProjectErrorCode.STAGE_ALREADY_REPORTED:
                raise
            existing = (
                project_selectors.report_list(actor=actor, project=project)
                .filter(stage=parsed.stage)
                .first()
            )
            if existing is None:  # pragma: no cover - the conflict says it exists
                raise
            if resolution != "attach":
                raise RecordConflict(
                    _(
                        "Someone already reported %(stage)d %% for this project while this "
                        "report waited. Add your photos to that report, or discard yours."
                    )
                    % {"stage": parsed.stage},
                    code=FieldErrorCode.STAGE_ALREADY_REPORTED,
                    actions=["attach", "discard"],
                    report=existing.pk,
                ) from None
            report = existing
            record.attached_to_existing = True
        record.report = report
        record.save(update_fields=["report", "attached_to_existing"])
        FieldPhoto.objects.bulk_create(
            [
                FieldPhoto(
                    record=record,
                    index=i,
                    sha256=spec.sha256,
                    size=spec.size,
                    filename=project_services.safe_filename(spec.name),
                    captured_at=spec.captured_at,
                )
                for i, spec in enumerate(parsed.photos)
            ]
        )

    def result(self, record: Any) -> dict[str, Any]:
        report = record.report
        return {
            "report": report.pk if report else None,
            "project": report.project_id if report else None,
            "stage": report.stage if report else None,
            "attached_to_existing": record.attached_to_existing,
        }

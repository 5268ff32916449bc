"""Reads without an actor, for the public transparency portal and the regency dashboard.

Aggregates (counts per village, status and rule) and the public view of projects: the caller
chooses which project statuses it publishes (``statuses``); nothing here returns personal data
— no executor, no uploader, no photo metadata (EXIF, device, location) and never an original
photo, only the EXIF-free thumbnail and display copies once the background task has made them.
``region_code`` limits everything to a kecamatan or a village (prefix match on the code).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound

from .models import FlagStatus, ProgressPhoto, ProgressReport, Project, RedFlag
from .selectors import GEOJSON_FIELDS, feature_collection

PUBLIC_PROJECT_FIELDS = (
    "id",
    "title",
    "village_id",
    "village__name",
    "activity_code",
    "work_type",
    "fund_source",
    "budget",
    "volume",
    "unit",
    "planned_start",
    "planned_end",
    "lat",
    "lng",
    "progress",
    "status",
)


def _in_region(region_code: str | None, column: str = "village__pk") -> Q:
    if not region_code:
        return Q()
    return Q(**{column: region_code}) | Q(**{f"{column}__startswith": region_code + "."})


def project_counts_by_village(
    *, region_code: str | None = None, year: int | None = None
) -> dict[str, dict[str, int]]:
    """Per village code: projects per status (``planned``, ``ongoing``, ``completed``) and
    ``late`` (past the planned end, below 100 %); ``year`` is the planned start's year."""
    qs = Project.objects.filter(_in_region(region_code))
    if year:
        qs = qs.filter(planned_start__year=year)
    today = timezone.localdate()
    rows = (
        qs.values("village_id", "status")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(planned_end__lt=today, progress__lt=100)),
        )
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    for r in rows:
        counts = result.setdefault(
            r["village_id"], {"planned": 0, "ongoing": 0, "completed": 0, "late": 0}
        )
        counts[r["status"]] = counts.get(r["status"], 0) + r["n"]
        counts["late"] += r["late"]
    return result


def open_flag_counts(*, region_code: str | None = None) -> dict[str, dict[str, int]]:
    """Per village code: open red flags per rule code."""
    rows = (
        RedFlag.objects.filter(_in_region(region_code), status=FlagStatus.OPEN)
        .values("village_id", "rule")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[str, dict[str, int]] = {}
    for r in rows:
        result.setdefault(r["village_id"], {})[r["rule"]] = r["n"]
    return result


def public_projects(
    *, statuses: Iterable[str], region_code: str | None = None, year: int | None = None
) -> QuerySet[Project]:
    """Projects in the published ``statuses``, newest first (use ``.values(*PUBLIC_PROJECT_
    FIELDS)`` or the fields listed there: the rest is not for the public)."""
    qs = Project.objects.filter(_in_region(region_code), status__in=list(statuses))
    if year:
        qs = qs.filter(planned_start__year=year)
    return qs.order_by("-planned_start", "-pk")


def public_projects_geojson(
    *, statuses: Iterable[str], region_code: str | None = None, year: int | None = None
) -> str:
    """Published projects as a GeoJSON FeatureCollection (the same properties as the
    officials' export: title, codes, status, progress, budget, fund source)."""
    qs = public_projects(statuses=statuses, region_code=region_code, year=year)
    return feature_collection(qs.values(*GEOJSON_FIELDS))


def public_project_get(*, project_id: int, statuses: Iterable[str]) -> dict[str, Any]:
    """One published project's public fields, or NotFound."""
    row = (
        Project.objects.filter(pk=project_id, status__in=list(statuses))
        .values(*PUBLIC_PROJECT_FIELDS, "village__parent_id", "village__parent__name")
        .first()
    )
    if row is None:
        raise NotFound(_("Project not found."))
    return row


def public_progress(*, project_id: int) -> list[dict[str, Any]]:
    """The progress reports of a project (stage, date) with the ids of their photos whose
    EXIF-free copies exist. The caller checks that the project is published."""
    photos: dict[int, list[int]] = {}
    for report_id, photo_id in (
        ProgressPhoto.objects.filter(project_id=project_id)
        .exclude(thumbnail="")
        .exclude(display="")
        .order_by("stage", "pk")
        .values_list("report_id", "pk")
    ):
        photos.setdefault(report_id, []).append(photo_id)
    return [
        {"stage": r["stage"], "reported_on": r["reported_on"], "photos": photos.get(r["pk"], [])}
        for r in ProgressReport.objects.filter(project_id=project_id)
        .order_by("stage")
        .values("pk", "stage", "reported_on")
    ]


def public_photo_ids(*, project_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per project: the ids of photos whose EXIF-free copies exist, by stage."""
    result: dict[int, list[int]] = {}
    for project_id, photo_id in (
        ProgressPhoto.objects.filter(project_id__in=list(project_ids))
        .exclude(thumbnail="")
        .exclude(display="")
        .order_by("stage", "pk")
        .values_list("project_id", "pk")
    ):
        result.setdefault(project_id, []).append(photo_id)
    return result


def public_photo_file(*, photo_id: int, variant: str, statuses: Iterable[str]) -> str:
    """The storage name of the EXIF-free ``thumb`` or ``display`` copy of a photo of a
    published project. NotFound for anything else: another variant (the original is
    evidence, never public), an unpublished project, or a copy not made yet."""
    if variant not in {"thumb", "display"}:
        raise NotFound(_("Photo not found."))
    photo = (
        ProgressPhoto.objects.filter(pk=photo_id, project__status__in=list(statuses))
        .only("thumbnail", "display")
        .first()
    )
    stored = None if photo is None else (photo.thumbnail if variant == "thumb" else photo.display)
    if not stored:
        raise NotFound(_("Photo not found."))
    return str(stored.name)

"""Reads of the projects app, always scoped to what the actor may see (404 outside)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.exceptions import NotFound

from .models import (
    SEVERITY_ORDER,
    FlagStatus,
    ProgressPhoto,
    ProgressReport,
    Project,
    RedFlag,
)
from .permissions import FLAG_VIEW_ROLES, PROJECT_VIEW_ROLES, can_view_flags


@dataclass(frozen=True)
class ProjectFilters:
    kecamatan: str = ""
    village: str = ""
    year: int | None = None
    status: str = ""  # planned / ongoing / completed / late
    flag: str = ""  # a rule code, or "any"
    q: str = ""


def project_list(*, actor: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    f = filters or ProjectFilters()
    qs = Project.objects.filter(scope_q(actor, PROJECT_VIEW_ROLES)).select_related("village")
    if f.village:
        qs = qs.filter(village_id=f.village)
    elif f.kecamatan:
        qs = qs.filter(village__pk__startswith=f.kecamatan + ".")
    if f.year:
        qs = qs.filter(planned_start__year=f.year)
    if f.status == "late":
        qs = qs.filter(planned_end__lt=timezone.localdate(), progress__lt=100)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(title__icontains=f.q[:100])
    if f.flag:
        open_flags = RedFlag.objects.filter(
            Q(project=OuterRef("pk")) | Q(other_project=OuterRef("pk")), status=FlagStatus.OPEN
        )
        if f.flag != "any":
            open_flags = open_flags.filter(rule=f.flag)
        # Only supervisors see flags: for anyone else the flag filter finds nothing.
        qs = qs.filter(Exists(open_flags)).filter(scope_q(actor, FLAG_VIEW_ROLES))
    return qs.order_by("-planned_start", "-pk")


def project_get(*, actor: Any, project_id: int) -> Project:
    project = (
        Project.objects.filter(scope_q(actor, PROJECT_VIEW_ROLES), pk=project_id)
        .select_related("village__parent")
        .first()
    )
    if project is None:
        raise NotFound(_("Project not found."))
    return project


def report_get(*, actor: Any, report_id: int) -> ProgressReport:
    report = (
        ProgressReport.objects.filter(
            scope_q(actor, PROJECT_VIEW_ROLES, field="project__village"), pk=report_id
        )
        .select_related("project")
        .first()
    )
    if report is None:
        raise NotFound(_("Progress report not found."))
    return report


def report_list(*, actor: Any, project: Project) -> QuerySet[ProgressReport]:
    project_get(actor=actor, project_id=project.pk)
    return (
        ProgressReport.objects.filter(project=project).prefetch_related("photos").order_by("stage")
    )


def photo_get(*, actor: Any, photo_id: int) -> ProgressPhoto:
    photo = ProgressPhoto.objects.filter(scope_q(actor, PROJECT_VIEW_ROLES), pk=photo_id).first()
    if photo is None:
        raise NotFound(_("Photo not found."))
    return photo


def flag_list(
    *,
    actor: Any,
    status: str = FlagStatus.OPEN,
    rule: str = "",
    kecamatan: str = "",
    village: str = "",
    project_id: int | None = None,
) -> QuerySet[RedFlag]:
    qs = RedFlag.objects.filter(scope_q(actor, FLAG_VIEW_ROLES)).select_related(
        "project", "village__parent", "other_project"
    )
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule=rule)
    if village:
        qs = qs.filter(village_id=village)
    elif kecamatan:
        qs = qs.filter(village__pk__startswith=kecamatan + ".")
    if project_id is not None:
        qs = qs.filter(Q(project_id=project_id) | Q(other_project_id=project_id))
    # The strongest findings first (ADR 0039), then the most recent.
    rank = Case(
        *[When(severity=level, then=Value(n)) for level, n in SEVERITY_ORDER.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return qs.order_by(-rank, "-last_detected_at", "-pk")


def flag_get(*, actor: Any, flag_id: int) -> RedFlag:
    flag = (
        RedFlag.objects.filter(scope_q(actor, FLAG_VIEW_ROLES), pk=flag_id)
        .select_related("project", "other_project", "photo", "other_photo", "village__parent")
        .first()
    )
    if flag is None:
        raise NotFound(_("Red flag not found."))
    return flag


def flag_counts(*, actor: Any, status: str = FlagStatus.OPEN) -> dict[str, list[dict[str, Any]]]:
    """Flags per village and per kecamatan within the actor's scope."""
    rows = (
        RedFlag.objects.filter(scope_q(actor, FLAG_VIEW_ROLES), status=status)
        .values("village_id", "village__name", "village__parent_id", "village__parent__name")
        .annotate(n=Count("id"))
        .order_by("-n", "village_id")
    )
    villages = [
        {
            "code": r["village_id"],
            "name": r["village__name"],
            "district": r["village__parent__name"],
            "count": r["n"],
        }
        for r in rows
    ]
    districts: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = districts.setdefault(
            r["village__parent_id"],
            {"code": r["village__parent_id"], "name": r["village__parent__name"], "count": 0},
        )
        d["count"] += r["n"]
    return {
        "villages": villages,
        "districts": sorted(districts.values(), key=lambda d: (-d["count"], d["code"])),
    }


def project_flags(*, actor: Any, project: Project) -> list[RedFlag]:
    if not can_view_flags(actor, project.village_id):
        return []
    return list(flag_list(actor=actor, status="", project_id=project.pk))


GEOJSON_FIELDS = (
    "id",
    "title",
    "village_id",
    "village__name",
    "work_type",
    "status",
    "progress",
    "planned_start",
    "planned_end",
    "budget",
    "fund_source",
    "geometry",
)


def feature_collection(rows: Any) -> str:
    """A GeoJSON FeatureCollection from ``Project`` value rows holding ``GEOJSON_FIELDS`` (no
    personal data: titles, codes, status)."""
    parts = []
    for p in rows:
        props = {
            "id": p["id"],
            "title": p["title"],
            "village": p["village_id"],
            "village_name": p["village__name"],
            "work_type": p["work_type"],
            "status": p["status"],
            "progress": p["progress"],
            "planned_start": p["planned_start"].isoformat(),
            "planned_end": p["planned_end"].isoformat(),
            "budget": int(p["budget"]),
            "fund_source": p["fund_source"],
        }
        parts.append(
            '{"type":"Feature","properties":'
            + json.dumps(props, ensure_ascii=False)
            + ',"geometry":'
            + p["geometry"]
            + "}"
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def projects_geojson(
    *, actor: Any, filters: ProjectFilters | None = None, limit: int = 50_000
) -> str:
    """The projects as a GeoJSON FeatureCollection (no personal data: titles, codes, status)."""
    return feature_collection(
        project_list(actor=actor, filters=filters).values(*GEOJSON_FIELDS)[:limit]
    )


def open_flag_project_ids(*, actor: Any, project_ids: list[int]) -> set[int]:
    rows = RedFlag.objects.filter(scope_q(actor, FLAG_VIEW_ROLES), status=FlagStatus.OPEN).filter(
        Q(project_id__in=project_ids) | Q(other_project_id__in=project_ids)
    )
    out: set[int] = set()
    for a, b in rows.values_list("project_id", "other_project_id"):
        out.add(a)
        if b:
            out.add(b)
    return out

"""Services: the permission matrix for every write, and refused calls change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.projects import services
from smartkampung.projects.geometry import cells_of, parse_geometry, rings_for, search_cells
from smartkampung.projects.models import (
    FlagStatus,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCell,
    RedFlag,
)

from .factories import jpeg, offset, project_data, scene

pytestmark = pytest.mark.django_db


def _snapshot() -> Any:
    return snapshot_rows(Project, ProjectCell, ProgressReport, ProgressPhoto, RedFlag, AuditEvent)


@permission_matrix(allowed={"staff_with_role"})
def test_project_create_matrix(actor_kind, allowed, matrix_actor, village):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    call = lambda: services.project_create(  # noqa: E731
        actor=actor, village_code=village.code, data=project_data(village)
    )
    if allowed:
        project = call()
        assert project.village_id == village.code
        assert AuditEvent.objects.filter(action="projects.project_create").count() == 1
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


@permission_matrix(allowed={"staff_with_role"})
def test_project_update_matrix(actor_kind, allowed, matrix_actor, village, operator):
    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    call = lambda: services.project_update(  # noqa: E731
        actor=actor, project=project, data=project_data(village, title="Judul baru")
    )
    if allowed:
        assert call().title == "Judul baru"
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


@permission_matrix(allowed={"staff_with_role"})
@pytest.mark.parametrize("role", [Role.VILLAGE_OPERATOR, Role.DISTRICT_OFFICER])
def test_report_create_matrix(actor_kind, allowed, role, matrix_actor, village, operator):
    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    actor = matrix_actor(actor_kind, village=village, role=role)
    call = lambda: services.report_create(  # noqa: E731
        actor=actor, project=project, stage=50, reported_on=timezone.localdate()
    )
    if allowed:
        report = call()
        assert report.stage == 50
        project.refresh_from_db()  # no photo yet: the stage does not count (ADR 0035)
        assert project.progress == 0 and project.status == "planned"
        services.photo_add(
            actor=actor, report=report, data=jpeg(scene(3), lat=project.lat, lng=project.lng)
        )
        project.refresh_from_db()
        assert project.progress == 50 and project.status == "ongoing"
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


@permission_matrix(allowed={"staff_with_role"})
def test_photo_add_matrix(actor_kind, allowed, matrix_actor, village, operator):
    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    report = services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    data = jpeg(scene(1), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())
    call = lambda: services.photo_add(actor=actor, report=report, data=data)  # noqa: E731
    if allowed:
        assert call().sha256
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


@permission_matrix(allowed={"staff_with_role"})
def test_flag_decide_matrix(actor_kind, allowed, matrix_actor, village, operator):
    services.project_create(actor=operator, village_code=village.code, data=project_data(village))
    services.project_create(
        actor=operator, village_code=village.code, data=project_data(village, north_m=20)
    )
    flag = RedFlag.objects.get()
    actor = matrix_actor(actor_kind, village=village, role=Role.INSPECTOR)
    call = lambda: services.flag_decide(  # noqa: E731
        actor=actor, flag=flag, decision="confirmed", note="Proyek ganda."
    )
    if allowed:
        assert call().status == FlagStatus.CONFIRMED
        event = AuditEvent.objects.get(action="projects.flag_decide")
        assert "Proyek ganda." in event.data_json
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


def test_out_of_scope_is_404_in_scope_without_role_is_403(village, other_village, make_user):
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    with pytest.raises(PermissionDenied):
        services.project_create(actor=camat, village_code=village.code, data=project_data(village))
    with pytest.raises(NotFound):
        services.project_create(
            actor=camat, village_code=other_village.code, data=project_data(other_village)
        )


@pytest.mark.parametrize(
    "change",
    [
        {"title": " "},
        {"work_type": "castle"},
        {"unit": "furlong"},
        {"fund_source": "XXX"},
        {"activity_code": "2.3.10"},
        {"days": -5},
    ],
)
def test_invalid_project_data_changes_nothing(operator, village, change):
    call = lambda: services.project_create(  # noqa: E731
        actor=operator, village_code=village.code, data=project_data(village, **change)
    )
    assert_refused_unchanged(call, snapshot=_snapshot)


def test_location_tolerance_at_the_village_boundary(operator, village, settings):
    from shapely.geometry import Point

    from smartkampung.regions.geo import distance_to_geometry_m, parse_geojson_geometry

    boundary = parse_geojson_geometry(village.boundary)
    # Walk out of the village eastwards from its inside point until 100 m / 600 m outside.
    lat, lng = project_data(village).geometry.lat, project_data(village).geometry.lng

    def outside_by(metres: float) -> tuple[float, float]:
        step = 0
        while True:
            step += 25
            p_lat, p_lng = offset(lat, lng, east_m=step)
            if (
                not boundary.contains(Point(p_lng, p_lat))
                and distance_to_geometry_m(boundary, p_lat, p_lng) >= metres
            ):
                return p_lat, p_lng

    near = outside_by(100)
    far = outside_by(600)
    point = '{"type":"Point","coordinates":[%f,%f]}'
    services.project_create(
        actor=operator,
        village_code=village.code,
        data=project_data(village, geojson=point % (near[1], near[0])),
    )
    with pytest.raises(Exception) as info:
        services.project_create(
            actor=operator,
            village_code=village.code,
            data=project_data(village, geojson=point % (far[1], far[0])),
        )
    assert getattr(info.value, "code", "") == "outside_village"


def test_k_ring_covers_the_search_distance():
    """Every point within D of a geometry lies in the searched cells (random points)."""
    import random

    rng = random.Random(4)
    for _ in range(200):
        lat, lng = -8.3 + rng.uniform(-0.3, 0.3), 114.2 + rng.uniform(-0.3, 0.3)
        d = rng.choice([50, 150, 400])
        here = parse_geometry(lat=lat, lng=lng)
        searched = search_cells(here.geom, d)
        bearing = rng.uniform(0, 6.283)
        import math

        there_lat, there_lng = offset(
            lat, lng, north_m=d * 0.999 * math.cos(bearing), east_m=d * 0.999 * math.sin(bearing)
        )
        there = parse_geometry(lat=there_lat, lng=there_lng)
        assert cells_of(there.geom) <= searched
    assert rings_for(150) >= 1


def test_report_date_in_future_refused(operator, village):
    project = services.project_create(
        actor=operator, village_code=village.code, data=project_data(village)
    )
    call = lambda: services.report_create(  # noqa: E731
        actor=operator, project=project, stage=0, reported_on=date(2999, 1, 1)
    )
    assert_refused_unchanged(call, snapshot=_snapshot)

"""The same record sent at once from several connections (a phone retrying while its first
send is still running) makes one report. Transactional, so in a file of its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.field.models import FieldRecord
from smartkampung.field.services import records
from smartkampung.projects import services as project_services
from smartkampung.projects.models import ProgressReport
from smartkampung.projects.tests.factories import project_data
from smartkampung.regions.models import Region

from .conftest import new_key, report_payload

WORKERS = 6


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel connections")
@pytest.mark.django_db(transaction=True)
def test_parallel_sends_of_one_key_make_one_report(regions_loaded: Any) -> None:
    operator = User.objects.create_user(username="op.sarongan", password="x-password-x")
    RoleAssignment.objects.create(
        user=operator, role=Role.VILLAGE_OPERATOR, scope_id="35.10.01.2001"
    )
    village = Region.objects.get(code="35.10.01.2001")
    project = project_services.project_create(
        actor=operator, village_code=village.code, data=project_data(village), screen=False
    )
    key = new_key()
    payload = report_payload(project, [])
    created: list[bool] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker() -> None:
        try:
            actor = User.objects.get(pk=operator.pk)
            start.wait()
            _, was_created = records.record_submit(
                actor=actor, key=key, kind="progress_report", payload=payload
            )
            created.append(was_created)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(created) == [False] * (WORKERS - 1) + [True]
    assert FieldRecord.objects.count() == 1
    assert ProgressReport.objects.filter(project=project).count() == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel connections")
@pytest.mark.django_db(transaction=True)
def test_parallel_sends_of_one_visit_make_one_visit(regions_loaded: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from smartkampung.health import services as health_services
    from smartkampung.health.models import GrowthVisit
    from smartkampung.population.codes import FamilyRole, MaritalStatus, Sex
    from smartkampung.population.testing import make_resident

    operator = User.objects.create_user(username="op.sarongan", password="x-password-x")
    RoleAssignment.objects.create(
        user=operator, role=Role.VILLAGE_OPERATOR, scope_id="35.10.01.2001"
    )
    village = Region.objects.get(code="35.10.01.2001")
    posyandu = health_services.posyandu_create(
        actor=operator, village=village, name="Melati", rw="002"
    )
    cadre = User.objects.create_user(username="kader.melati", password="x-password-x")
    RoleAssignment.objects.create(user=cadre, role=Role.POSYANDU_CADRE, scope_id=village.code)
    health_services.cadre_assign(actor=operator, posyandu=posyandu, user=cadre)
    child = make_resident(
        actor=operator,
        village=village,
        birth_date=timezone.localdate() - timedelta(days=400),
        sex=Sex.FEMALE,
        full_name="Ayu Lestari",
        family_role=FamilyRole.CHILD,
        marital_status=MaritalStatus.NOT_MARRIED,
        rw="002",
    )
    key = new_key()
    payload = {
        "posyandu": posyandu.pk,
        "child": child.pk,
        "visit_date": timezone.localdate().isoformat(),
        "weight_kg": 9.1,
    }
    created: list[bool] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker() -> None:
        try:
            actor = User.objects.get(pk=cadre.pk)
            start.wait()
            _, was_created = records.record_submit(
                actor=actor, key=key, kind="posyandu_visit", payload=payload
            )
            created.append(was_created)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(created) == [False] * (WORKERS - 1) + [True]
    assert FieldRecord.objects.count() == 1
    assert GrowthVisit.objects.filter(child=child).count() == 1

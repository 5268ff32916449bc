"""The register's inbox sections: refused imports of the last 30 days, residents in no
household; scoped to the village, one query each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, User
from smartkampung.population.inbox import inbox_sections
from smartkampung.population.models import ImportJob, Resident
from smartkampung.population.testing import make_resident

pytestmark = pytest.mark.django_db


def _sections(user: User) -> dict[str, Any]:
    return {s.key: s for s in inbox_sections(User.objects.get(pk=user.pk))}


def test_operator_sees_refused_imports_and_residents_without_family_card(
    operator: User, village: Any, other_village: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    resident = make_resident(actor=operator, village=village, full_name="Tanpa Kaka")
    Resident.objects.filter(pk=resident.pk).update(household=None)
    ImportJob.objects.create(
        village=village, created_by=operator, file_name="a.csv", state="failed", error_count=3
    )
    old = ImportJob.objects.create(
        village=village, created_by=operator, file_name="old.csv", state="failed"
    )
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    ImportJob.objects.create(village=village, created_by=operator, file_name="ok.csv", state="done")
    ImportJob.objects.create(
        village=other_village, created_by=None, file_name="b.csv", state="failed"
    )

    sections = _sections(operator)
    imports = sections["population.failed_imports"]
    assert imports.count == 1 and imports.items[0].label == "a.csv"
    assert imports.items[0].note == "3 errors"
    incomplete = sections["population.incomplete"]
    assert (
        incomplete.count
        == Resident.objects.filter(village=village, household__isnull=True, status="alive").count()
        == 1
    )
    assert incomplete.items[0].url == f"/population/residents/{resident.pk}/edit/"
    user = User.objects.get(pk=operator.pk)
    with django_assert_num_queries(4):  # grants, transfers, imports, residents
        inbox_sections(user)
    # Another village's operator sees neither; a treasurer has no register work.
    other = make_user(roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    assert _sections(other)["population.failed_imports"].items[0].label == "b.csv"
    assert _sections(other)["population.incomplete"].count == 0
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, village.code)])
    assert _sections(treasurer) == {}


def test_receiving_operator_sees_transfers_waiting_for_them(
    operator: User, village: Any, neighbour_village: Any, make_user: Any
) -> None:
    from datetime import date

    from smartkampung.population import services
    from smartkampung.population.testing import make_kk

    resident = make_resident(actor=operator, village=village)
    request = services.resident_transfer(
        actor=operator,
        resident=resident,
        to_village=neighbour_village,
        occurred_on=date(2025, 6, 1),
        kk_number=make_kk(),
        rt="1",
        rw="1",
    )
    receiving = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    section = _sections(receiving)["population.transfers_incoming"]
    assert section.count == 1
    assert section.items[0].label == resident.full_name
    assert section.items[0].url.endswith(f"#transfer-{request.pk}")
    # The origin asked: nothing for it to decide.
    assert _sections(operator)["population.transfers_incoming"].count == 0
    services.transfer_refuse(actor=receiving, transfer=request, note="Tidak dikenal")
    assert _sections(receiving)["population.transfers_incoming"].count == 0

"""Reads: devices a user sees, records of their own, the device's facts about photos."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, User
from smartkampung.core.exceptions import NotFound
from smartkampung.field import selectors
from smartkampung.field.services import devices, photos, records
from smartkampung.projects.models import Project

from .conftest import new_key, photo_bytes, report_payload

pytestmark = pytest.mark.django_db


def test_devices_seen_by_owner_and_village_head_only(
    operator: User, head: User, camat: User, make_user: Any, other_village: Any
) -> None:
    mine, _ = devices.device_session_create(actor=operator, name="HP operator")
    camats, _ = devices.device_session_create(actor=camat, name="HP camat")
    elsewhere = make_user("op.sukorejo", roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    devices.device_session_create(actor=elsewhere, name="HP Sukorejo")
    assert [d.pk for d in selectors.device_list(actor=operator)] == [mine.pk]
    assert [d.pk for d in selectors.device_list(actor=head)] == [mine.pk]
    assert [d.pk for d in selectors.device_list(actor=camat)] == [camats.pk]


def test_a_record_is_seen_by_its_sender_only(
    operator: User, project: Project, make_user: Any
) -> None:
    key = new_key()
    records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=report_payload(project, [])
    )
    assert selectors.record_get(actor=operator, key=key).key == key
    colleague = make_user("op2", roles=[(Role.VILLAGE_OPERATOR, project.village_id)])
    with pytest.raises(NotFound):
        selectors.record_get(actor=colleague, key=key)


def test_the_devices_facts_of_a_stored_photo(operator: User, project: Project) -> None:
    data = photo_bytes(project)
    key = new_key()
    sent = timezone.now() - timedelta(minutes=1)
    records.record_submit(
        actor=operator,
        key=key,
        kind="progress_report",
        payload=report_payload(project, [data]),
        sent_at=sent,
    )
    photo, _ = photos.photo_upload_open(actor=operator, key=key, index=0)
    assert photo.upload_id is not None
    photos.photo_chunk_append(actor=operator, upload_id=photo.upload_id, offset=0, chunk=data)
    stored = photos.photo_upload_complete(actor=operator, key=key, index=0)
    assert stored.photo_id is not None
    facts = selectors.photo_device_facts(photo_ids=[stored.photo_id])[stored.photo_id]
    assert facts["sent_at"] == sent
    assert facts["photo_captured_at"].isoformat().startswith("2026-11-30T01:14:00")
    assert facts["device_accuracy_m"] == 8.5
    assert facts["received_at"] >= sent

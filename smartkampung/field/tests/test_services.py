"""Records with idempotency keys, conflicts, photos checked against the device's SHA-256,
device sessions."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, User
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import (
    Conflict,
    NotFound,
    PermissionDenied,
    TooLarge,
    ValidationFailed,
)
from smartkampung.field.exceptions import RecordConflict
from smartkampung.field.models import DeviceSession, FieldPhoto, FieldRecord
from smartkampung.field.services import devices, photos, records
from smartkampung.projects import services as project_services
from smartkampung.projects.models import PhotoUpload, ProgressPhoto, ProgressReport, Project

from .conftest import new_key, photo_bytes, report_payload, sha

pytestmark = pytest.mark.django_db


def _rows() -> list[Any]:
    return snapshot_rows(FieldRecord, FieldPhoto, ProgressReport, ProgressPhoto, AuditEvent)


def _send_photo(actor: User, key: uuid.UUID, index: int, data: bytes, chunk: int = 40_000) -> Any:
    photo, offset = photos.photo_upload_open(actor=actor, key=key, index=index)
    assert photo.upload_id is not None
    while offset < len(data):
        offset = photos.photo_chunk_append(
            actor=actor,
            upload_id=photo.upload_id,
            offset=offset,
            chunk=data[offset : offset + chunk],
        )
    return photos.photo_upload_complete(actor=actor, key=key, index=index)


# --- records: idempotency ----------------------------------------------------------------------


def test_a_record_makes_one_report_and_a_resend_answers_with_it(
    operator: User, project: Project
) -> None:
    key = new_key()
    payload = report_payload(project, [photo_bytes(project)])
    record, created = records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=payload
    )
    assert created
    again, created_again = records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=payload
    )
    assert not created_again and again.pk == record.pk
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert FieldRecord.objects.count() == 1
    assert record.report is not None and record.report.stage == 0
    assert AuditEvent.objects.filter(action="field.record_accept").count() == 1


def test_the_devices_facts_are_kept_with_the_record(operator: User, project: Project) -> None:
    sent = timezone.now() - timedelta(minutes=3)
    record, _ = records.record_submit(
        actor=operator,
        key=new_key(),
        kind="progress_report",
        payload=report_payload(project, []),
        sent_at=sent,
    )
    record.refresh_from_db()
    assert record.captured_at is not None
    assert record.captured_at.isoformat().startswith("2026-11-30T01:15:00")
    assert (record.device_lat, record.device_lng, record.device_accuracy_m) == (
        project.lat,
        project.lng,
        8.5,
    )
    assert record.sent_at == sent
    assert record.received_at >= sent


def test_the_same_key_with_another_payload_is_refused(operator: User, project: Project) -> None:
    key = new_key()
    records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=report_payload(project, [])
    )
    other = report_payload(project, [], stage=50)
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator, key=key, kind="progress_report", payload=other
        ),
        snapshot=_rows,
    )
    assert isinstance(error, Conflict) and error.code == "idempotency_key_reused"


def test_keys_are_per_user(operator: User, project: Project, make_user: Any) -> None:
    """Another user's record with the same key is another record (no leak of the first)."""
    colleague = make_user("op2", roles=[(Role.VILLAGE_OPERATOR, project.village_id)])
    key = new_key()
    records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=report_payload(project, [])
    )
    with pytest.raises(RecordConflict) as info:
        records.record_submit(
            actor=colleague, key=key, kind="progress_report", payload=report_payload(project, [])
        )
    assert info.value.code == "stage_already_reported"


@pytest.mark.parametrize(
    "change",
    [
        {"stage": "fifty"},
        {"project": -1},
        {"reported_on": "30/11/2026"},
        {"note": "x" * 2001},
        {"photos": [{"sha256": "ABC", "size": 10, "type": "image/jpeg"}]},
        {"photos": [{"sha256": "a" * 64, "size": 10, "type": "text/html"}]},
        {"location": {"lat": 91, "lng": 0}},
        {"unexpected": True},
    ],
)
def test_a_malformed_record_is_refused_and_changes_nothing(
    operator: User, project: Project, change: dict[str, Any]
) -> None:
    payload = {**report_payload(project, []), **change}
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator, key=new_key(), kind="progress_report", payload=payload
        ),
        snapshot=_rows,
    )
    assert isinstance(error, ValidationFailed) and error.code == "invalid_record"


def test_an_oversized_photo_is_refused_before_anything(
    operator: User, project: Project, settings: Any
) -> None:
    settings.SK_PROJECTS_MAX_PHOTO_BYTES = 1000
    payload = report_payload(project, [photo_bytes(project)])
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator, key=new_key(), kind="progress_report", payload=payload
        ),
        snapshot=_rows,
    )
    assert isinstance(error, TooLarge)


def test_an_unknown_kind_is_refused(operator: User, project: Project) -> None:
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator, key=new_key(), kind="pregnancy_visit", payload={}
        ),
        snapshot=_rows,
    )
    assert isinstance(error, ValidationFailed) and error.code == "unknown_record_kind"


@permission_matrix(allowed={"staff_with_role"})
def test_who_may_send_a_progress_record(
    actor_kind: str, allowed: bool, matrix_actor: Any, village: Any, project: Project
) -> None:
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_HEAD
    )
    payload = report_payload(project, [])
    call = lambda: records.record_submit(  # noqa: E731
        actor=actor, key=new_key(), kind="progress_report", payload=payload
    )
    if allowed:
        record, created = call()
        assert created and record.report is not None
    else:
        error = assert_refused_unchanged(call, snapshot=_rows)
        assert isinstance(error, (PermissionDenied, NotFound, RecordConflict))


# --- conflicts ---------------------------------------------------------------------------------


def test_a_stage_reported_meanwhile_is_a_conflict_then_attaches(
    operator: User, project: Project
) -> None:
    project_services.report_create(
        actor=operator, project=project, stage=0, reported_on=timezone.localdate()
    )
    key = new_key()
    data = photo_bytes(project)
    payload = report_payload(project, [data])
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator, key=key, kind="progress_report", payload=payload
        ),
        snapshot=_rows,
    )
    assert isinstance(error, RecordConflict)
    assert error.code == "stage_already_reported"
    assert error.details["actions"] == ["attach", "discard"]
    # The user chooses to add the photos to the existing report.
    record, created = records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=payload, resolution="attach"
    )
    assert created and record.attached_to_existing
    _send_photo(operator, key, 0, data)
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert ProgressPhoto.objects.get().report_id == record.report_id


def test_a_project_completed_meanwhile_is_a_conflict(operator: User, project: Project) -> None:
    # Progress counts a stage only with its photo (projects derive it from photographed stages).
    project_services.report_submit(
        actor=operator,
        project=project,
        stage=100,
        reported_on=timezone.localdate(),
        photos=[project_services.PhotoIn(data=photo_bytes(project), filename="selesai.jpg")],
    )
    project.refresh_from_db()
    assert project.status == "completed"
    payload = report_payload(project, [], stage=50)
    key = new_key()
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator, key=key, kind="progress_report", payload=payload
        ),
        snapshot=_rows,
    )
    assert isinstance(error, RecordConflict) and error.code == "project_completed"
    assert error.details["actions"] == ["send_anyway", "discard"]
    record, _ = records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=payload, resolution="send_anyway"
    )
    assert record.report is not None and record.report.stage == 50


def test_a_project_out_of_reach_is_a_conflict(
    operator: User, project: Project, other_village: Any
) -> None:
    from smartkampung.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=operator).update(scope_id=other_village.code)
    operator = User.objects.get(pk=operator.pk)  # grants are cached per user object
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator,
            key=new_key(),
            kind="progress_report",
            payload=report_payload(project, []),
        ),
        snapshot=_rows,
    )
    assert isinstance(error, RecordConflict) and error.code == "project_unavailable"


def test_an_unknown_resolution_is_refused(operator: User, project: Project) -> None:
    with pytest.raises(ValidationFailed):
        records.record_submit(
            actor=operator,
            key=new_key(),
            kind="progress_report",
            payload=report_payload(project, []),
            resolution="overwrite",
        )


# --- photos ------------------------------------------------------------------------------------


def test_a_photo_uploads_in_chunks_resumes_and_is_stored_once_with_its_exif(
    operator: User, project: Project
) -> None:
    data = photo_bytes(project)
    key = new_key()
    records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=report_payload(project, [data])
    )
    photo, _offset = photos.photo_upload_open(actor=operator, key=key, index=0)
    assert photo.upload_id is not None
    photos.photo_chunk_append(
        actor=operator, upload_id=photo.upload_id, offset=0, chunk=data[:30_000]
    )
    # The connection drops; the device asks again where to continue: the same upload.
    again, resume_at = photos.photo_upload_open(actor=operator, key=key, index=0)
    assert (again.upload_id, resume_at) == (photo.upload_id, 30_000)
    photos.photo_chunk_append(
        actor=operator, upload_id=photo.upload_id, offset=resume_at, chunk=data[resume_at:]
    )
    done = photos.photo_upload_complete(actor=operator, key=key, index=0)
    stored = ProgressPhoto.objects.get()
    assert done.photo_id == stored.pk
    assert stored.sha256 == sha(data)
    assert stored.exif_taken_at is not None and stored.exif_lat is not None  # EXIF kept
    assert stored.device_accuracy_m == 8.5  # the device's location reaches the red-flag rules
    # Completing again (a lost answer) stores nothing more.
    photos.photo_upload_complete(actor=operator, key=key, index=0)
    assert ProgressPhoto.objects.count() == 1
    assert PhotoUpload.objects.count() == 1


def test_a_photo_whose_bytes_differ_from_the_devices_hash_is_refused(
    operator: User, project: Project
) -> None:
    data = photo_bytes(project)
    key = new_key()
    records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=report_payload(project, [data])
    )
    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 0xFF
    with pytest.raises(ValidationFailed) as info:
        _send_photo(operator, key, 0, bytes(damaged))
    assert info.value.code == "sha256_mismatch"
    assert ProgressPhoto.objects.count() == 0
    # The device sends the right bytes again: a new upload from byte 0, one photo.
    _send_photo(operator, key, 0, data)
    assert ProgressPhoto.objects.get().sha256 == sha(data)


def test_a_non_image_with_the_announced_hash_is_refused_and_can_be_resent(
    operator: User, project: Project
) -> None:
    fake = b"<html><script>alert(1)</script></html>" * 10
    key = new_key()
    payload = report_payload(project, [fake])
    records.record_submit(actor=operator, key=key, kind="progress_report", payload=payload)
    with pytest.raises(ValidationFailed):
        _send_photo(operator, key, 0, fake)
    assert ProgressPhoto.objects.count() == 0
    assert FieldPhoto.objects.get().upload_id is None


def test_another_users_photo_upload_is_not_found(
    operator: User, project: Project, make_user: Any
) -> None:
    data = photo_bytes(project)
    key = new_key()
    records.record_submit(
        actor=operator, key=key, kind="progress_report", payload=report_payload(project, [data])
    )
    photo, _ = photos.photo_upload_open(actor=operator, key=key, index=0)
    colleague = make_user("op2", roles=[(Role.VILLAGE_OPERATOR, project.village_id)])
    with pytest.raises(NotFound):
        photos.photo_upload_open(actor=colleague, key=key, index=0)
    assert photo.upload_id is not None
    with pytest.raises(NotFound):
        photos.photo_chunk_append(actor=colleague, upload_id=photo.upload_id, offset=0, chunk=b"x")
    with pytest.raises(NotFound):
        photos.photo_upload_open(actor=operator, key=key, index=5)


# --- devices -----------------------------------------------------------------------------------


def test_a_device_session_authenticates_as_its_user_until_revoked(
    operator: User, head: User
) -> None:
    device, secret = devices.device_session_create(actor=operator, name="HP operator")
    found = devices.device_session_authenticate(secret)
    assert found is not None and found[0].pk == operator.pk
    assert DeviceSession.objects.get().key_hash != secret  # only the hash is stored
    devices.device_session_revoke(actor=head, device_id=device.pk)
    assert devices.device_session_authenticate(secret) is None
    events = list(
        AuditEvent.objects.filter(action__startswith="field.device")
        .order_by("seq")
        .values_list("action", "actor_label", "scope_code")
    )
    assert events == [
        ("field.device_connect", operator.username, operator.role_assignments.get().scope_id),
        ("field.device_revoke", head.username, operator.role_assignments.get().scope_id),
    ]


def test_an_expired_device_session_no_longer_authenticates(operator: User) -> None:
    device, secret = devices.device_session_create(actor=operator, name="HP")
    DeviceSession.objects.filter(pk=device.pk).update(expires_at=timezone.now())
    assert devices.device_session_authenticate(secret) is None
    assert devices.device_session_authenticate("skd_wrong") is None
    assert devices.device_session_authenticate("skt_not-a-device-token") is None


def test_a_device_of_a_deactivated_user_stops(operator: User) -> None:
    _, secret = devices.device_session_create(actor=operator, name="HP")
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert devices.device_session_authenticate(secret) is None


# A device belongs to a user, not a village: an operator of any village connects theirs.
@permission_matrix(allowed={"staff_with_role", "other_village_staff"})
def test_who_may_connect_a_device(
    actor_kind: str, allowed: bool, matrix_actor: Any, village: Any
) -> None:
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_TREASURER
    )
    call = lambda: devices.device_session_create(actor=actor, name="HP")  # noqa: E731
    if allowed:
        call()
        assert DeviceSession.objects.count() == 1
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(DeviceSession, AuditEvent))


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_device_needs_a_name(operator: User, name: str) -> None:
    assert_refused_unchanged(
        lambda: devices.device_session_create(actor=operator, name=name),
        snapshot=lambda: snapshot_rows(DeviceSession, AuditEvent),
    )


@permission_matrix(allowed={"staff_with_role"})
def test_who_may_revoke_an_operators_device(
    actor_kind: str, allowed: bool, matrix_actor: Any, village: Any, operator: User
) -> None:
    device, _ = devices.device_session_create(actor=operator, name="HP operator")
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
    call = lambda: devices.device_session_revoke(actor=actor, device_id=device.pk)  # noqa: E731
    if allowed:
        call()
        device.refresh_from_db()
        assert device.revoked_at is not None and device.revoked_by_id == actor.pk
    else:
        error = assert_refused_unchanged(
            call, snapshot=lambda: snapshot_rows(DeviceSession, AuditEvent)
        )
        assert isinstance(error, NotFound)


def test_the_owner_revokes_their_own_device(operator: User) -> None:
    device, secret = devices.device_session_create(actor=operator, name="HP")
    devices.device_session_revoke(actor=operator, device_id=device.pk)
    assert devices.device_session_authenticate(secret) is None

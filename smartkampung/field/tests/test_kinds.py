"""The counter letter request drafted offline, made through the letters app when sent."""

from __future__ import annotations

from typing import Any

import pytest

from smartkampung.accounts.models import Role, User
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.core.exceptions import ValidationFailed
from smartkampung.field.exceptions import RecordConflict
from smartkampung.field.kinds import handlers
from smartkampung.field.models import FieldRecord
from smartkampung.field.services import records
from smartkampung.letters.models import LetterRequest
from smartkampung.letters.services.catalogue import letter_types_install_defaults

from .conftest import new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(operator: User, village: Any) -> Any:
    from smartkampung.population.testing import make_resident

    letter_types_install_defaults(regency_code="35.10")
    return make_resident(actor=operator, village=village, full_name="Siti Aminah")


def _payload(resident: Any, **change: Any) -> dict[str, Any]:
    return {
        "type": "domisili",
        "nik": resident.nik,
        "values": {"alamat_domisili": "Dusun Krajan RT 1 RW 2", "keperluan": "Melamar kerja"},
        "captured_at": "2026-12-01T10:00:00+07:00",
        **change,
    }


def _rows() -> list[Any]:
    return snapshot_rows(FieldRecord, LetterRequest)


def test_a_counter_draft_becomes_one_request(operator: User, resident: Any) -> None:
    key = new_key()
    record, created = records.record_submit(
        actor=operator, key=key, kind="letter_request", payload=_payload(resident)
    )
    again, created_again = records.record_submit(
        actor=operator, key=key, kind="letter_request", payload=_payload(resident)
    )
    assert created and not created_again and again.pk == record.pk
    request = LetterRequest.objects.get()
    assert record.letter_request_id == request.pk
    assert request.channel == "counter" and request.status == "draft"
    assert request.resident_id == resident.pk
    assert request.values["keperluan"] == "Melamar kerja"
    result = handlers()["letter_request"].result(record)
    assert resident.nik not in str(result) and result["resident_nik_masked"].startswith("3510")


def test_a_draft_submitted_without_its_documents_is_refused(operator: User, resident: Any) -> None:
    # Domisili needs the KTP attached before it can be submitted: a counter draft is sent as a
    # draft and completed online, or refused with the letters app's reason if asked to submit.
    with pytest.raises(ValidationFailed):
        records.record_submit(
            actor=operator,
            key=new_key(),
            kind="letter_request",
            payload=_payload(resident, submit=True),
        )
    assert LetterRequest.objects.count() == 0


def test_an_unknown_nik_is_a_conflict_to_correct(operator: User, resident: Any) -> None:
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator,
            key=new_key(),
            kind="letter_request",
            payload=_payload(resident, nik="3510019999990001"),
        ),
        snapshot=_rows,
    )
    assert isinstance(error, RecordConflict) and error.code == "resident_not_found"
    assert error.details["actions"] == ["edit", "discard"]
    assert "3510019999990001" not in error.message  # masked


def test_a_resident_of_another_village_is_not_found(
    operator: User, resident: Any, make_user: Any, other_village: Any
) -> None:
    elsewhere = make_user("op.sukorejo", roles=[(Role.VILLAGE_OPERATOR, other_village.code)])
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=elsewhere, key=new_key(), kind="letter_request", payload=_payload(resident)
        ),
        snapshot=_rows,
    )
    assert isinstance(error, RecordConflict) and error.code == "resident_not_found"


def test_a_letter_type_withdrawn_meanwhile_is_a_conflict(operator: User, resident: Any) -> None:
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator,
            key=new_key(),
            kind="letter_request",
            payload=_payload(resident, type="no-such-type"),
        ),
        snapshot=_rows,
    )
    assert isinstance(error, RecordConflict) and error.code == "letter_type_unavailable"


@pytest.mark.parametrize(
    "change",
    [{"nik": "12345"}, {"values": {"keperluan": "x" * 2001}}, {"values": "text"}, {"type": ""}],
)
def test_a_malformed_draft_is_refused(operator: User, resident: Any, change: Any) -> None:
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator,
            key=new_key(),
            kind="letter_request",
            payload=_payload(resident, **change),
        ),
        snapshot=_rows,
    )
    assert isinstance(error, ValidationFailed)


def test_fields_the_letter_type_refuses_are_refused(operator: User, resident: Any) -> None:
    error = assert_refused_unchanged(
        lambda: records.record_submit(
            actor=operator,
            key=new_key(),
            kind="letter_request",
            payload=_payload(resident, values={"keperluan": ""}),
        ),
        snapshot=_rows,
    )
    assert isinstance(error, ValidationFailed) and error.details

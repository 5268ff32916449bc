"""The catalogue: shipped types, officers' line format, validation, permission matrix."""

from __future__ import annotations

import dataclasses

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.letters.defaults import DEFAULT_TYPES
from smartkampung.letters.exceptions import LetterInvalid
from smartkampung.letters.models import FieldSpec, LetterType
from smartkampung.letters.services import catalogue as services

pytestmark = pytest.mark.django_db


def _input(**overrides) -> services.LetterTypeInput:
    base = services.LetterTypeInput(
        code="keramaian",
        title="Surat Izin Keramaian",
        description="",
        number_code="301",
        number_format="[code]/[number]/[village code]/[month roman]/[year]",
        fields=services.parse_field_lines("acara | Nama acara | text | required"),
        documents=services.parse_document_lines("ktp | Foto KTP-el | required"),
        verifier_roles=["village_operator"],
        approver_roles=["village_head"],
        validity_days=14,
        target_minutes=60,
        body="Yang bertanda tangan {position} memberi izin untuk {acara}.\n\n{identity}",
    )
    return dataclasses.replace(base, **overrides)


def test_the_eight_types_are_shipped(letter_types) -> None:
    codes = set(LetterType.objects.filter(regency_id="35.10").values_list("code", flat=True))
    assert codes >= {
        "spm",
        "domisili",
        "usaha",
        "pengantar-ktp-kk",
        "kelahiran",
        "kematian",
        "pengantar-skck",
        "pindah",
    }
    assert len(DEFAULT_TYPES) == 8
    assert LetterType.objects.get(regency_id="35.10", code="spm").target_minutes == 30


def test_shipped_types_pass_the_officers_validation(letter_types) -> None:
    for letter_type in LetterType.objects.filter(regency_id="35.10"):
        data = services.LetterTypeInput(
            code=letter_type.code,
            title=letter_type.title,
            description=letter_type.description,
            number_code=letter_type.number_code,
            number_format=letter_type.number_format,
            fields=services.parse_field_lines(services.field_lines(letter_type.field_specs)),
            documents=services.parse_document_lines(
                services.document_lines(letter_type.document_specs)
            ),
            verifier_roles=letter_type.verifier_roles,
            approver_roles=letter_type.approver_roles,
            validity_days=letter_type.validity_days,
            target_minutes=letter_type.target_minutes,
            body=letter_type.body,
        )
        services._validate(data, regency_code="35.10", instance_pk=letter_type.pk)
        assert data.fields == letter_type.field_specs


def test_installing_defaults_again_changes_nothing(letter_types) -> None:
    before = snapshot_rows(LetterType)
    assert services.letter_types_install_defaults(regency_code="35.10") == 0
    assert snapshot_rows(LetterType) == before


def test_field_lines_round_trip() -> None:
    text = (
        "keperluan | Keperluan | choice: a; b | required\n"
        "alamat | Alamat | textarea | optional | address\n"
        "# a comment\n\n"
        "tahun | Tahun | number"
    )
    specs = services.parse_field_lines(text)
    assert specs == [
        FieldSpec("keperluan", "Keperluan", "choice", True, "", ("a", "b")),
        FieldSpec("alamat", "Alamat", "textarea", False, "address"),
        FieldSpec("tahun", "Tahun", "number", True),
    ]
    assert services.parse_field_lines(services.field_lines(specs)) == specs


@pytest.mark.parametrize(
    "text",
    [
        "Key With Space | Label",
        "name | Shadows a built-in placeholder",
        "a | A\na | A again",
        "a | A | colour",
        "a | A | choice: only-one",
        "a | A | text | maybe",
        "a | A | text | required | salary",
        "a",
        "a | " + "x" * 101,
    ],
)
def test_bad_field_lines_are_refused(text: str) -> None:
    with pytest.raises(LetterInvalid):
        services.parse_field_lines(text)


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": "Tempat {unknown} ini."},
        {"body": "Data: {identity} dan lain-lain."},
        {"number_format": "[code]/[number]"},
        {"number_code": "460"},  # SPM's code: per-type numbers would repeat
        {"verifier_roles": ["regency_officer"]},
        {"approver_roles": []},
        {"validity_days": 0},
        {"target_minutes": 0},
        {"title": "  "},
        {"code": "Bad Code"},
    ],
)
def test_invalid_types_are_refused_and_nothing_changes(
    letter_types, regency_officer, overrides
) -> None:
    assert_refused_unchanged(
        lambda: services.letter_type_create(
            actor=regency_officer, regency_code="35.10", data=_input(**overrides)
        ),
        snapshot=lambda: snapshot_rows(LetterType, AuditEvent),
    )


def test_same_number_code_is_fine_with_type_in_format(letter_types, regency_officer) -> None:
    data = _input(number_code="460", number_format="[code]/[type]/[number]/[year]")
    assert services.letter_type_create(actor=regency_officer, regency_code="35.10", data=data).pk


@permission_matrix(allowed={"staff_with_role"})
def test_create_permission_matrix(actor_kind, allowed, matrix_actor, village, letter_types):
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)
    call = lambda: services.letter_type_create(  # noqa: E731
        actor=actor, regency_code="35.10", data=_input()
    )
    if allowed:
        created = call()
        assert AuditEvent.objects.filter(action="letters.type_create").exists()
        assert created.field_specs[0].key == "acara"
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(LetterType, AuditEvent))


@permission_matrix(allowed={"staff_with_role"})
def test_update_permission_matrix(actor_kind, allowed, matrix_actor, village, letter_types):
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    data = services.LetterTypeInput(
        code="spm",
        title="Surat Pernyataan Miskin (baru)",
        description="",
        number_code=spm.number_code,
        number_format=spm.number_format,
        fields=spm.field_specs,
        documents=spm.document_specs,
        verifier_roles=spm.verifier_roles,
        approver_roles=spm.approver_roles,
        validity_days=60,
        target_minutes=30,
        body=spm.body,
    )
    call = lambda: services.letter_type_update(  # noqa: E731
        actor=actor, letter_type_id=spm.pk, data=data
    )
    if allowed:
        assert call().validity_days == 60
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(LetterType, AuditEvent))


def test_code_cannot_change(letter_types, regency_officer) -> None:
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    assert_refused_unchanged(
        lambda: services.letter_type_update(
            actor=regency_officer,
            letter_type_id=spm.pk,
            data=_input(code="spm2", number_code="999"),
        ),
        snapshot=lambda: snapshot_rows(LetterType),
    )


def test_each_regency_keeps_its_own_catalogue(letter_types, make_user) -> None:
    from smartkampung.accounts.testing import _village_of_another_regency
    from smartkampung.letters import selectors

    _village_of_another_regency()
    other_officer = make_user("pmd.lain", roles=[(Role.REGENCY_OFFICER, "99.01")])
    assert selectors.letter_type_list(regency_code="99.01").count() == 8  # defaults on first use
    spm_lain = selectors.letter_type_get(regency_code="99.01", code="spm")
    spm_here = selectors.letter_type_get(regency_code="35.10", code="spm")
    assert spm_lain.pk != spm_here.pk
    assert_refused_unchanged(
        lambda: services.letter_type_update(
            actor=other_officer, letter_type_id=spm_here.pk, data=_input(code="spm")
        ),
        snapshot=lambda: snapshot_rows(LetterType),
    )


# --- labels in both languages (ADR 0115) -------------------------------------------------------


def test_every_default_field_and_document_has_an_english_label() -> None:
    for spec in DEFAULT_TYPES:
        for item in [*spec["fields"], *spec["documents"]]:
            assert item.get("label_en"), (spec["code"], item["key"])


def test_labels_follow_the_interface_language(letter_types) -> None:
    from django.utils import translation

    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    (purpose,) = [s for s in spm.field_specs if s.key == "keperluan"]
    with translation.override("en"):
        assert purpose.display_label == "Purpose"
    with translation.override("id"):
        assert purpose.display_label == "Keperluan"


def test_the_request_form_is_in_english_in_english_mode(letter_types) -> None:
    from django.utils import translation

    from smartkampung.letters.forms import LetterRequestForm

    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    with translation.override("en"):
        english = {str(f.label) for f in LetterRequestForm(letter_type=spm).fields.values()}
    with translation.override("id"):
        indonesian = {str(f.label) for f in LetterRequestForm(letter_type=spm).fields.values()}
    assert {"Purpose", "Family income per month", "Photo of the house"} <= english
    assert {"Keperluan", "Penghasilan keluarga per bulan", "Foto rumah"} <= indonesian


def test_the_editor_keeps_both_labels() -> None:
    specs = services.parse_field_lines("keperluan | Keperluan // Purpose | text | required")
    assert specs[0].label == "Keperluan" and specs[0].label_en == "Purpose"
    assert "Keperluan // Purpose" in services.field_lines(specs)
    assert services.parse_field_lines(services.field_lines(specs)) == specs
    docs = services.parse_document_lines("ktp | Foto KTP-el // Photo of the ID card | required")
    assert docs[0].label_en == "Photo of the ID card"
    assert services.parse_document_lines(services.document_lines(docs)) == docs


def test_the_letter_prints_the_indonesian_label(issued_letter) -> None:
    rows = [r for b in issued_letter.content["blocks"] for r in b.get("rows", [])]
    assert all("Purpose" not in str(r) for r in rows)

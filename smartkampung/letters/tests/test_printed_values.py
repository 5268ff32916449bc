"""What the citizen entered is printed where the letter type's body places it (ADR 0117): read
back from the signed PDF's text, for every shipped type from the composed words, and a type
whose body would drop a field cannot be saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from smartkampung.accounts.testing import snapshot_rows
from smartkampung.letters.composition import Letterhead, compose_blocks
from smartkampung.letters.defaults import DEFAULT_TYPES
from smartkampung.letters.exceptions import LetterInvalid
from smartkampung.letters.models import FieldSpec, Letter, LetterType
from smartkampung.letters.services import catalogue
from smartkampung.letters.services import requests as services

from .conftest import SUBJECT, jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _pdf_text(letter: Letter, tmp_path: Path) -> str:
    path = tmp_path / f"letter-{letter.pk}.pdf"
    with letter.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    )
    return result.stdout


def test_the_spm_prints_dependents_income_and_purpose(citizen, operator, head, spm, tmp_path):
    request = services.letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={
            "keperluan": "keringanan biaya pendidikan",
            "jumlah_tanggungan": "4",
            "penghasilan": "Rp 750.000",
        },
        uploads=[
            services.Upload("ktp", "ktp.jpg", jpeg_bytes()),
            services.Upload("kk", "kk.pdf", pdf_bytes()),
        ],
        submit=True,
    )
    services.letter_request_check(actor=operator, request_id=request.pk)
    letter = services.letter_request_approve(actor=head, request_id=request.pk).letter
    text = _pdf_text(letter, tmp_path)
    assert re.search(r"Jumlah tanggungan keluarga\s*:\s*4\b", text), text
    assert re.search(r"Penghasilan keluarga per bulan\s*:\s*Rp 750\.000", text), text
    # the purpose where the body names it ("untuk keperluan …"), once, not again in the table
    assert re.search(r"untuk\s+keperluan\s+keringanan\s+biaya\s+pendidikan", text), text
    assert text.count("keringanan biaya pendidikan") == 1
    assert "{" not in text


def test_optional_fields_left_empty_leave_no_empty_rows(citizen, operator, head, spm, tmp_path):
    request = services.letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[
            services.Upload("ktp", "ktp.jpg", jpeg_bytes()),
            services.Upload("kk", "kk.pdf", pdf_bytes()),
        ],
        submit=True,
    )
    services.letter_request_check(actor=operator, request_id=request.pk)
    text = _pdf_text(
        services.letter_request_approve(actor=head, request_id=request.pk).letter, tmp_path
    )
    assert "pelayanan kesehatan gratis" in text
    assert "Jumlah tanggungan" not in text and "Penghasilan" not in text


def _sample(spec: FieldSpec, n: int) -> str:
    if spec.kind == "choice":
        return spec.choices[0]
    if spec.kind == "number":
        return str(900 + n)
    if spec.kind == "date":
        return f"{10 + n} Maret 2026"
    return f"isian-{spec.key}-{n}"


@pytest.mark.parametrize("spec", DEFAULT_TYPES, ids=[t["code"] for t in DEFAULT_TYPES])
def test_every_field_of_every_shipped_type_is_printed_once(spec):
    field_specs = [FieldSpec.from_dict(f) for f in spec["fields"]]
    values = {f.key: _sample(f, n) for n, f in enumerate(field_specs)}
    blocks = compose_blocks(
        body=spec["body"],
        subject=SUBJECT,
        field_specs=field_specs,
        values=values,
        head=Letterhead("Kabupaten Banyuwangi", "Pesanggaran", "Sarongan", "Desa"),
        position="Kepala Desa Sarongan",
        day=dt.date(2026, 12, 4),
    )
    words = "\n".join(
        [b.text for b in blocks if b.kind == "para"]
        + [f"{label}: {value}" for b in blocks if b.kind == "table" for label, value in b.rows]
    )
    for field in field_specs:
        assert words.count(values[field.key]) == 1, (field.key, words)


def test_a_body_that_would_drop_a_field_is_refused(regency_officer, letter_types):
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    data = catalogue.LetterTypeInput(
        code=spm.code,
        title=spm.title,
        description=spm.description,
        number_code=spm.number_code,
        number_format=spm.number_format,
        fields=spm.field_specs,
        documents=spm.document_specs,
        verifier_roles=spm.verifier_roles,
        approver_roles=spm.approver_roles,
        validity_days=spm.validity_days,
        target_minutes=spm.target_minutes,
        body=spm.body.replace("\n\n{fields}", ""),
    )
    before = snapshot_rows(LetterType)
    with pytest.raises(LetterInvalid) as caught:
        catalogue.letter_type_update(actor=regency_officer, letter_type_id=spm.pk, data=data)
    assert caught.value.details == {"unprinted": ["jumlah_tanggungan", "penghasilan"]}
    assert snapshot_rows(LetterType) == before
    # naming them in the text is as good as the table
    named = dataclasses.replace(
        data,
        body=data.body.replace(
            "tidak mampu.",
            "tidak mampu, dengan {jumlah_tanggungan} tanggungan dan penghasilan {penghasilan}.",
        ),
    )
    catalogue.letter_type_update(actor=regency_officer, letter_type_id=spm.pk, data=named)
    assert "{jumlah_tanggungan}" in LetterType.objects.get(pk=spm.pk).body


def test_the_migration_moves_default_bodies_and_leaves_rewritten_ones(letter_types):
    migration = importlib.import_module(
        "smartkampung.letters.migrations.0005_default_bodies_print_every_field"
    )
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    domisili = LetterType.objects.get(regency_id="35.10", code="domisili")
    spm.body = migration.OLD_BODIES["spm"]
    spm.save(update_fields=["body"])
    domisili.body = "Teks sendiri kabupaten: {identity}"
    domisili.save(update_fields=["body"])
    migration.print_every_field(django_apps, None)
    assert LetterType.objects.get(pk=spm.pk).body == migration.NEW_BODIES["spm"]
    assert (
        migration.NEW_BODIES["spm"] == next(t for t in DEFAULT_TYPES if t["code"] == "spm")["body"]
    )
    assert LetterType.objects.get(pk=domisili.pk).body == "Teks sendiri kabupaten: {identity}"

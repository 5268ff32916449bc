"""The DTKS/DTSEN import: checked first, matched by KK and NIK, versions, idempotent."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.population import services as population
from smartkampung.population.models import ResidentViewLog
from smartkampung.welfare import selectors, services
from smartkampung.welfare.models import RegisterEntry, RegisterImport

from .conftest import PESANGGARAN, SARONGAN, family_rows, register_csv

pytestmark = pytest.mark.django_db


def _unchanged() -> list[Any]:
    return snapshot_rows(RegisterEntry, RegisterImport, AuditEvent)


def test_import_writes_one_version_per_matched_household(make_family, social) -> None:
    a, b = make_family(children=[date(2015, 1, 1)]), make_family()
    rows = family_rows(a, decile=2, dtks="DT-1", flags="PKH;BPNT") + family_rows(
        b, decile=7, dtks="DT-2"
    )
    record = services.register_import(actor=social, data=register_csv(rows), as_of=date(2026, 1, 1))
    assert (record.row_count, record.household_count, record.new_versions) == (3, 2, 2)
    entry = RegisterEntry.objects.get(household_id=a["household_id"])
    assert (entry.decile, entry.flags, entry.member_count, entry.dtks_id) == (
        2,
        ["BPNT", "PKH"],
        2,
        "DT-1",
    )
    assert entry.valid_from == date(2026, 1, 1) and entry.valid_to is None
    assert record.report_json == []
    event = AuditEvent.objects.get(action="welfare.register_import")
    assert a["kk"] not in event.data_json and a["head"].nik not in event.data_json


def test_reimporting_the_same_file_changes_nothing(make_family, social) -> None:
    family = make_family()
    data = register_csv(family_rows(family, decile=3, dtks="DT-1"))
    first = services.register_import(actor=social, data=data, as_of=date(2026, 1, 1))
    before = _unchanged()
    again = services.register_import(actor=social, data=data, as_of=date(2026, 1, 1))
    assert again.pk == first.pk and _unchanged() == before
    # A new file date with the same content: no new version either.
    later = services.register_import(actor=social, data=data, as_of=date(2026, 2, 1))
    assert (later.new_versions, later.unchanged) == (0, 1)
    assert RegisterEntry.objects.filter(household_id=family["household_id"]).count() == 1


def test_a_changed_decile_keeps_the_old_version_and_what_was_true_on_a_date(
    make_family, social, operator
) -> None:
    family = make_family()
    services.register_import(
        actor=social,
        data=register_csv(family_rows(family, decile=3, dtks="DT-1")),
        as_of=date(2026, 1, 1),
    )
    services.register_import(
        actor=social,
        data=register_csv(family_rows(family, decile=6, dtks="DT-1")),
        as_of=date(2026, 4, 1),
    )
    versions = list(
        RegisterEntry.objects.filter(household_id=family["household_id"]).order_by("valid_from")
    )
    assert [(v.decile, v.valid_from, v.valid_to) for v in versions] == [
        (3, date(2026, 1, 1), date(2026, 4, 1)),
        (6, date(2026, 4, 1), None),
    ]
    on_march = selectors.register_list(actor=operator, village_code=SARONGAN, day=date(2026, 3, 15))
    assert [e.decile for e in on_march] == [3]
    assert [e.decile for e in selectors.register_list(actor=operator, village_code=SARONGAN)] == [6]


def test_the_report_names_unmatched_dead_moved_out_and_other_village_rows(
    make_family, social, register_admin
) -> None:
    alive = make_family(children=[date(2010, 5, 5), date(2012, 6, 6)])
    dead, moved = alive["members"][1], alive["members"][2]
    population.death_record(actor=register_admin, resident=dead, occurred_on=date(2025, 12, 1))
    population.move_out_record(actor=register_admin, resident=moved, occurred_on=date(2025, 12, 2))
    elsewhere = make_family(PESANGGARAN)
    rows = family_rows(alive, decile=1, dtks="DT-1")
    rows += family_rows(elsewhere, decile=2, dtks="DT-2", village=SARONGAN)
    rows.append(
        {
            "household_id": "DT-3",
            "kk_number": "3510010101990009",
            "nik": "3510010101990009",
            "name": "Tidak Dikenal",
            "birth_date": "1990-01-01",
            "decile": 1,
            "village_code": SARONGAN,
        }
    )
    record = services.register_import(actor=social, data=register_csv(rows))
    kinds = {(line["row"], line["kind"]) for line in record.report_json}
    assert kinds == {(3, "dead"), (4, "moved_out"), (5, "other_village"), (6, "unmatched")}
    # The household in another village is stored with its real village; the unknown one is not.
    assert (
        RegisterEntry.objects.get(household_id=elsewhere["household_id"]).village_id == PESANGGARAN
    )
    assert RegisterEntry.objects.count() == 2
    assert RegisterEntry.objects.get(household_id=alive["household_id"]).member_count == 1


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"decile": 0}, "decile", "1 to 10"),
        ({"decile": 11}, "decile", "1 to 10"),
        ({"decile": "x"}, "decile", "1 to 10"),
        ({"nik": "35100112345"}, "nik", "16 digits"),
        ({"kk_number": "12"}, "kk_number", "16 digits"),
        ({"birth_date": "31-02-1990"}, "birth_date", "date"),
        ({"village_code": "35.10.99.9999"}, "village_code", "village code"),
        ({"programmes": "PKH;<script>"}, "programmes", "codes"),
        ({"household_id": ""}, "household_id", "required"),
    ],
)
def test_a_bad_value_is_named_by_row_and_column_and_nothing_changes(
    make_family, social, change, column, fragment
) -> None:
    family = make_family()
    good = make_family()
    rows = family_rows(good, decile=2, dtks="DT-0") + family_rows(family, decile=3, dtks="DT-1")
    rows[1].update(change)
    exc = assert_refused_unchanged(
        lambda: services.register_import(actor=social, data=register_csv(rows)),
        snapshot=_unchanged,
    )
    assert exc.details[0]["row"] == 3 and exc.details[0]["column"] == column
    assert fragment in exc.details[0]["message"]


def test_duplicated_rows_and_inconsistent_households_are_refused(make_family, social) -> None:
    family = make_family(children=[date(2014, 2, 2)])
    rows = family_rows(family, decile=2, dtks="DT-1")
    duplicated = [*rows, dict(rows[0])]
    exc = assert_refused_unchanged(
        lambda: services.register_import(actor=social, data=register_csv(duplicated)),
        snapshot=_unchanged,
    )
    assert exc.details[0]["row"] == 4 and "duplicated" in exc.details[0]["message"]
    rows[1]["decile"] = 5
    exc = assert_refused_unchanged(
        lambda: services.register_import(actor=social, data=register_csv(rows)),
        snapshot=_unchanged,
    )
    assert (exc.details[0]["row"], exc.details[0]["column"]) == (3, "decile")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"nik,nama\n3510010101900001,Budi\n",
        b"household_id,kk_number,nik,name,birth_date,decile,village_code\n",
        b"PK\x03\x04 not really a zip",
    ],
    ids=["empty", "png", "wrong-header", "no-rows", "broken-zip"],
)
def test_a_malformed_file_is_refused_whole(social, data) -> None:
    assert_refused_unchanged(
        lambda: services.register_import(actor=social, data=data), snapshot=_unchanged
    )


def test_xlsx_with_indonesian_headers(make_family, social) -> None:
    family = make_family()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id_dtks", "no_kk", "nik", "nama", "tanggal_lahir", "desil", "kode_desa"])
    head = family["head"]
    sheet.append(["DT-9", family["kk"], head.nik, head.full_name, head.birth_date, 4, SARONGAN])
    out = io.BytesIO()
    book.save(out)
    record = services.register_import(actor=social, data=out.getvalue())
    assert record.household_count == 1
    assert RegisterEntry.objects.get(household_id=family["household_id"]).decile == 4


def test_only_the_social_office_imports(make_family, operator) -> None:
    family = make_family()
    data = register_csv(family_rows(family, decile=2, dtks="DT-1"))
    assert_refused_unchanged(
        lambda: services.register_import(actor=operator, data=data), snapshot=_unchanged
    )


def test_command_imports_and_prints_the_report(make_family, tmp_path, capsys) -> None:
    family = make_family()
    rows = family_rows(family, decile=2, dtks="DT-1")
    rows.append({**rows[0], "nik": "3510010101990009", "household_id": "DT-1"})
    path = tmp_path / "dtks.csv"
    path.write_bytes(register_csv(rows))
    call_command("import_welfare_register", str(path), "--as-of", "2026-01-01")
    out = capsys.readouterr().out
    assert "row 3 unmatched" in out and "1 households matched, 1 new versions" in out
    path.write_bytes(register_csv([{**rows[0], "decile": 11}]))
    before = _unchanged()
    with pytest.raises(CommandError):
        call_command("import_welfare_register", str(path))
    assert "row 2 decile" in capsys.readouterr().err and _unchanged() == before


def test_views_of_the_register_are_in_the_citizens_access_log(
    make_family, in_register, operator, login_client
) -> None:
    family = make_family()
    in_register((family, 2))
    before = ResidentViewLog.objects.count()
    response = login_client(operator).get("/welfare/register/")
    assert response.status_code == 200
    log = ResidentViewLog.objects.filter(resident=family["head"]).get()
    assert log.viewer == operator and log.reason and log.viewer_role == "village_operator"
    assert ResidentViewLog.objects.count() == before + 1

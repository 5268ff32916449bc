"""The Siskeudes import with the example export and with bad and hostile variants of it."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import PESANGGARAN, SARONGAN
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.budgets import services
from smartkampung.budgets.models import (
    BudgetActivity,
    BudgetItem,
    BudgetRevenue,
    BudgetStatus,
    SiskeudesImport,
    VillageBudget,
)
from smartkampung.budgets.selectors.diff import version_diff
from smartkampung.budgets.siskeudes import reader
from smartkampung.core.exceptions import NotFound, PermissionDenied

from .helpers import YEAR, approve, draft_budget, make_staff, set_ceilings

pytestmark = pytest.mark.django_db

EXAMPLE_DIR = (
    Path(__file__).resolve().parents[3] / "data/budgets/siskeudes/example_35.10.01.2001_2026"
)
EXAMPLE_ZIP = EXAMPLE_DIR.parent / "example_35.10.01.2001_2026.zip"


def tables() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLE_DIR.glob("*.csv"))}


def build_zip(contents: dict[str, str | bytes], *, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in contents.items():
            data = text.encode("utf-8") if isinstance(text, str) else text
            archive.writestr(f"{prefix}{name}.csv" if "." not in name else name, data)
    return buffer.getvalue()


def rows():
    return snapshot_rows(VillageBudget, BudgetActivity, BudgetItem, BudgetRevenue, SiskeudesImport)


def run(actor, data, village=SARONGAN, year=None):
    return services.siskeudes_import(actor=actor, village_code=village, data=data, year=year)


def refused(actor, data, *, village=SARONGAN, year=None, code=None):
    error = assert_refused_unchanged(lambda: run(actor, data, village, year), snapshot=rows)
    if code:
        assert error.code == code, (error.code, error.message)
    return error


def test_the_example_export_becomes_a_draft_version(staff):
    record = run(staff.operator, EXAMPLE_ZIP.read_bytes(), year=YEAR)
    budget = record.budget
    assert (budget.status, budget.origin, budget.version, budget.year) == (
        BudgetStatus.DRAFT,
        "siskeudes",
        1,
        YEAR,
    )
    report = record.report
    assert report["counts"] == {
        "activities": 4,
        "items": 9,
        "revenues": 3,
        "financing": 0,
        "unmapped": 0,
    }
    # SCHEMA.md §7: income 201,850,000; spending 196,850,000.
    assert report["totals"]["revenue"] == "201850000.00"
    assert report["totals"]["expenditure"] == "196850000.00"
    assert report["siskeudes_version"].startswith("V2.0")
    road = budget.activities.get(activity_id="02.03.10")
    assert road.location == "Dusun Contoh" and road.output_volume == Decimal("300")
    cement = budget.items.get(description="Semen")
    assert (cement.volume, cement.unit, cement.unit_price, cement.fund_source_id) == (
        Decimal("250"),
        "Zak",
        Decimal("75000"),
        "DDS",
    )
    tables_counted = {n["table"] for n in report["not_imported"]}
    assert {"Ta_SPPRinci", "Ta_TBPRinci"} <= tables_counted


def test_reimport_replaces_the_imported_version(staff):
    first = run(staff.operator, EXAMPLE_ZIP.read_bytes())
    lineages = set(first.budget.items.values_list("lineage", flat=True))
    changed = tables()
    changed["Ta_RABRinci"] = changed["Ta_RABRinci"].replace('"Semen"', '"Semen Portland"')
    second = run(staff.operator, build_zip(changed))
    assert second.budget_id == first.budget_id and second.report["replaced"]
    assert VillageBudget.objects.filter(village_id=SARONGAN, year=YEAR).count() == 1
    assert BudgetItem.objects.filter(budget=second.budget).count() == 9
    assert second.budget.items.filter(description="Semen Portland").exists()
    assert set(second.budget.items.values_list("lineage", flat=True)) == lineages
    assert SiskeudesImport.objects.count() == 2


def test_the_command_imports_and_reports(staff, capsys):
    call_command("import_siskeudes", str(EXAMPLE_ZIP), "--village", SARONGAN, "--year", "2026")
    out = capsys.readouterr().out
    assert "4 activities, 9 items, 3 revenue lines" in out
    assert VillageBudget.objects.get(village_id=SARONGAN).origin == "siskeudes"


def test_the_command_refuses_and_says_why(staff, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(EXAMPLE_ZIP.read_bytes())
    with pytest.raises(CommandError, match=r"wrong village.*Nothing was changed"):
        call_command("import_siskeudes", str(path), "--village", PESANGGARAN)
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_siskeudes", str(tmp_path / "missing.zip"), "--village", SARONGAN)
    assert not VillageBudget.objects.exists()


def test_wrong_village_is_refused(staff):
    neighbour = make_staff(PESANGGARAN)
    error = refused(
        neighbour.operator, EXAMPLE_ZIP.read_bytes(), village=PESANGGARAN, code="wrong_village"
    )
    assert "01.2001." in error.message and "SARONGAN" in error.message


def test_wrong_regency_is_refused(staff):
    changed = tables()
    changed["Ta_Pemda"] = changed["Ta_Pemda"].replace('"35","10"', '"35","09"')
    assert "wrong village" in refused(staff.operator, build_zip(changed)).message


def test_year_mismatch_is_refused(staff):
    assert "year mismatch" in refused(staff.operator, EXAMPLE_ZIP.read_bytes(), year=2025).message
    mixed = tables()
    mixed["Ta_Kegiatan"] = mixed["Ta_Kegiatan"].replace('"2026"', '"2025"', 1)
    assert "several years" in refused(staff.operator, build_zip(mixed)).message


def test_siskeudes_1_exports_are_refused(staff):
    old = tables()
    old["Ref_Version"] = 'Versi,Tgl_Rilis\n"V1.2 R1.0.0.","12/05/15 00:00:00"\n'
    assert "Permendagri 113/2014" in refused(staff.operator, build_zip(old)).message


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "not a ZIP"),
        (b"Tahun,Kd_Desa\n2026,01.2001.\n", "not a ZIP"),
        (b"%PDF-1.4 not a zip", "not a ZIP"),
        (None, "damaged"),
    ],
    ids=["empty", "csv", "pdf", "truncated"],
)
def test_malformed_files_are_refused(staff, data, reason):
    if data is None:
        data = EXAMPLE_ZIP.read_bytes()[:3000]
    assert reason in refused(staff.operator, data).message


@pytest.mark.parametrize("cut", [3000, 60])
def test_a_broken_zip_is_explained_in_indonesian_without_english_library_text(staff, cut):
    """A truncated export (the upload broke off): the message says what is wrong and what to
    do, wholly in the user's language; Python's English reason is not appended."""
    from django.utils import translation

    data = EXAMPLE_ZIP.read_bytes()[:cut]
    with translation.override("id"):
        message = refused(staff.operator, data, code="bad_zip").message
    assert "Arsip ZIP rusak" in message and "Ekspor ulang" in message
    for english in ("zip file", "File is not", "Truncated", "damaged:", "central directory"):
        assert english.lower() not in message.lower(), message


def test_a_zip_without_the_budget_table_is_refused(staff):
    partial = tables()
    del partial["Ta_RABRinci"]
    assert "Ta_RABRinci" in refused(staff.operator, build_zip(partial)).message
    assert "no CSV tables" in refused(staff.operator, build_zip({"readme.txt": "hi"})).message


def test_a_malformed_csv_row_is_refused_with_its_line(staff):
    broken = tables()
    lines = broken["Ta_RABRinci"].splitlines()
    lines[3] = lines[3] + ',"extra"'
    broken["Ta_RABRinci"] = "\r\n".join(lines)
    error = refused(staff.operator, build_zip(broken))
    assert "Ta_RABRinci.csv, line 4" in error.message


def test_required_columns_must_be_there(staff):
    broken = tables()
    broken["Ta_RABRinci"] = broken["Ta_RABRinci"].replace("SumberDana", "Sumber")
    assert "SumberDana" in refused(staff.operator, build_zip(broken)).message


@pytest.mark.parametrize(
    "name",
    [
        "../Ta_RAB.csv",
        "/etc/Ta_RAB.csv",
        "a/../../Ta_RAB.csv",
        "C:/x/Ta_RAB.csv",
        "sub\\Ta_RAB.csv",
    ],
)
def test_path_traversal_names_are_refused(staff, name):
    contents: dict[str, str | bytes] = dict(tables())
    contents[name] = "x"
    assert "unsafe file name" in refused(staff.operator, build_zip(contents)).message


def test_a_zip_bomb_is_refused(staff):
    bomb = dict(tables())
    bomb["Ta_Bomb"] = b"0" * (reader.RATIO_CHECK_FROM_BYTES * 4)  # compresses ~1000:1
    assert "allowed size" in refused(staff.operator, build_zip(bomb)).message


def test_an_oversized_member_is_refused(staff, monkeypatch):
    monkeypatch.setattr(reader, "MAX_MEMBER_BYTES", 50_000)
    big = dict(tables())
    big["Ta_Big"] = ("x," * 40_000).encode()
    assert "allowed size" in refused(staff.operator, build_zip(big)).message


def test_a_member_that_lies_about_its_size_is_refused(staff):
    """Headers that under-report a member's size (to slip past the size check) are not
    trusted: reading stops at the declared size and the CRC check refuses the member."""
    data = bytearray(build_zip(tables()))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + 4] = (10).to_bytes(4, "little")
            start = data.find(signature, start + 4)
    error = refused(staff.operator, bytes(data))
    assert error.code in {"bad_zip", "malformed_csv"}


def test_encrypted_members_are_refused(staff):
    data = bytearray(build_zip(tables()))
    # Set the "encrypted" bit of every local and central header (zipfile cannot write one).
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 0x1
            start = data.find(signature, start + 4)
    error = refused(staff.operator, bytes(data), code="encrypted_zip")
    assert "password" in error.message


def test_too_many_members_and_duplicate_tables_are_refused(staff):
    many: dict[str, str | bytes] = {f"T{n}": "a\n1\n" for n in range(reader.MAX_MEMBERS + 1)}
    assert "more than" in refused(staff.operator, build_zip(many)).message
    twice: dict[str, str | bytes] = dict(tables())
    twice["copy/Ta_RAB.csv"] = tables()["Ta_RAB"]
    assert "appears twice" in refused(staff.operator, build_zip(twice)).message


def test_extra_and_missing_optional_columns_are_tolerated(staff):
    variant = tables()
    lines = variant["Ta_RABRinci"].splitlines()
    header = lines[0].split(",")
    dropped = {"Kd_SubRinci", "JmlSatuanPAK", "HrgSatuanPAK", "AnggaranStlhPAK", "Kode_SBU"}
    import csv as csv_module

    parsed = list(csv_module.reader(lines))
    keep = [i for i, h in enumerate(header) if h not in dropped]
    out = io.StringIO()
    writer = csv_module.writer(out, quoting=csv_module.QUOTE_MINIMAL)
    writer.writerow([parsed[0][i] for i in keep] + ["F10", "KolomBaru"])
    for row in parsed[1:]:
        writer.writerow([row[i] for i in keep] + ["", "?"])
    variant["Ta_RABRinci"] = out.getvalue()
    record = run(staff.operator, build_zip(variant, prefix="export/"))
    assert record.report["counts"]["items"] == 9
    assert record.report["totals"]["expenditure"] == "196850000.00"
    assert any("F10" in note for note in record.report["notes"])


def test_unknown_activities_and_accounts_are_reported_not_silently_dropped(staff):
    variant = tables()
    variant["Ta_Kegiatan"] = variant["Ta_Kegiatan"].replace("02.03.10.", "02.03.95.")
    variant["Ta_RABRinci"] = variant["Ta_RABRinci"].replace("02.03.10.", "02.03.95.")
    variant["Ta_RABRinci"] = variant["Ta_RABRinci"].replace('"4.1.2.01."', '"4.1.2.77."')
    record = run(staff.operator, build_zip(variant))
    unmapped = record.report["unmapped"]
    assert record.report["counts"]["items"] == 5
    assert any("02.03.95" in u["reason"] and u["table"] == "Ta_Kegiatan" for u in unmapped)
    road_lines = [u for u in unmapped if u["table"] == "Ta_RABRinci" and "02.03.95" in u["reason"]]
    assert len(road_lines) == 4
    assert sum(Decimal(u["amount"]) for u in road_lines) == Decimal("57250000")
    assert any("4.1.2.77" in u["reason"] for u in unmapped)


def test_windows_1252_files_are_read(staff):
    variant: dict[str, str | bytes] = dict(tables())
    variant["Ta_RABRinci"] = (
        tables()["Ta_RABRinci"].replace('"Semen"', '"Semen – kualitas I"').encode("cp1252")
    )
    record = run(staff.operator, build_zip(variant))
    assert record.budget.items.filter(description="Semen – kualitas I").exists()
    assert any("Windows-1252" in note for note in record.report["notes"])


def test_a_manual_draft_or_a_version_under_evaluation_is_never_overwritten(staff):
    set_ceilings(staff)
    budget = draft_budget(staff)
    assert "entered here" in refused(staff.operator, EXAMPLE_ZIP.read_bytes()).message
    services.budget_submit(actor=staff.head, budget=budget)
    assert "being evaluated" in refused(staff.operator, EXAMPLE_ZIP.read_bytes()).message


def test_after_approval_a_reimport_becomes_a_revision_that_follows_the_lines(staff):
    set_ceilings(staff, DDS="57250000", ADD="139600000")
    first = run(staff.operator, EXAMPLE_ZIP.read_bytes()).budget
    approve(staff, first)
    second = run(staff.operator, EXAMPLE_ZIP.read_bytes()).budget
    assert (second.version, second.based_on_id, second.status) == (2, first.pk, "draft")
    assert version_diff(old=first, new=second).rows == []


def test_only_the_village_editors_import(staff):
    outsider = make_staff(PESANGGARAN).operator
    assert_refused_unchanged(
        lambda: run(outsider, EXAMPLE_ZIP.read_bytes()), snapshot=rows, errors=(NotFound,)
    )
    assert_refused_unchanged(
        lambda: run(staff.head, EXAMPLE_ZIP.read_bytes()),
        snapshot=rows,
        errors=(PermissionDenied,),
    )

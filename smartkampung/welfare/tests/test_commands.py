"""``aid_check FILE.csv``: one line per row with the decision and the rules; saves nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from smartkampung.accounts.testing import snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.welfare.models import Enrolment

from .conftest import PERIOD, SARONGAN

pytestmark = pytest.mark.django_db


def test_aid_check_writes_one_line_per_row_and_saves_nothing(
    make_family, make_programme, in_register, tmp_path, capsys
) -> None:
    poor, rich = make_family(), make_family()
    in_register((poor, 2), (rich, 8))
    make_programme()
    path = tmp_path / "usulan.csv"
    path.write_text(
        "programme_code,period,nik,kk_number,village_code\n"
        f"PKH,{PERIOD},{poor['head'].nik},{poor['kk']},{SARONGAN}\n"
        f"PKH,{PERIOD},{rich['head'].nik},{rich['kk']},{SARONGAN}\n"
        f"PKH,{PERIOD},{poor['head'].nik},{poor['kk']},{SARONGAN}\n"
        f"PKH,{PERIOD},3510019999990001,,{SARONGAN}\n"
    )
    before = snapshot_rows(Enrolment, AuditEvent)
    call_command("aid_check", str(path))
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["row"], r["decision"], r["rules"]) for r in rows] == [
        ("2", "accept", ""),
        ("3", "refuse", "decile_above_ceiling"),
        ("4", "refuse", "already_enrolled"),
        ("5", "refuse", "unknown_person"),
    ]
    assert snapshot_rows(Enrolment, AuditEvent) == before


def test_aid_check_explains_and_writes_a_file(make_family, make_programme, tmp_path) -> None:
    family = make_family()
    make_programme()
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(
        f"programme_code,period,nik,kk_number,village_code\nPKH,{PERIOD},{family['head'].nik},,{SARONGAN}\n"
    )
    call_command("aid_check", str(source), "--output", str(out), "--explain")
    row = next(csv.DictReader(out.open()))
    assert row["rules"] == "not_in_register" and "welfare register" in row["messages"]


def test_aid_check_refuses_a_wrong_header(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("nik,kk\n1,2\n")
    with pytest.raises(CommandError, match="missing"):
        call_command("aid_check", str(path))

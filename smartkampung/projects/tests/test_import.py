"""import_projects: validates everything first, reports by file and row, idempotent on ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smartkampung.accounts.testing import snapshot_rows
from smartkampung.projects.models import ProgressPhoto, ProgressReport, Project, RedFlag

from .factories import inside_point, jpeg, offset, png_bomb, scene

pytestmark = pytest.mark.django_db

HEADER = "id,village_code,title,work_type,activity_code,fund_source,budget,volume,unit,start,end,executor,wkt,lat,lon\n"  # noqa: E501
PROGRESS = "project_id,stage,date,photo,device_lat,device_lon,device_accuracy_m,note\n"


def _folder(tmp_path: Path, village: Any, *, projects: str = "", progress: str = "") -> Path:
    lat, lng = inside_point(village)
    lat2, lng2 = offset(lat, lng, east_m=300)
    d = tmp_path / "import"
    (d / "photos").mkdir(parents=True, exist_ok=True)
    (d / "projects.csv").write_text(
        projects
        or (
            HEADER
            + f"P-1,{village.code},Jalan Krajan,road,02.03.10,DDS,150000000,300,m,2025-03-01,2025-06-30,TPK,,{lat},{lng}\n"  # noqa: E501
            + f'P-2,{village.code},Saluran Krajan,drain,02.03.14,ADD,80000000,200,m,2025-04-01,2025-07-31,TPK,"LINESTRING({lng} {lat}, {lng2} {lat2})",,\n'  # noqa: E501
        )
    )
    now = timezone.localtime()
    (d / "photos" / "p1-0.jpg").write_bytes(jpeg(scene(1), lat=lat, lng=lng, taken_at=now))
    (d / "photos" / "p1-50.jpg").write_bytes(jpeg(scene(2), lat=lat, lng=lng, taken_at=now))
    (d / "progress.csv").write_text(
        progress
        or (
            PROGRESS
            + f"P-1,0,2025-03-02,p1-0.jpg,{lat},{lng},5,Mulai\n"
            + f"P-1,50,2025-05-02,p1-50.jpg,{lat},{lng},5,\n"
            + "P-2,0,2025-04-02,,,,,tanpa foto\n"
        )
    )
    return d


def test_import_and_reimport_is_idempotent(tmp_path, village):
    folder = _folder(tmp_path, village)
    call_command("import_projects", str(folder), verbosity=0)
    assert Project.objects.count() == 2 and ProgressReport.objects.count() == 3
    assert ProgressPhoto.objects.count() == 2
    p1 = Project.objects.get(external_id="P-1")
    assert p1.progress == 50 and p1.geometry_kind == "point"
    assert Project.objects.get(external_id="P-2").geometry_kind == "line"
    before = snapshot_rows(ProgressPhoto, ProgressReport)
    call_command("import_projects", str(folder), verbosity=0)
    assert Project.objects.count() == 2
    assert snapshot_rows(ProgressPhoto, ProgressReport) == before
    assert RedFlag.objects.filter(rule="PROGRESS_WITHOUT_EVIDENCE").exists()


def test_import_reports_every_problem_by_file_and_row_and_writes_nothing(tmp_path, village, capsys):
    lat, lng = inside_point(village)
    projects = (
        HEADER
        + f"P-1,{village.code},Jalan,road,,DDS,abc,300,m,2025-03-01,2025-06-30,,,{lat},{lng}\n"
        + f"P-2,99.99.99.9999,Jalan,road,,DDS,1000,3,m,2025-03-01,2025-06-30,,,{lat},{lng}\n"
        + f"P-3,{village.code},Jalan,road,,DDS,1000,3,m,2025-13-01,2025-06-30,,,{lat},{lng}\n"
        + f"P-4,{village.code},Jalan,road,,DDS,1000,3,m,2025-03-01,2025-06-30,,,-7.0,114.5\n"
        + f"P-5,{village.code},Jalan,castle,,DDS,1000,3,m,2025-03-01,2025-06-30,,,{lat},{lng}\n"
        + f"P-6,{village.code},Jalan,road,,DDS,1000,3,m,2025-03-01,2025-06-30,,POLYGON((oops,,\n"
        + f"P-7,{village.code},Jalan baik,road,,DDS,1000,3,m,2025-03-01,2025-06-30,,,{lat},{lng}\n"
    )
    progress = (
        PROGRESS
        + "P-7,0,2025-03-02,../../etc/passwd,,,,\n"
        + "P-7,30,2025-03-02,,,,,\n"
        + "P-9,0,2025-03-02,,,,,\n"
        + "P-7,50,2025-03-02,bomb.jpg,,,,\n"
        + "P-7,100,2025-03-02,fake.jpg,,,,\n"
    )
    folder = _folder(tmp_path, village, projects=projects, progress=progress)
    (folder / "photos" / "bomb.jpg").write_bytes(png_bomb())
    (folder / "photos" / "fake.jpg").write_bytes(b"MZ\x90\x00 not an image")
    before = snapshot_rows(Project, ProgressReport, ProgressPhoto)
    with pytest.raises(CommandError):
        call_command("import_projects", str(folder))
    err = capsys.readouterr().err
    for expected in [
        "projects.csv, row 2, budget",
        "projects.csv, row 3, village_code",
        "projects.csv, row 4, start",
        "projects.csv, row 5, geometry",
        "projects.csv, row 6, work_type",
        "projects.csv, row 7, wkt",
        "progress.csv, row 2, photo",
        "progress.csv, row 3, stage",
        "progress.csv, row 4, project_id",
        "progress.csv, row 5, photo",
        "progress.csv, row 6, photo",
    ]:
        assert expected in err, (expected, err)
    assert snapshot_rows(Project, ProgressReport, ProgressPhoto) == before


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"\xff\xfeid,village\n", "UTF-8"),
        (b"id,village_code\nP-1,35.10.01.2001\n", "Required columns"),
        (b"", "Required columns"),
    ],
)
def test_import_refuses_malformed_csv(tmp_path, village, capsys, content, expected):
    folder = _folder(tmp_path, village)
    (folder / "projects.csv").write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_projects", str(folder))
    assert expected in capsys.readouterr().err
    assert not Project.objects.exists()


def test_import_refuses_a_future_report_date_like_the_form_and_api(tmp_path, village, capsys):
    from datetime import timedelta

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    progress = PROGRESS + f"P-1,0,{tomorrow},,,,,\n"
    folder = _folder(tmp_path, village, progress=progress)
    with pytest.raises(CommandError):
        call_command("import_projects", str(folder))
    err = capsys.readouterr().err
    assert "progress.csv, row 2, date" in err and tomorrow in err
    assert not Project.objects.exists() and not ProgressReport.objects.exists()


def test_import_counts_a_stage_only_with_its_photo(tmp_path, village):
    lat, lng = inside_point(village)
    progress = (
        PROGRESS
        + f"P-1,0,2025-03-02,p1-0.jpg,{lat},{lng},5,\n"
        + "P-1,100,2025-06-30,,,,,selesai tanpa foto\n"
    )
    call_command("import_projects", str(_folder(tmp_path, village, progress=progress)), verbosity=0)
    p1 = Project.objects.get(external_id="P-1")
    assert p1.progress == 0 and p1.status == "ongoing"
    assert ProgressReport.objects.filter(project=p1, stage=100, photos__isnull=True).exists()

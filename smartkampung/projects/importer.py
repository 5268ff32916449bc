"""``import_projects DIR``: existing monitoring data (projects.csv, progress.csv, photos/).

Everything is read and checked first — every row, every geometry against its village, every
photo by content — and every problem is reported with its file, row and column; only a fully
valid folder is written, in one transaction. Re-importing is idempotent: projects are matched
on their ``id`` (kept as ``external_id``), reports on (project, stage), photos on their SHA-256
within a report. The format is documented in the README ("Import of existing projects").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import DomainError, ValidationFailed
from smartkampung.core.uploads import decode_text
from smartkampung.regions.models import Level, Region

from . import services
from .exceptions import ProjectErrorCode
from .geometry import ParsedGeometry, parse_geometry
from .models import ProgressPhoto, ProgressReport, Project
from .redflags.engine import unit_costs_changed

PROJECT_COLUMNS = (
    "id",
    "village_code",
    "title",
    "work_type",
    "activity_code",
    "fund_source",
    "budget",
    "volume",
    "unit",
    "start",
    "end",
    "executor",
    "wkt",
    "lat",
    "lon",
)
PROJECT_REQUIRED = (
    "id",
    "village_code",
    "title",
    "work_type",
    "fund_source",
    "budget",
    "volume",
    "unit",
    "start",
    "end",
)
PROGRESS_COLUMNS = (
    "project_id",
    "stage",
    "date",
    "photo",
    "device_lat",
    "device_lon",
    "device_accuracy_m",
    "note",
)
PROGRESS_REQUIRED = ("project_id", "stage", "date")
MAX_CSV_BYTES = 50 * 1024 * 1024


@dataclass
class ImportProblem:
    file: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ProjectRow:
    row: int
    external_id: str
    village_code: str
    data: services.ProjectData


@dataclass
class ProgressRow:
    row: int
    project_id: str
    stage: int
    reported_on: date
    note: str
    photo: str
    device: tuple[float | None, float | None, float | None]
    checked: services.CheckedPhoto | None = None


@dataclass
class ImportResult:
    projects_created: int = 0
    projects_updated: int = 0
    reports_created: int = 0
    photos_created: int = 0
    photos_skipped: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def _read_csv(
    path: Path, columns: tuple[str, ...], required: tuple[str, ...], problems: list[ImportProblem]
) -> list[tuple[int, dict[str, str]]]:
    name = path.name
    if not path.is_file():
        problems.append(ImportProblem(name, 0, "", _("The file is missing.")))
        return []
    if path.stat().st_size > MAX_CSV_BYTES:
        problems.append(ImportProblem(name, 0, "", _("The file is larger than 50 MB.")))
        return []
    try:
        text = decode_text(path.read_bytes())
    except DomainError as exc:
        problems.append(ImportProblem(name, 0, "", exc.message))
        return []
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        if missing:
            problems.append(
                ImportProblem(name, 1, ", ".join(missing), _("Required columns are missing."))
            )
        if unknown:
            problems.append(ImportProblem(name, 1, ", ".join(unknown), _("Unknown columns.")))
        return []
    rows = []
    for n, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(
                ImportProblem(name, n, "", _("The row has more fields than the header."))
            )
            continue
        rows.append((n, {k.strip(): (v or "").strip() for k, v in raw.items() if k}))
    return rows


def _number(
    value: str, kind: type, problems: list[ImportProblem], file: str, row: int, column: str
) -> Any:
    try:
        result = kind(value.replace(",", ".")) if value else None
    except (ValueError, InvalidOperation):
        problems.append(ImportProblem(file, row, column, _("Not a number.")))
        return None
    return result


def _date(
    value: str, problems: list[ImportProblem], file: str, row: int, column: str
) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(ImportProblem(file, row, column, _("Not a date (YYYY-MM-DD).")))
        return None


def _project_rows(directory: Path, problems: list[ImportProblem]) -> list[ProjectRow]:
    file = "projects.csv"
    villages = {
        r.code: r for r in Region.objects.filter(level=Level.VILLAGE).only("code", "boundary")
    }
    seen: set[str] = set()
    out = []
    for n, row in _read_csv(directory / file, PROJECT_COLUMNS, PROJECT_REQUIRED, problems):
        before = len(problems)
        for column in PROJECT_REQUIRED:
            if not row.get(column):
                problems.append(ImportProblem(file, n, column, _("This field is required.")))
        ext_id = row.get("id", "")
        if len(ext_id) > 64:
            problems.append(ImportProblem(file, n, "id", _("At most 64 characters.")))
        if ext_id in seen:
            problems.append(ImportProblem(file, n, "id", _("This id appears twice in the file.")))
        seen.add(ext_id)
        village = villages.get(row.get("village_code", ""))
        if row.get("village_code") and village is None:
            problems.append(ImportProblem(file, n, "village_code", _("Unknown village code.")))
        budget = _number(row.get("budget", ""), Decimal, problems, file, n, "budget")
        volume = _number(row.get("volume", ""), Decimal, problems, file, n, "volume")
        lat = _number(row.get("lat", ""), float, problems, file, n, "lat")
        lon = _number(row.get("lon", ""), float, problems, file, n, "lon")
        start = (
            _date(row.get("start", ""), problems, file, n, "start") if row.get("start") else None
        )
        end = _date(row.get("end", ""), problems, file, n, "end") if row.get("end") else None
        geometry: ParsedGeometry | None = None
        try:
            geometry = parse_geometry(wkt=row.get("wkt", ""), lat=lat, lng=lon)
        except ValidationFailed as exc:
            problems.append(ImportProblem(file, n, "wkt" if row.get("wkt") else "lat", exc.message))
        if len(problems) > before or village is None or geometry is None:
            continue
        assert budget is not None and volume is not None and start is not None and end is not None
        data = services.ProjectData(
            title=row["title"],
            work_type=row["work_type"],
            fund_source=row["fund_source"].upper(),
            budget=budget,
            volume=volume,
            unit=row["unit"],
            planned_start=start,
            planned_end=end,
            geometry=geometry,
            activity_code=row.get("activity_code", ""),
            executor=row.get("executor", ""),
        )
        try:
            services._validate(data, village)
        except ValidationFailed as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            if "field" in details:  # one problem with a whole field (the location)
                problems.append(ImportProblem(file, n, str(details["field"]), exc.message))
            else:
                for column, message in details.items():
                    problems.append(ImportProblem(file, n, column, str(message)))
            continue
        out.append(ProjectRow(row=n, external_id=ext_id, village_code=village.code, data=data))
    return out


def _progress_rows(
    directory: Path, known_ids: set[str], problems: list[ImportProblem]
) -> list[ProgressRow]:
    file = "progress.csv"
    if not (directory / file).exists():
        return []
    stages = services.stages()
    photos_dir = (directory / "photos").resolve()
    out = []
    for n, row in _read_csv(directory / file, PROGRESS_COLUMNS, PROGRESS_REQUIRED, problems):
        before = len(problems)
        for column in PROGRESS_REQUIRED:
            if not row.get(column):
                problems.append(ImportProblem(file, n, column, _("This field is required.")))
        if row.get("project_id") and row["project_id"] not in known_ids:
            problems.append(ImportProblem(file, n, "project_id", _("No project with this id.")))
        stage = _number(row.get("stage", ""), int, problems, file, n, "stage")
        if stage is not None and stage not in stages:
            problems.append(
                ImportProblem(
                    file,
                    n,
                    "stage",
                    _("The stage must be one of %(stages)s.")
                    % {"stages": ", ".join(map(str, stages))},
                )
            )
        reported_on = (
            _date(row.get("date", ""), problems, file, n, "date") if row.get("date") else None
        )
        if reported_on is not None:
            try:
                services.report_date_check(reported_on)  # the same check as form and API
            except ValidationFailed as exc:
                problems.append(ImportProblem(file, n, "date", exc.message))
        lat = _number(row.get("device_lat", ""), float, problems, file, n, "device_lat")
        lon = _number(row.get("device_lon", ""), float, problems, file, n, "device_lon")
        acc = _number(
            row.get("device_accuracy_m", ""), float, problems, file, n, "device_accuracy_m"
        )
        try:
            device = services._device_location(lat, lon, acc)
        except ValidationFailed as exc:
            problems.append(ImportProblem(file, n, "device_lat", exc.message))
            device = (None, None, None)
        checked = None
        name = row.get("photo", "")
        if name:
            path = (photos_dir / name).resolve()
            if path.parent != photos_dir or not path.is_file():
                problems.append(ImportProblem(file, n, "photo", _("No such file in photos/.")))
            else:
                try:
                    checked = services.check_photo(path.read_bytes())
                except DomainError as exc:
                    problems.append(ImportProblem(file, n, "photo", exc.message))
        if len(problems) > before or stage is None or reported_on is None:
            continue
        out.append(
            ProgressRow(
                row=n,
                project_id=row["project_id"],
                stage=stage,
                reported_on=reported_on,
                note=row.get("note", "")[:2000],
                photo=name,
                device=device,
                checked=checked,
            )
        )
    return out


def projects_import(*, directory: Path) -> ImportResult:
    """Check the whole folder, then write it in one transaction (the system is the actor)."""
    problems: list[ImportProblem] = []
    if not directory.is_dir():
        raise ValidationFailed(_("Not a folder."), code=ProjectErrorCode.IMPORT_INVALID)
    projects = _project_rows(directory, problems)
    known = {p.external_id for p in projects} | {
        ext
        for ext in Project.objects.filter(external_id__isnull=False).values_list(
            "external_id", flat=True
        )
        if ext
    }
    progress = _progress_rows(directory, known, problems)
    if problems:
        raise ValidationFailed(
            _("The import has %(n)d problems; nothing was imported.") % {"n": len(problems)},
            code=ProjectErrorCode.IMPORT_INVALID,
            details=[p.as_dict() for p in problems],
        )
    result = ImportResult()
    saved: list[str] = []
    try:
        with transaction.atomic():
            _write(projects, progress, result, saved)
            audit.record(
                None,
                "projects.import",
                None,
                {
                    "projects_created": result.projects_created,
                    "projects_updated": result.projects_updated,
                    "reports_created": result.reports_created,
                    "photos_created": result.photos_created,
                },
            )
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    unit_costs_changed()
    return result


def _write(
    projects: list[ProjectRow], progress: list[ProgressRow], result: ImportResult, saved: list[str]
) -> None:
    by_ext = {
        p.external_id: p
        for p in Project.objects.filter(
            external_id__in=[r.external_id for r in projects] + [r.project_id for r in progress]
        )
    }
    for row in projects:
        project = by_ext.get(row.external_id)
        if project is None:
            project = Project(village_id=row.village_code, external_id=row.external_id)
            result.projects_created += 1
        else:
            result.projects_updated += 1
            project.village_id = row.village_code
        services._apply(project, row.data)
        project.save()
        services._store_cells(project)
        by_ext[row.external_id] = project
    reports: dict[tuple[int, int], ProgressReport] = {
        (r.project_id, r.stage): r
        for r in ProgressReport.objects.filter(project__in=list(by_ext.values()))
    }
    for entry in progress:
        project = by_ext[entry.project_id]
        report = reports.get((project.pk, entry.stage))
        if report is None:
            report = ProgressReport.objects.create(
                project=project, stage=entry.stage, reported_on=entry.reported_on, note=entry.note
            )
            reports[(project.pk, entry.stage)] = report
            result.reports_created += 1
        if entry.checked is None:
            continue
        if ProgressPhoto.objects.filter(report=report, sha256=entry.checked.facts.sha256).exists():
            result.photos_skipped += 1
            continue
        services.store_photo(
            report=report,
            checked=entry.checked,
            filename=entry.photo,
            device=entry.device,
            uploaded_by=None,
            saved=saved,
        )
        result.photos_created += 1
    # Progress from photographed stages only, as for the form and the API (ADR 0035).
    for project in by_ext.values():
        services.progress_refresh(project)

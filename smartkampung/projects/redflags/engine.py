"""Running the rules: for one project when it or its evidence is saved (``screen_project``),
or for everything (``detect_all``, the ``detect_redflags`` command).

Screening reads the few rows it needs with indexed queries (cells, SHA-256, hash bands);
``detect_all`` loads the regency's projects and photos once and indexes them in memory, so a
full run at regency scale is one pass instead of a query per project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from smartkampung.regions.models import Region

from ..funding import release_for_activity, releases_for_all
from ..geometry import search_cells
from ..models import HashKind, PhotoHash, ProgressPhoto, ProgressReport, Project, ProjectCell
from ..photos import bands, hamming
from . import rules
from .findings import Coverage, Finding, StoreResult, store_findings
from .records import PHOTO_FIELDS, PROJECT_FIELDS, PhotoRec, ProjectRec, ReportRec


def ceiling_lookup(*, run: bool = False) -> rules.CeilingLookup | None:
    """The SSH unit-price ceiling lookup named in ``SK_UNIT_PRICE_CEILING_LOOKUP`` (or None).

    For a whole run (``run=True``), the lookup's ``for_run()`` variant when it has one (the
    default reads each regency-year's standards once instead of once per project)."""
    path = settings.SK_UNIT_PRICE_CEILING_LOOKUP
    lookup = import_string(path) if path else None
    if run and lookup is not None and hasattr(lookup, "for_run"):
        return cast(rules.CeilingLookup, lookup.for_run())
    return lookup


def regency_of(village_code: str) -> str:
    return ".".join(village_code.split(".")[:2])


def _project_rec(row: dict[str, Any]) -> ProjectRec:
    return ProjectRec(**{k: row[k] for k in PROJECT_FIELDS})


def _photo_recs(rows: Iterable[dict[str, Any]]) -> list[PhotoRec]:
    recs = [PhotoRec(**{k: row[k] for k in PHOTO_FIELDS}) for row in rows]
    by_id = {r.id: r for r in recs}
    if by_id:
        for photo_id, kind, value in PhotoHash.objects.filter(photo_id__in=list(by_id)).values_list(
            "photo_id", "kind", "value"
        ):
            by_id[photo_id].hashes[kind] = value
    return [r for r in recs if HashKind.FULL in r.hashes]


def _report_rec(
    report_id: int, project_id: int, stage: int, created_at: datetime, reported_on: date, n: int
) -> ReportRec:
    """A report's age counts from when it was entered, or from its date if that is earlier
    (imported history)."""
    end_of_day = timezone.make_aware(datetime.combine(reported_on, time(23, 59)))
    return ReportRec(
        id=report_id,
        project_id=project_id,
        stage=stage,
        created_at=min(created_at, end_of_day),
        photo_count=n,
    )


# --- screening one project ------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont over ``unit_cost`` (the quartiles without fetching rows)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, fraction: float) -> None:
        super().__init__(F("unit_cost"), fraction=float(fraction))


COST_VERSION_KEY = "projects:unit-cost-version"
COST_CACHE_SECONDS = 600


def unit_costs_changed() -> None:
    """Called after projects are written: the cached cost quartiles are recomputed."""
    try:
        cache.incr(COST_VERSION_KEY)
    except ValueError:
        cache.set(COST_VERSION_KEY, 1, None)


def _unit_cost_stats(project: ProjectRec) -> rules.CostStats | None:
    """Quartiles of the regency's unit costs for the project's work type and unit (cached
    until a project is written: at regency scale this is thousands of rows)."""
    regency = regency_of(project.village_id)
    version = cache.get(COST_VERSION_KEY, 0)
    key = f"projects:unit-cost:{version}:{regency}:{project.work_type}:{project.unit}"
    cached = cache.get(key)
    if cached is not None:
        return rules.CostStats(*cached) if cached else None
    rows = Project.objects.filter(
        village__pk__startswith=regency + ".",
        work_type=project.work_type,
        unit=project.unit,
        unit_cost__isnull=False,
    )
    if connection.vendor == "postgresql":
        # percentile_cont interpolates like statistics.quantiles(method="inclusive").
        agg = rows.aggregate(
            n=Count("id"),
            q1=Percentile(0.25),
            median=Percentile(0.5),
            q3=Percentile(0.75),
        )
        stats = (
            rules.CostStats(n=agg["n"], q1=agg["q1"], median=agg["median"], q3=agg["q3"])
            if agg["n"] >= 2
            else None
        )
    else:
        stats = rules.cost_stats([float(v or 0) for v in rows.values_list("unit_cost", flat=True)])
    cache.set(
        key,
        (stats.n, stats.q1, stats.median, stats.q3) if stats else (),
        COST_CACHE_SECONDS,
    )
    return stats


def _nearby(project: ProjectRec, cfg: rules.Config) -> list[ProjectRec]:
    cells = search_cells(project.geom, cfg.duplicate_distance_m)
    window = timedelta(days=rules.search_window_days(cfg))
    ids = ProjectCell.objects.filter(cell__in=sorted(cells)).values("project_id")
    rows = (
        Project.objects.filter(pk__in=ids)
        .exclude(pk=project.id)
        .filter(
            planned_start__gte=project.planned_start - window,
            planned_start__lte=project.planned_start + window,
        )
        .values(*PROJECT_FIELDS)
    )
    return [_project_rec(r) for r in rows]


def _near(query: dict[str, int], value: int, limit: int) -> bool:
    return any(hamming(q, value) <= limit for q in query.values())


def _hash_candidates(photo: PhotoRec, cfg: rules.Config) -> list[PhotoRec]:
    """Photos with the same SHA-256, or whose hashes share a 16-bit band with this photo's
    comparable hashes and lie within the Hamming limit (checked here on the matched row)."""
    query = rules.query_hashes(photo)
    mine = photo.hashes[HashKind.FULL]
    full_bands: list[set[int]] = [set(), set(), set(), set()]
    for value in query.values():
        for i, band in enumerate(bands(value)):
            full_bands[i].add(band)
    q_full = Q(pk__in=[])
    for i, values in enumerate(full_bands):
        q_full |= Q(**{f"band{i}__in": sorted(values)})
    q_crop = Q(pk__in=[])
    for i, band in enumerate(bands(mine)):
        q_crop |= Q(**{f"band{i}": band})
    rows = (
        PhotoHash.objects.filter(
            (Q(kind=HashKind.FULL) & q_full)
            | (Q(kind__in=[HashKind.CROP90, HashKind.CROP80]) & q_crop)
        )
        .exclude(photo_id=photo.id)
        .values_list("photo_id", "kind", "value")
    )
    limit = cfg.phash_max_distance
    photo_ids = {
        pid
        for pid, kind, value in rows
        if (kind == HashKind.FULL and _near(query, value, limit))
        or (kind != HashKind.FULL and hamming(mine, value) <= limit)
    }
    photo_ids |= set(
        ProgressPhoto.objects.filter(sha256=photo.sha256)
        .exclude(pk=photo.id)
        .values_list("pk", flat=True)
    )
    if not photo_ids:
        return []
    return _photo_recs(ProgressPhoto.objects.filter(pk__in=photo_ids).values(*PHOTO_FIELDS))


def _with_siblings(candidates: list[PhotoRec], siblings: list[PhotoRec]) -> list[PhotoRec]:
    """Band candidates plus every photo of the same project: within a project (a handful of
    photos) the corroborated two-family match is checked against all of them, which no band
    index could guarantee at its wider distances."""
    seen = {c.id for c in candidates}
    return candidates + [s for s in siblings if s.id not in seen]


def project_findings(project_id: int, *, now: Any = None) -> list[Finding]:
    """Every rule over one project and its photos, reading from the database."""
    cfg = rules.config()
    now = now or timezone.now()
    row = (
        Project.objects.filter(pk=project_id)
        .values(*PROJECT_FIELDS, "activity_code", "budget_activity_lineage")
        .first()
    )
    if row is None:
        return []
    project = _project_rec(row)
    findings: list[Finding] = []
    findings += rules.duplicate_findings(project, _nearby(project, cfg), cfg)
    findings += rules.unit_cost_findings(
        project,
        _unit_cost_stats(project),
        cfg,
        ceiling_lookup(),
        activity_code=row["activity_code"],
    )
    findings += rules.stalled_findings(project, timezone.localdate(now), cfg)
    lineage = row["budget_activity_lineage"]
    if lineage is not None:
        release = release_for_activity(
            village_code=project.village_id, year=project.planned_start.year, lineage=lineage
        )
        findings += rules.disbursement_findings(project, release)
    reports = [
        _report_rec(r.pk, project_id, r.stage, r.created_at, r.reported_on, r.n)
        for r in ProgressReport.objects.filter(project_id=project_id).annotate(n=Count("photos"))
    ]
    findings += rules.evidence_findings(project, reports, now, cfg)
    photos = _photo_recs(ProgressPhoto.objects.filter(project_id=project_id).values(*PHOTO_FIELDS))
    boundary = Region.objects.filter(pk=project.village_id).values_list("boundary", flat=True)
    boundary_geojson = boundary.first() or ""
    for photo in photos:
        findings += _photo_rule_findings(photo, project, photos, boundary_geojson, now, cfg)
    return findings


def _photo_rule_findings(
    photo: PhotoRec,
    project: ProjectRec,
    project_photos: list[PhotoRec],
    boundary_geojson: str,
    now: datetime,
    cfg: rules.Config,
) -> list[Finding]:
    return (
        rules.reuse_findings(
            photo,
            _with_siblings(_hash_candidates(photo, cfg), project_photos),
            cfg,
            siblings=project_photos,
        )
        + rules.geotag_findings(photo, project, boundary_geojson, cfg)
        + rules.time_findings(photo, project, project_photos, now, cfg)
    )


def photo_findings(photo_id: int) -> list[Finding]:
    """The photo rules for one photo (what screening a newly added photo costs)."""
    cfg = rules.config()
    row = ProgressPhoto.objects.filter(pk=photo_id).values("project_id").first()
    if row is None:
        return []
    project = _project_rec(
        Project.objects.filter(pk=row["project_id"]).values(*PROJECT_FIELDS).get()
    )
    photos = _photo_recs(ProgressPhoto.objects.filter(project_id=project.id).values(*PHOTO_FIELDS))
    boundary = (
        Region.objects.filter(pk=project.village_id).values_list("boundary", flat=True).first()
    )
    photo = next(p for p in photos if p.id == photo_id)
    return _photo_rule_findings(photo, project, photos, boundary or "", timezone.now(), cfg)


def screen_project(project_id: int) -> StoreResult:
    """Run every rule for one project and store the findings (idempotent)."""
    findings = project_findings(project_id)
    return store_findings(findings, Coverage(rules=set(rules.ALL_RULES), project_ids={project_id}))


# --- everything at once ---------------------------------------------------------------------


class MemoryIndex:
    """Projects and photos of the whole database, indexed for the rules' lookups."""

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        say = progress or (lambda _msg: None)
        self.projects: dict[int, ProjectRec] = {}
        self.activity: dict[int, str] = {}
        for row in Project.objects.values(*PROJECT_FIELDS, "activity_code").iterator(
            chunk_size=5000
        ):
            self.projects[row["id"]] = _project_rec(row)
            self.activity[row["id"]] = row["activity_code"]
        say(f"{len(self.projects)} projects loaded")
        self.cells: dict[int, list[int]] = defaultdict(list)
        for project_id, cell in ProjectCell.objects.values_list("project_id", "cell").iterator(
            chunk_size=20000
        ):
            self.cells[cell].append(project_id)
        self.costs: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        for p in self.projects.values():
            if p.unit_cost is not None:
                self.costs[(regency_of(p.village_id), p.work_type, p.unit)].append(
                    float(p.unit_cost)
                )
        self.stats = {k: rules.cost_stats(v) for k, v in self.costs.items()}
        self.photos: dict[int, PhotoRec] = {}
        for row in ProgressPhoto.objects.values(*PHOTO_FIELDS).iterator(chunk_size=5000):
            self.photos[row["id"]] = PhotoRec(**{k: row[k] for k in PHOTO_FIELDS})
        # band value -> [(photo id, hash value)]
        self.full_bands: list[dict[int, list[tuple[int, int]]]] = [
            defaultdict(list) for _ in range(4)
        ]
        self.crop_bands: list[dict[int, list[tuple[int, int]]]] = [
            defaultdict(list) for _ in range(4)
        ]
        for photo_id, kind, value in PhotoHash.objects.values_list(
            "photo_id", "kind", "value"
        ).iterator(chunk_size=20000):
            photo = self.photos.get(photo_id)
            if photo is None:
                continue
            photo.hashes[kind] = value
            if kind == HashKind.FULL:
                target = self.full_bands
            elif kind in (HashKind.CROP90, HashKind.CROP80):
                target = self.crop_bands
            else:  # corner crops and dHash: compared within a project, not band-indexed
                continue
            for i, band in enumerate(bands(value)):
                target[i][band].append((photo_id, value))
        self.photos = {k: v for k, v in self.photos.items() if HashKind.FULL in v.hashes}
        self.by_sha: dict[str, list[int]] = defaultdict(list)
        self.by_project: dict[int, list[PhotoRec]] = defaultdict(list)
        for photo in self.photos.values():
            self.by_sha[photo.sha256].append(photo.id)
            self.by_project[photo.project_id].append(photo)
        say(f"{len(self.photos)} photos loaded")
        self.reports: dict[int, list[ReportRec]] = defaultdict(list)
        for r in ProgressReport.objects.annotate(n=Count("photos")).values(
            "id", "project_id", "stage", "created_at", "reported_on", "n"
        ):
            self.reports[r["project_id"]].append(
                _report_rec(
                    r["id"], r["project_id"], r["stage"], r["created_at"], r["reported_on"], r["n"]
                )
            )
        self.boundaries = dict(
            Region.objects.filter(level="village").values_list("code", "boundary")
        )

    def nearby(self, project: ProjectRec, cfg: rules.Config) -> list[ProjectRec]:
        ids: set[int] = set()
        for cell in search_cells(project.geom, cfg.duplicate_distance_m):
            ids.update(self.cells.get(cell, ()))
        ids.discard(project.id)
        window = timedelta(days=rules.search_window_days(cfg))
        out = []
        for i in ids:
            other = self.projects.get(i)
            if other is not None and abs(other.planned_start - project.planned_start) <= window:
                out.append(other)
        return out

    def hash_candidates(self, photo: PhotoRec, limit: int) -> list[PhotoRec]:
        ids: set[int] = set(self.by_sha.get(photo.sha256, ()))
        for value in rules.query_hashes(photo).values():
            for i, band in enumerate(bands(value)):
                for pid, other in self.full_bands[i].get(band, ()):
                    if hamming(value, other) <= limit:
                        ids.add(pid)
        mine = photo.hashes[HashKind.FULL]
        for i, band in enumerate(bands(mine)):
            for pid, other in self.crop_bands[i].get(band, ()):
                if hamming(mine, other) <= limit:
                    ids.add(pid)
        ids.discard(photo.id)
        return [self.photos[i] for i in ids if i in self.photos]


def all_findings(progress: Callable[[str], None] | None = None) -> list[Finding]:
    cfg = rules.config()
    now = timezone.now()
    today = timezone.localdate(now)
    index = MemoryIndex(progress)
    lookup = ceiling_lookup(run=True)
    releases = releases_for_all()
    lineages = {
        pk: str(lineage)
        for pk, lineage in Project.objects.exclude(budget_activity_lineage=None).values_list(
            "pk", "budget_activity_lineage"
        )
    }
    findings: list[Finding] = []
    for n, project in enumerate(index.projects.values(), start=1):
        findings += rules.duplicate_findings(project, index.nearby(project, cfg), cfg)
        stats = index.stats.get((regency_of(project.village_id), project.work_type, project.unit))
        findings += rules.unit_cost_findings(
            project, stats, cfg, lookup, activity_code=index.activity[project.id]
        )
        findings += rules.stalled_findings(project, today, cfg)
        if project.id in lineages:
            findings += rules.disbursement_findings(project, releases.get(lineages[project.id]))
        findings += rules.evidence_findings(project, index.reports.get(project.id, ()), now, cfg)
        photos = index.by_project.get(project.id, [])
        boundary = index.boundaries.get(project.village_id, "")
        for photo in photos:
            findings += rules.reuse_findings(
                photo,
                _with_siblings(index.hash_candidates(photo, cfg.phash_max_distance), photos),
                cfg,
                siblings=photos,
            )
            findings += rules.geotag_findings(photo, project, boundary, cfg)
            findings += rules.time_findings(photo, project, photos, now, cfg)
        if progress and n % 10000 == 0:
            progress(f"{n} projects checked")
    return findings


def detect_all(progress: Callable[[str], None] | None = None) -> StoreResult:
    """Run every rule over every project and photo; store idempotently."""
    findings = all_findings(progress)
    return store_findings(findings, Coverage(rules=set(rules.ALL_RULES), project_ids=None))

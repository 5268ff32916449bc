# ruff: noqa: E501, S608 - long COPY column lists; SQL built from our own table names only
"""e-Village Monitoring at regency and national scale.

- Regency history: 217 villages x 20 projects x 10 years (~43,400 projects, 3 reports and 3
  photos each: ~130,000 photos). Photos are metadata and hashes only (random 64-bit pHashes,
  random SHA-256, device and EXIF positions near the site); no image files are stored.
- National slice: 1,000,000 projects with one photo each (3 million hash rows), generated with
  PostgreSQL COPY. They are placed in Banyuwangi's 217 villages (the only boundaries we have),
  i.e. ~40x denser than reality: the worst case for the nearby search.
- Screening one new project (every rule over it and its photos) and one new photo (the photo
  rules), p95 against 50 ms (regency) and 200 ms (1 M), with the signals of ADR 0037-0039: titles
  normalised, the durable-work-at-the-same-place check, pHash + dHash of seven regions per
  photo (14 hash rows) compared with every photo of the project, the lost-EXIF evidence (3 %
  of photos carry no EXIF); a full ``detect_redflags`` at regency
  scale against 2 minutes; photo hashing throughput on real JPEGs against 100 photos/s.

``--quick`` uses 217 x 2 x 10 projects and a 100,000-project national slice.
``SK_BENCH_PROJECTS_NATIONAL=0`` skips the national slice (the regency figures alone).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

import h3
from django.db import connection, transaction
from django.utils import timezone
from harness import Harness
from PIL import Image, ImageDraw
from shapely.geometry import Point

from conftest import BOUNDARIES_FILE, CODES_FILE
from smartkampung.projects.geometry import cells_of, parse_geometry
from smartkampung.projects.models import (
    DHASH_KINDS,
    PHASH_KINDS,
    PhotoHash,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCell,
    RedFlag,
)
from smartkampung.projects.photos import analyse_photo, stored_bands, to_hex
from smartkampung.projects.redflags import detect_changed, screen_project
from smartkampung.projects.redflags.engine import photo_findings, unit_costs_changed
from smartkampung.regions.geo import METRES_PER_DEGREE, parse_geojson_geometry
from smartkampung.regions.models import Region
from smartkampung.regions.services import region_import

WORKS = [
    ("road", "m", 450_000, "Rabat beton jalan"),
    ("drain", "m", 350_000, "Saluran drainase"),
    ("bridge", "m", 12_000_000, "Jembatan"),
    ("building", "m2", 2_500_000, "Rehab gedung"),
    ("retaining_wall", "m", 900_000, "Talud"),
    ("water_supply", "unit", 25_000_000, "Sumur bor"),
    ("street_lighting", "unit", 6_000_000, "Pemasangan PJU"),
]
# Operators write the same words differently (the duplicate rule normalises them).
SPELLINGS = [("Dusun", "Dsn."), ("Desa", "Ds."), ("RT ", "RT 0")]
# Every photo's searchable hashes: pHash and dHash of seven regions (ADR 0038).
KINDS = [k.value for k in (*PHASH_KINDS, *DHASH_KINDS)]
HAMLETS = ["Krajan", "Sumberjo", "Mulyorejo", "Sidomulyo", "Rejoagung", "Karangrejo", "Kebonsari"]


def _random_point(rng: random.Random, geom: Any) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(200):
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(Point(lng, lat)):
            return lat, lng
    p = geom.representative_point()
    return p.y, p.x


def _offset(lat: float, lng: float, north: float, east: float) -> tuple[float, float]:
    return (
        lat + north / METRES_PER_DEGREE,
        lng + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def _spelled(rng: random.Random, title: str) -> str:
    for long, short in SPELLINGS:
        if rng.random() < 0.5:
            title = title.replace(long, short)
    return title


def _rand64(rng: random.Random) -> int:
    v = rng.getrandbits(64)
    return v - (1 << 64) if v >= (1 << 63) else v


def _clear() -> None:
    with connection.cursor() as cur:
        for model in (RedFlag, PhotoHash, ProgressPhoto, ProgressReport, ProjectCell, Project):
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cur.execute(f"TRUNCATE {table} CASCADE")
            else:
                cur.execute(f"DELETE FROM {table}")


def _villages() -> list[tuple[str, Any]]:
    if not Region.objects.filter(level="village").exists():
        region_import(codes=CODES_FILE.read_bytes(), boundaries=BOUNDARIES_FILE.read_bytes())
    return [
        (r.code, parse_geojson_geometry(r.boundary))
        for r in Region.objects.filter(level="village").exclude(boundary="").order_by("code")
    ]


def generate_regency(per_village_year: int, years: int = 10, seed: int = 1) -> dict[str, int]:
    """Bulk-create a regency's history (no services: speed; the rows are what services write)."""
    rng = random.Random(seed)
    villages = _villages()
    first_year = date.today().year - years
    counts = {"projects": 0, "photos": 0}
    tz = timezone.get_current_timezone()
    batch: list[tuple[Project, list[int], list[tuple[int, int, int]]]] = []
    from smartkampung.accounts.models import User

    operator_id = User.objects.get_or_create(username="bench.operator")[0].pk

    def flush() -> None:
        with transaction.atomic():
            created = Project.objects.bulk_create([b[0] for b in batch], batch_size=2000)
            ProjectCell.objects.bulk_create(
                [
                    ProjectCell(project=p, cell=c)
                    for p, (_, cells, _) in zip(created, batch, strict=True)
                    for c in cells
                ],
                batch_size=5000,
            )
            reports = ProgressReport.objects.bulk_create(
                [
                    ProgressReport(
                        project=p, stage=stage, reported_on=p.planned_start + timedelta(days=stage)
                    )
                    for p in created
                    for stage in (0, 50, 100)
                ],
                batch_size=5000,
            )
            photos: list[ProgressPhoto] = []
            hashes: list[list[int]] = []
            for i, report in enumerate(reports):
                project = created[i // 3]
                lat, lng = _offset(
                    project.lat, project.lng, rng.uniform(-30, 30), rng.uniform(-30, 30)
                )
                values = [_rand64(rng) for _ in KINDS]
                full = values[0]
                no_exif = rng.random() < 0.03  # forwarded through a messaging app
                photos.append(
                    ProgressPhoto(
                        report=report,
                        project=project,
                        village_id=project.village_id,
                        stage=report.stage,
                        original=f"bench/{project.pk}-{report.stage}.jpg",
                        content_type="image/jpeg",
                        size_bytes=2_000_000,
                        width=4000,
                        height=3000,
                        sha256=hashlib.sha256(rng.randbytes(16)).hexdigest(),
                        phash=to_hex(full),
                        phash_rotations=" ".join(to_hex(_rand64(rng)) for _ in range(3)),
                        exif_lat=None if no_exif else lat,
                        exif_lng=None if no_exif else lng,
                        exif_taken_at=None
                        if no_exif
                        else datetime.combine(report.reported_on, clock(10), tz),
                        exif_device="" if no_exif else "Bench Phone",
                        device_lat=lat,
                        device_lng=lng,
                        device_accuracy_m=rng.uniform(3, 15),
                        uploaded_by_id=operator_id,
                    )
                )
                hashes.append(values)
            photos = ProgressPhoto.objects.bulk_create(photos, batch_size=5000)
            PhotoHash.objects.bulk_create(
                [
                    PhotoHash(
                        photo=ph,
                        kind=kind,
                        value=v,
                        **stored_bands(kind, v),
                    )
                    for ph, hs in zip(photos, hashes, strict=True)
                    for kind, v in zip(KINDS, hs, strict=True)
                ],
                batch_size=10000,
            )
            counts["projects"] += len(created)
            counts["photos"] += len(photos)
        batch.clear()

    for year in range(first_year, first_year + years):
        for code, geom in villages:
            for i in range(per_village_year):
                work, unit, price, title = WORKS[rng.randrange(len(WORKS))]
                lat, lng = _random_point(rng, geom)
                if work in {"road", "drain"} and rng.random() < 0.5:
                    lat2, lng2 = _offset(lat, lng, rng.uniform(-300, 300), rng.uniform(-300, 300))
                    parsed = parse_geometry(wkt=f"LINESTRING({lng} {lat}, {lng2} {lat2})")
                else:
                    parsed = parse_geometry(lat=lat, lng=lng)
                volume = Decimal(rng.randrange(10, 400))
                cost = Decimal(round(price * rng.lognormvariate(0, 0.25)))
                start = date(year, 1, 1) + timedelta(days=rng.randrange(0, 300))
                project = Project(
                    village_id=code,
                    title=_spelled(
                        rng,
                        f"{title} Dusun {HAMLETS[rng.randrange(len(HAMLETS))]} RT {rng.randrange(1, 30)} Desa ({i})",
                    ),
                    work_type=work,
                    fund_source=rng.choice(["DDS", "ADD", "PAD"]),
                    budget=cost * volume,
                    volume=volume,
                    unit=unit,
                    unit_cost=cost,
                    planned_start=start,
                    planned_end=start + timedelta(days=rng.randrange(60, 180)),
                    geometry_kind=parsed.kind,
                    geometry=parsed.geojson,
                    lat=parsed.lat,
                    lng=parsed.lng,
                    progress=100,
                    status="completed",
                    activity_code="02.03.10",
                )
                batch.append((project, sorted(cells_of(parsed.geom)), []))
                if len(batch) >= 2000:
                    flush()
    if batch:
        flush()
    unit_costs_changed()
    return counts


def generate_national(n_projects: int, seed: int = 2) -> None:
    """COPY ``n_projects`` projects (points) with one photo each into PostgreSQL."""
    rng = random.Random(seed)
    villages = _villages()
    start_id = (Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    photo_id = (ProgressPhoto.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    report_id = (
        ProgressReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    first_year = date.today().year - 10
    res = 9
    now = timezone.now().isoformat()
    raw = connection.connection
    assert raw is not None
    with transaction.atomic(), raw.cursor() as cur:
        with cur.copy(
            "COPY projects_project (id, village_id, title, activity_code, work_type, fund_source, budget, volume, unit, unit_cost, executor, planned_start, planned_end, geometry_kind, geometry, lat, lng, progress, status, created_at, updated_at) FROM STDIN"
        ) as copy:
            points: list[tuple[float, float, str]] = []
            for k in range(n_projects):
                code, geom = villages[k % len(villages)]
                lat, lng = _random_point(rng, geom)
                points.append((lat, lng, code))
                work, unit, price, title = WORKS[rng.randrange(len(WORKS))]
                start = date(first_year + rng.randrange(10), 1, 1) + timedelta(
                    days=rng.randrange(300)
                )
                volume = rng.randrange(10, 400)
                cost = round(price * rng.lognormvariate(0, 0.25))
                copy.write_row(
                    (
                        start_id + k,
                        code,
                        f"{title} {HAMLETS[rng.randrange(7)]} {k}",
                        "02.03.10",
                        work,
                        "DDS",
                        cost * volume,
                        volume,
                        unit,
                        cost,
                        "",
                        start,
                        start + timedelta(days=120),
                        "point",
                        json.dumps(
                            {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]}
                        ),
                        lat,
                        lng,
                        100,
                        "completed",
                        now,
                        now,
                    )
                )
        with cur.copy("COPY projects_projectcell (project_id, cell) FROM STDIN") as copy:
            for k, (lat, lng, _code) in enumerate(points):
                copy.write_row((start_id + k, h3.str_to_int(h3.latlng_to_cell(lat, lng, res))))
        with cur.copy(
            "COPY projects_progressreport (id, project_id, stage, reported_on, note, created_at) FROM STDIN"
        ) as copy:
            for k in range(n_projects):
                copy.write_row((report_id + k, start_id + k, 0, date(first_year, 6, 1), "", now))
        hashes: list[list[int]] = []
        with cur.copy(
            "COPY projects_progressphoto (id, report_id, project_id, village_id, stage, original, original_name, content_type, size_bytes, width, height, sha256, phash, phash_rotations, exif_lat, exif_lng, exif_device, device_lat, device_lng, device_accuracy_m, thumbnail, display, uploaded_at) FROM STDIN"
        ) as copy:
            for k, (lat, lng, code) in enumerate(points):
                values = [_rand64(rng) for _ in KINDS]
                full = values[0]
                hashes.append(values)
                copy.write_row(
                    (
                        photo_id + k,
                        report_id + k,
                        start_id + k,
                        code,
                        0,
                        "bench.jpg",
                        "",
                        "image/jpeg",
                        1,
                        1,
                        1,
                        "%064x" % rng.getrandbits(256),
                        to_hex(full),
                        " ".join(to_hex(_rand64(rng)) for _ in range(3)),
                        lat,
                        lng,
                        "",
                        lat,
                        lng,
                        5.0,
                        "",
                        "",
                        now,
                    )
                )
        with cur.copy(
            "COPY projects_photohash (photo_id, kind, value, band0, band1, band2, band3) FROM STDIN"
        ) as copy:
            for k, hs in enumerate(hashes):
                for kind, v in zip(KINDS, hs, strict=True):
                    copy.write_row((photo_id + k, kind, v, *stored_bands(kind, v).values()))
        for table, col in (
            ("projects_project", "id"),
            ("projects_progressreport", "id"),
            ("projects_progressphoto", "id"),
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{col}'), (SELECT max({col}) FROM {table}))"
            )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    unit_costs_changed()


def _new_project_screen(h: Harness, name: str, target: float, n: int) -> None:
    """Screen n random projects (all rules over the project and its photos, flags stored)."""
    ids = list(Project.objects.order_by("?").values_list("pk", flat=True)[: n + 5])
    pool = iter(ids)

    def once() -> None:
        pid = next(pool)
        screen_project(pid)

    h.measure(
        name,
        once,
        n=n,
        warmup=3,
        target_p95_ms=target,
        notes="every rule over one existing project and its photos, flags stored",
    )


def _photo_screen(h: Harness, name: str, target: float, n: int) -> None:
    ids = list(ProgressPhoto.objects.order_by("?").values_list("pk", flat=True)[: n + 5])
    pool = iter(ids)
    h.measure(
        name,
        lambda: photo_findings(next(pool)),
        n=n,
        warmup=3,
        target_p95_ms=target,
        notes="PHOTO_REUSE (SHA-256 + 4 hash bands; pHash + dHash of 7 regions against the "
        "project's photos; lost EXIF), GEOTAG_*, PHOTO_TIME_INCONSISTENT",
    )


def _jpeg(seed: int, size: tuple[int, int]) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    w, h = size
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.ellipse(
            [x, y, x + rng.randrange(20, w // 3), y + rng.randrange(20, h // 3)],
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    exif = Image.Exif()
    exif[271], exif[272] = "Bench", "Phone"
    exif.get_ifd(0x8769)[36867] = "2026:01:02 10:00:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (8.0, 30.0, 1.5), "E", (114.0, 10.0, 2.5)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def _hashing(h: Harness, quick: bool) -> None:
    from smartkampung.core.uploads import validate_image

    for size, count in (((1600, 1200), 40 if quick else 200), ((4000, 3000), 10 if quick else 40)):
        photos = [_jpeg(i, size) for i in range(min(count, 20))]
        start = time.perf_counter()
        for i in range(count):
            analyse_photo(photos[i % len(photos)])
        rate = count / (time.perf_counter() - start)
        mb = sum(len(p) for p in photos) / len(photos) / 1e6
        h.record(
            f"hash photos {size[0]}x{size[1]} (~{mb:.1f} MB): SHA-256 + EXIF + pHash",
            rate,
            "photos/s",
            target=">= 100 photos/s",
            passed=rate >= 100,
        )
        start = time.perf_counter()
        n = max(5, count // 4)
        for i in range(n):
            validate_image(photos[i % len(photos)])
            analyse_photo(photos[i % len(photos)])
        rate = n / (time.perf_counter() - start)
        h.record(
            f"full upload check {size[0]}x{size[1]}: validate_image (complete decode) + hashing",
            rate,
            "photos/s",
            notes="the upload path also decodes the whole image once",
        )


def run(h: Harness, *, quick: bool = False) -> None:
    _hashing(h, quick)
    _clear()
    per = 2 if quick else 20
    start = time.perf_counter()
    counts = generate_regency(per)
    h.record(
        f"generate regency history ({counts['projects']} projects, {counts['photos']} photos)",
        time.perf_counter() - start,
        "s",
    )
    n = 30 if quick else 200
    _new_project_screen(
        h, f"screen one project at regency scale ({counts['projects']} projects)", 50, n
    )
    _photo_screen(h, f"screen one new photo at regency scale ({counts['photos']} photos)", 50, n)
    RedFlag.objects.all().delete()
    start = time.perf_counter()
    result, _run = detect_changed(full=True)
    took = time.perf_counter() - start
    h.record(
        f"detect_redflags --full ({counts['projects']} projects)",
        took,
        "s",
        target="< 120 s",
        passed=took < 120,
        notes=f"{result.found} findings",
    )
    start = time.perf_counter()
    _result, run = detect_changed()
    took = time.perf_counter() - start
    h.record(
        "detect_redflags, next run with nothing new (incremental)",
        took,
        "s",
        target="< 5 s",
        passed=took < 5 and not run.full,
        notes=f"{run.projects_checked} projects checked",
    )
    edited = Project.objects.order_by("?").first()
    if edited is not None:
        Project.objects.filter(pk=edited.pk).update(updated_at=timezone.now())
        start = time.perf_counter()
        _result, run = detect_changed()
        took = time.perf_counter() - start
        h.record(
            "detect_redflags after one project changed (incremental)",
            took,
            "s",
            target="< 5 s",
            passed=took < 5 and not run.full,
            notes=f"{run.projects_checked} projects checked (neighbours and its cost group)",
        )
    if connection.vendor != "postgresql":
        h.record("national slice", 0, "-", notes="skipped: needs PostgreSQL (COPY)")
        return
    if os.environ.get("SK_BENCH_PROJECTS_NATIONAL", "1") == "0":
        h.record("national slice", 0, "-", notes="skipped: SK_BENCH_PROJECTS_NATIONAL=0")
        _clear()
        return
    national = 100_000 if quick else 1_000_000
    start = time.perf_counter()
    generate_national(national - counts["projects"])
    total = Project.objects.count()
    h.record(f"generate national slice (total {total} projects)", time.perf_counter() - start, "s")
    _new_project_screen(h, f"screen one project at national scale ({total} projects)", 200, n)
    _photo_screen(
        h,
        f"screen one new photo at national scale ({ProgressPhoto.objects.count()} photos)",
        200,
        n,
    )
    _clear()

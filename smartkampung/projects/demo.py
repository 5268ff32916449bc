"""Demo projects: ~30 projects in the three demo villages with generated, geotagged photos,
including a planted duplicate project and a reused photo so that the inspector's queue is not
empty. Deterministic and idempotent (skipped when the demo projects exist)."""

from __future__ import annotations

import io
import math
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from PIL import Image, ImageDraw

from smartkampung.accounts.models import User
from smartkampung.budgets.selectors.budgets import budget_executing
from smartkampung.regions.geo import METRES_PER_DEGREE, parse_geojson_geometry
from smartkampung.regions.models import Region

from . import services
from .geometry import parse_geometry
from .models import Project
from .redflags import detect_changed

VILLAGES = {
    "35.10.01.2001": "operator.sarongan",
    "35.10.01.2002": "operator.pesanggaran",
    "35.10.02.2001": "operator.sukorejo",
}
WORKS = [
    ("road", "Rabat beton jalan dusun {d}", "m", 300, 450_000, "02.03.10"),
    ("drain", "Saluran drainase RT {n} dusun {d}", "m", 200, 350_000, "02.03.14"),
    ("bridge", "Jembatan penghubung dusun {d}", "m", 10, 12_000_000, "02.03.13"),
    ("building", "Rehabilitasi Posyandu dusun {d}", "m2", 60, 2_500_000, "02.02.09"),
    ("retaining_wall", "Talud penahan tanah dusun {d}", "m", 80, 900_000, "02.03.14"),
]
HAMLETS = ["Krajan", "Sumberjo", "Mulyorejo", "Sidomulyo", "Rejoagung"]


def _offset(lat: float, lng: float, north: float, east: float) -> tuple[float, float]:
    return (
        lat + north / METRES_PER_DEGREE,
        lng + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def _photo(seed: int, lat: float, lng: float, taken: datetime) -> bytes:
    rng = random.Random(seed)  # noqa: S311 - demo pictures, not security
    img = Image.new("RGB", (480, 360), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(30):  # distinct pictures: shapes everywhere, in many colours
        x, y = rng.randrange(480), rng.randrange(360)
        box = [x, y, x + rng.randrange(15, 240), y + rng.randrange(15, 180)]
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=colour)
    exif = Image.Exif()
    exif[271], exif[272] = "Demo", "Kamera Lapangan"
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[306] = stamp
    exif.get_ifd(0x8769)[36867] = stamp
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "S", "E"
    for key, value in ((2, abs(lat)), (4, lng)):
        d = int(value)
        m = int((value - d) * 60)
        gps[key] = (float(d), float(m), round((value - d - m / 60) * 3600, 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def _linked_road(actor: User | None, village: Region) -> None:
    """Sarongan's APBDes 2026 road (activity 02.03.10, demo budgets) as a project linked to its
    budget activity, with only the 0 % photo: the money released for it (cement and wages,
    38.7 %) ran ahead of the evidence (0 % + 30 % advance), so DISBURSED_AHEAD_OF_PROGRESS
    fires, and the village head cannot approve the pending sand purchase."""
    budget = budget_executing(village_code=village.code, year=2026)
    activity = budget.activities.filter(activity_id="02.03.10").first() if budget else None
    if actor is None or activity is None:
        return
    total = sum((i.amount for i in activity.items.all()), Decimal("0"))
    centre = parse_geojson_geometry(village.boundary).representative_point()
    lat, lng = _offset(centre.y, centre.x, -350, 420)
    project = services.project_create(
        actor=actor,
        village_code=village.code,
        data=services.ProjectData(
            title="Rabat beton jalan desa Dusun Krajan 600 m",
            work_type="road",
            fund_source="DDS",
            budget=total.quantize(Decimal("1")),
            volume=Decimal(600),
            unit="m",
            planned_start=date(2026, 6, 1),
            planned_end=date(2026, 9, 30),
            geometry=parse_geometry(lat=lat, lng=lng),
            executor="TPK Sarongan",
            budget_activity=str(activity.lineage),
        ),
        external_id="DEMO-APBDES-ROAD",
        screen=False,
    )
    report = services.report_create(
        actor=actor, project=project, stage=0, reported_on=date(2026, 6, 3), screen=False
    )
    taken = datetime.combine(date(2026, 6, 3), time(9, 30), ZoneInfo(settings.TIME_ZONE))
    services.photo_add(
        actor=actor,
        report=report,
        data=_photo(777, lat, lng, taken),
        filename="krajan-0.jpg",
        device_lat=lat,
        device_lng=lng,
        device_accuracy_m=5.0,
        screen=False,
    )


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    if Project.objects.filter(external_id__startswith="DEMO-").exists():
        return []
    actors = {code: User.objects.filter(username=name).first() for code, name in VILLAGES.items()}
    villages = {r.code: r for r in Region.objects.filter(code__in=list(VILLAGES))}
    if len(villages) < 3 or not all(actors.values()):
        write("projects demo: skipped (regions or demo accounts missing)")
        return []
    tz = ZoneInfo(settings.TIME_ZONE)
    today = date.today()
    year_start = date(today.year, 1, 1)
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data
    created: list[Project] = []
    with transaction.atomic():
        n = 0
        for code, village in villages.items():
            actor = actors[code]
            centre = parse_geojson_geometry(village.boundary).representative_point()
            for i in range(10):
                n += 1
                work, title, unit, volume, unit_price, activity = WORKS[i % len(WORKS)]
                lat, lng = _offset(
                    centre.y, centre.x, rng.uniform(-900, 900), rng.uniform(-900, 900)
                )
                start = year_start + timedelta(days=rng.randrange(0, 200))
                price = unit_price * (3.2 if n == 7 else rng.uniform(0.85, 1.2))  # one mark-up
                data = services.ProjectData(
                    title=title.format(d=HAMLETS[i % 5], n=i + 1),
                    work_type=work,
                    fund_source=rng.choice(["DDS", "DDS", "ADD", "PAD"]),
                    budget=Decimal(round(price * volume, -3)),
                    volume=Decimal(volume),
                    unit=unit,
                    planned_start=start,
                    planned_end=start + timedelta(days=90 + rng.randrange(60)),
                    geometry=parse_geometry(lat=lat, lng=lng),
                    activity_code=activity,
                    executor="TPK " + village.name,
                )
                try:
                    project = services.project_create(
                        actor=actor,
                        village_code=code,
                        data=data,
                        external_id=f"DEMO-{n:02d}",
                        screen=False,
                    )
                except services.ValidationFailed:
                    continue
                created.append(project)
                for stage in services.stages():
                    day = start + timedelta(days=stage)  # 0 %, 50 %, 100 % over the period
                    if day > today or (stage == 100 and i % 3 == 0):
                        break
                    report = services.report_create(
                        actor=actor, project=project, stage=stage, reported_on=day, screen=False
                    )
                    taken = datetime.combine(day, time(10, 0), tz)
                    plat, plng = _offset(
                        project.lat, project.lng, rng.uniform(-20, 20), rng.uniform(-20, 20)
                    )
                    services.photo_add(
                        actor=actor,
                        report=report,
                        data=_photo(n * 1000 + stage, plat, plng, taken),
                        filename=f"demo-{n}-{stage}.jpg",
                        device_lat=plat,
                        device_lng=plng,
                        device_accuracy_m=6.0,
                        screen=False,
                    )
        # A planted duplicate: the first Sarongan road entered again, 40 m away, other source.
        first = created[0]
        lat, lng = _offset(first.lat, first.lng, 40, 0)
        services.project_create(
            actor=actors[first.village_id],
            village_code=first.village_id,
            data=services.ProjectData(
                title="Pengerasan jalan dusun Krajan (rabat beton)",
                work_type="road",
                fund_source="ADD",
                budget=first.budget,
                volume=first.volume,
                unit=first.unit,
                planned_start=first.planned_start + timedelta(days=20),
                planned_end=first.planned_end + timedelta(days=20),
                geometry=parse_geometry(lat=lat, lng=lng),
                activity_code="02.03.10",
                executor=first.executor,
            ),
            external_id="DEMO-DUP",
            screen=False,
        )
        # A reused photo: Sukorejo's third project reports with Pesanggaran's first photo.
        donor = next(p for p in created if p.village_id == "35.10.01.2002")
        taker = [p for p in created if p.village_id == "35.10.02.2001"][2]
        source = donor.photos.order_by("pk").first()
        first_report = taker.reports.order_by("stage").first()
        if source is not None and first_report is not None:
            from django.core.files.storage import default_storage

            with default_storage.open(source.original.name, "rb") as fh:
                services.photo_add(
                    actor=actors[taker.village_id],
                    report=first_report,
                    data=fh.read(),
                    filename="kiriman.jpg",
                    device_lat=taker.lat,
                    device_lng=taker.lng,
                    device_accuracy_m=0,
                    screen=False,
                )
        _linked_road(actors["35.10.01.2001"], villages["35.10.01.2001"])
    result, _run = detect_changed()
    write(f"projects demo: {len(created) + 1} projects, {result.created} red flags")
    return []

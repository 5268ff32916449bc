"""Test data: real JPEGs with EXIF written in, and projects built through the services."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from shapely.geometry import Point

from smartkampung.regions.geo import METRES_PER_DEGREE, parse_geojson_geometry
from smartkampung.regions.models import Region

from ..geometry import parse_geometry
from ..services import ProjectData


def inside_point(village: Region) -> tuple[float, float]:
    """(lat, lng) of a point well inside the village."""
    geom = parse_geojson_geometry(village.boundary)
    p = geom.representative_point()
    return p.y, p.x


def offset(lat: float, lng: float, north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    import math

    return (
        lat + north_m / METRES_PER_DEGREE,
        lng + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def scene(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A photo-like picture: shapes in many colours with sensor noise (distinct per seed)."""
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(30):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = [x0, y0, x0 + rng.randrange(20, w // 2), y0 + rng.randrange(20, h // 2)]
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=colour)
    arr = np.asarray(img).astype(np.int16)
    noise = np.random.default_rng(seed).integers(-10, 10, arr.shape)
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 4)
    return (float(d), float(m), s)


def jpeg(
    img: Image.Image,
    *,
    lat: float | None = None,
    lng: float | None = None,
    taken_at: datetime | None = None,
    device: str = "Samsung SM-A125F",
    orientation: int | None = None,
    quality: int = 90,
) -> bytes:
    """Encode ``img`` as JPEG with EXIF: GPS position, capture time, device."""
    exif = Image.Exif()
    if device:
        make, _, model = device.partition(" ")
        exif[271] = make
        exif[272] = model
    if orientation:
        exif[0x0112] = orientation
    if taken_at is not None:
        stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
        exif[306] = stamp
        exif.get_ifd(0x8769)[36867] = stamp
    if lat is not None and lng is not None:
        gps = exif.get_ifd(0x8825)
        gps[1] = "S" if lat < 0 else "N"
        gps[2] = _dms(lat)
        gps[3] = "W" if lng < 0 else "E"
        gps[4] = _dms(lng)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def stripped(data: bytes) -> bytes:
    """The same pixels re-saved without any EXIF (what messaging apps do)."""
    with Image.open(io.BytesIO(data)) as img:
        out = io.BytesIO()
        img.save(out, "JPEG", quality=95)
    return out.getvalue()


def recompressed(data: bytes, quality: int = 60, scale: float = 1.0) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        if scale != 1.0:
            img = img.resize((int(img.width * scale), int(img.height * scale)))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def rotated(data: bytes, degrees: int = 90) -> bytes:
    transpose = {
        90: Image.Transpose.ROTATE_90,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_270,
    }[degrees]
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        out = io.BytesIO()
        img.transpose(transpose).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def cropped(data: bytes, fraction: float = 0.05) -> bytes:
    """Cut ``fraction`` off every side."""
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        w, h = img.size
        box = (
            int(w * fraction),
            int(h * fraction),
            int(w * (1 - fraction)),
            int(h * (1 - fraction)),
        )
        out = io.BytesIO()
        img.crop(box).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def png_bomb() -> bytes:
    """A tiny PNG that claims to be enormous when decoded (a decompression bomb)."""
    img = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def project_data(
    village: Region,
    *,
    title: str = "Pembangunan Jalan Rabat Beton Dusun Krajan",
    work_type: str = "road",
    north_m: float = 0,
    east_m: float = 0,
    start: date | None = None,
    days: int = 90,
    budget: int = 150_000_000,
    volume: str = "300",
    unit: str = "m",
    fund_source: str = "DDS",
    geojson: str = "",
    **extra: Any,
) -> ProjectData:
    lat, lng = offset(*inside_point(village), north_m=north_m, east_m=east_m)
    start = start or date.today() - timedelta(days=30)
    geometry = parse_geometry(geojson=geojson) if geojson else parse_geometry(lat=lat, lng=lng)
    return ProjectData(
        title=title,
        work_type=work_type,
        fund_source=fund_source,
        budget=Decimal(budget),
        volume=Decimal(volume),
        unit=unit,
        planned_start=start,
        planned_end=start + timedelta(days=days),
        geometry=geometry,
        activity_code=extra.pop("activity_code", "02.03.10"),
        executor=extra.pop("executor", "TPK Desa"),
    )


def point_of(data: ProjectData) -> tuple[float, float]:
    geom = data.geometry.geom
    assert isinstance(geom, Point)
    return geom.y, geom.x


def cropped_brightened(data: bytes, rng: random.Random) -> bytes:
    """A later stage "photographed" from an earlier photo: cut unevenly by up to 8 % on each
    side (off-centre), brightened by 10-35 %, re-encoded at quality 60-85, EXIF lost."""
    from PIL import ImageEnhance

    with Image.open(io.BytesIO(data)) as img:
        w, h = img.size
        box = (
            int(w * rng.uniform(0, 0.08)),
            int(h * rng.uniform(0, 0.08)),
            w - int(w * rng.uniform(0, 0.08)),
            h - int(h * rng.uniform(0, 0.08)),
        )
        brighter = ImageEnhance.Brightness(img.convert("RGB").crop(box)).enhance(
            rng.uniform(1.1, 1.35)
        )
    out = io.BytesIO()
    brighter.save(out, "JPEG", quality=rng.randint(60, 85))
    return out.getvalue()

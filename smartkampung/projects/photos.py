"""What the server reads from a photo's original bytes, before anything resizes them.

SHA-256 of the bytes as received; EXIF (GPS position, capture time, device); perceptual hashes
(imagehash pHash) of the whole photo, of its central 90 % and 80 % and four corner crops (so
that a cropped copy is still found) and of its three rotations (so that a rotated copy is
found), and difference hashes (dHash, a second family) of the same regions. JPEG decoding uses
Pillow's draft mode (DCT scaling), which makes hashing a 12-megapixel photo cheap.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import imagehash
from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageCms

from .models import HASH_REGIONS, HashKind

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
TAG_MAKE, TAG_MODEL, TAG_DATETIME = 271, 272, 306
TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL = 36867, 36881
HASH_SIZE = 32  # pHash input: 32x32 grey, top-left 8x8 DCT coefficients -> 64 bits
ROTATIONS = {
    "rot90": Image.Transpose.ROTATE_90,
    "rot180": Image.Transpose.ROTATE_180,
    "rot270": Image.Transpose.ROTATE_270,
}
THUMBNAIL_PX = 320
SRGB_PROFILE = ImageCms.createProfile("sRGB")
DISPLAY_PX = 1280


@dataclass
class PhotoFacts:
    sha256: str
    width: int
    height: int
    # Searchable hashes (HashKind -> signed 64-bit int) and query-only rotation hashes.
    hashes: dict[str, int]
    rotations: dict[str, int]
    exif_lat: float | None = None
    exif_lng: float | None = None
    exif_taken_at: datetime | None = None
    exif_device: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def phash_hex(self) -> str:
        return to_hex(self.hashes[HashKind.FULL])


def to_signed(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def to_hex(value: int) -> str:
    return f"{value & ((1 << 64) - 1):016x}"


def from_hex(text: str) -> int:
    return to_signed(int(text, 16))


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def bands(value: int) -> tuple[int, int, int, int]:
    """Four 16-bit bands of a 64-bit hash (stored indexed for the near-duplicate search)."""
    u = value & ((1 << 64) - 1)
    return (u >> 48) & 0xFFFF, (u >> 32) & 0xFFFF, (u >> 16) & 0xFFFF, u & 0xFFFF


# The kinds the near-duplicate search looks up by band (ADR 0032). The other kinds (corner
# crops, dHash) are compared within a project only (ADR 0038); their band columns hold
# UNINDEXED_BAND, a value no lookup asks for, so the band indexes stay as selective as before.
BANDED_KINDS = frozenset({HashKind.FULL, HashKind.CROP90, HashKind.CROP80})
UNINDEXED_BAND = -1


def stored_bands(kind: str, value: int) -> dict[str, int]:
    """The band columns of a ``PhotoHash`` row of ``kind``."""
    values = bands(value) if kind in BANDED_KINDS else (UNINDEXED_BAND,) * 4
    return {f"band{i}": b for i, b in enumerate(values)}


def _phash_int(small: Image.Image) -> int:
    return to_signed(int(str(imagehash.phash(small, hash_size=8)), 16))


def _dhash_int(small: Image.Image) -> int:
    """dHash: whether each pixel is brighter than its right neighbour (9x8 grey), a gradient
    signature independent of pHash's DCT: a uniform brightening does not change it."""
    return to_signed(int(str(imagehash.dhash(small, hash_size=8)), 16))


def _rational(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return float(num) / float(den)


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(GPS_IFD)
    except (KeyError, ValueError, TypeError, OSError):
        return None, None
    try:
        lat_ref, lat_dms, lng_ref, lng_dms = gps[1], gps[2], gps[3], gps[4]
        lat = sum(_rational(v) / 60**i for i, v in enumerate(lat_dms))
        lng = sum(_rational(v) / 60**i for i, v in enumerate(lng_dms))
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if str(lat_ref).upper().startswith("S"):
        lat = -lat
    if str(lng_ref).upper().startswith("W"):
        lng = -lng
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None, None
    return round(lat, 7), round(lng, 7)


def _taken_at(exif: Image.Exif) -> datetime | None:
    try:
        sub = exif.get_ifd(EXIF_IFD)
    except (KeyError, ValueError, TypeError, OSError):
        sub = {}
    raw = sub.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
    if not raw:
        return None
    try:
        naive = datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = str(sub.get(TAG_OFFSET_TIME_ORIGINAL) or "").strip("\x00 ")
    if offset:
        try:
            return datetime.strptime(f"{naive.isoformat()}{offset}", "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            pass
    # A camera's clock has no zone: it is the local time where the regency is.
    return timezone.make_aware(naive, ZoneInfo(settings.TIME_ZONE))


def _device(exif: Image.Exif) -> str:
    parts = [str(exif.get(tag) or "").strip("\x00 ") for tag in (TAG_MAKE, TAG_MODEL)]
    return " ".join(p for p in parts if p)[:120]


def analyse_photo(data: bytes) -> PhotoFacts:
    """Read hashes and EXIF from the original bytes (call ``validate_image`` first)."""
    sha = hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
        exif = img.getexif()
        lat, lng = _gps(exif)
        taken_at = _taken_at(exif)
        device = _device(exif)
        orientation = _orientation(exif)
        img.draft("L", (256, 256))  # JPEG: decode at 1/2..1/8 scale, far faster
        # Hash the photo as people see it (upright), whatever the orientation tag says.
        grey = _apply_orientation(img.convert("L"), orientation)
    hashes: dict[str, int] = {}
    w, h = grey.size
    full_small = grey.resize((HASH_SIZE, HASH_SIZE), Image.Resampling.LANCZOS)
    for p_kind, d_kind, (left, top, right, bottom) in HASH_REGIONS:
        if p_kind == HashKind.FULL:
            small = full_small
        else:
            box = (round(left * w), round(top * h), round(right * w), round(bottom * h))
            small = grey.crop(box).resize((HASH_SIZE, HASH_SIZE), Image.Resampling.LANCZOS)
        hashes[p_kind] = _phash_int(small)
        hashes[d_kind] = _dhash_int(small)
    rotations = {name: _phash_int(full_small.transpose(t)) for name, t in ROTATIONS.items()}
    return PhotoFacts(
        sha256=sha,
        width=width,
        height=height,
        hashes=hashes,
        rotations=rotations,
        exif_lat=lat,
        exif_lng=lng,
        exif_taken_at=taken_at,
        exif_device=device,
    )


_ORIENTATION_OPS: dict[int, list[Image.Transpose]] = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}


def _orientation(exif: Image.Exif) -> int:
    try:
        return int(exif.get(0x0112) or 1)
    except (TypeError, ValueError):
        return 1


def _apply_orientation(img: Image.Image, orientation: int) -> Image.Image:
    for op in _ORIENTATION_OPS.get(orientation, []):
        img = img.transpose(op)
    return img


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """The pixels in sRGB: a photo with another embedded colour profile (Adobe RGB, Display
    P3) is converted, so that the derivative needs no profile at all."""
    if not icc:
        return img.convert("RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if img.mode not in {"RGB", "L", "CMYK"}:
            img = img.convert("RGB")
        converted = ImageCms.profileToProfile(
            img, source, SRGB_PROFILE, outputMode="RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        converted = None  # a damaged or unusable profile: keep the pixels as they are
    return (converted or img).convert("RGB")


def make_derivative(data: bytes, max_px: int) -> bytes:
    """An upright sRGB JPEG at most ``max_px`` on its long side that carries pixels and
    nothing else: no EXIF, XMP, IPTC/Photoshop (APP13), comment, colour profile, thumbnail or
    trailing bytes of the original (ADR 0036). The pixels are copied into a new image, so no
    metadata Pillow read from the original (``info``) can be written back on save."""
    with Image.open(io.BytesIO(data)) as img:
        orientation = _orientation(img.getexif())
        icc = img.info.get("icc_profile")
        img.draft("RGB", (max_px, max_px))
        rgb = _apply_orientation(_to_srgb(img, icc), orientation)
    rgb.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())  # pixels only: ``info`` is empty
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()

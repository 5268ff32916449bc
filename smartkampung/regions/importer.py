"""Parsing and validation of a regency's region files, before anything is written.

``parse_region_files`` reads a codes CSV (``kode,nama,tingkat,jenis,kode_induk``) and a GeoJSON
FeatureCollection of village boundaries (property ``kode``), checks every row and feature, and
returns either the clean records or every problem found, each naming its row or feature.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from smartkampung.core.uploads import decode_text

from .geo import area_km2, geometry_to_geojson, polygonal_part
from .models import Kind, Level

REQUIRED_COLUMNS = ("kode", "nama", "tingkat", "jenis", "kode_induk")
MAX_FILE_BYTES = 100 * 1024 * 1024

CODE_PATTERNS = {
    Level.REGENCY: re.compile(r"^\d{2}\.\d{2}$"),
    Level.DISTRICT: re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    Level.VILLAGE: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}
LEVEL_BY_TINGKAT = {
    "kabupaten": Level.REGENCY,
    "kota": Level.REGENCY,
    "kecamatan": Level.DISTRICT,
    "desa_kelurahan": Level.VILLAGE,
    "desa": Level.VILLAGE,
    "kelurahan": Level.VILLAGE,
}
KINDS_BY_LEVEL = {
    Level.REGENCY: {Kind.KABUPATEN, Kind.KOTA},
    Level.DISTRICT: {Kind.KECAMATAN},
    Level.VILLAGE: {Kind.DESA, Kind.KELURAHAN},
}


@dataclass
class RegionRecord:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    row: int
    boundary: str = ""
    geometry: BaseGeometry | None = None
    repaired: bool = False


@dataclass
class ParseResult:
    records: dict[str, RegionRecord] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    without_boundary: list[str] = field(default_factory=list)


def parse_region_files(
    codes_bytes: bytes, boundaries_bytes: bytes, *, existing_codes: set[str]
) -> ParseResult:
    """Validate both files. ``existing_codes`` are regions already stored (valid parents)."""
    result = ParseResult()
    _parse_codes(codes_bytes, result, existing_codes)
    if not result.errors:
        _parse_boundaries(boundaries_bytes, result)
    if not result.errors:
        result.without_boundary = sorted(
            code
            for code, rec in result.records.items()
            if rec.level == Level.VILLAGE and rec.geometry is None
        )
    return result


def _parse_codes(data: bytes, result: ParseResult, existing_codes: set[str]) -> None:
    try:
        text = decode_text(data)
    except Exception as exc:
        result.errors.append(_("Codes file: %(err)s") % {"err": exc})
        return
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append(
            _("Codes file: missing column(s) %(cols)s; expected %(expected)s.")
            % {"cols": ", ".join(missing), "expected": ",".join(REQUIRED_COLUMNS)}
        )
        return
    reader.fieldnames = header
    first_row: dict[str, int] = {}
    for row_no, row in enumerate(reader, start=2):
        code = (row.get("kode") or "").strip()
        name = (row.get("nama") or "").strip()
        tingkat = (row.get("tingkat") or "").strip().lower()
        jenis = (row.get("jenis") or "").strip().lower()
        parent = (row.get("kode_induk") or "").strip() or None
        where = _("Codes file row %(row)d") % {"row": row_no}
        level = LEVEL_BY_TINGKAT.get(tingkat)
        if level is None:
            result.errors.append(f"{where}: " + _("unknown level “%(v)s”.") % {"v": tingkat})
            continue
        if not CODE_PATTERNS[level].match(code):
            result.errors.append(
                f"{where}: "
                + _("malformed code “%(code)s” for level %(level)s.")
                % {"code": code, "level": tingkat}
            )
            continue
        if code in first_row:
            result.errors.append(
                f"{where}: "
                + _("duplicate code %(code)s (first on row %(first)d).")
                % {"code": code, "first": first_row[code]}
            )
            continue
        first_row[code] = row_no
        if not name or len(name) > 120:
            result.errors.append(f"{where}: " + _("name is empty or longer than 120 characters."))
            continue
        if jenis not in {k.value for k in KINDS_BY_LEVEL[level]}:
            result.errors.append(
                f"{where}: "
                + _("kind “%(kind)s” does not fit level %(level)s.")
                % {"kind": jenis, "level": tingkat}
            )
            continue
        if level == Level.VILLAGE:
            # Kemendagri: the village serial starts with 1 for a kelurahan, 2 for a desa.
            expected = Kind.KELURAHAN if code.split(".")[3].startswith("1") else Kind.DESA
            if jenis != expected:
                result.errors.append(
                    f"{where}: "
                    + _("kind “%(kind)s” contradicts code %(code)s (expected “%(expected)s”).")
                    % {"kind": jenis, "code": code, "expected": expected.value}
                )
                continue
        expected_parent = code.rsplit(".", 1)[0] if level != Level.REGENCY else None
        if level != Level.REGENCY and parent != expected_parent:
            result.errors.append(
                f"{where}: "
                + _("parent code “%(parent)s” does not match code %(code)s.")
                % {"parent": parent or "", "code": code}
            )
            continue
        result.records[code] = RegionRecord(
            code=code,
            name=name,
            level=level.value,
            kind=jenis,
            parent_code=expected_parent,
            row=row_no,
        )
    if not first_row and not result.errors:
        result.errors.append(_("Codes file: no rows."))
    for rec in result.records.values():
        if (
            rec.parent_code
            and rec.parent_code not in result.records
            and rec.parent_code not in existing_codes
        ):
            result.errors.append(
                _("Codes file row %(row)d: parent %(parent)s of %(code)s is not in the file.")
                % {"row": rec.row, "parent": rec.parent_code, "code": rec.code}
            )


def _parse_boundaries(data: bytes, result: ParseResult) -> None:
    try:
        collection = json.loads(decode_text(data))
    except (ValueError, Exception) as exc:
        result.errors.append(_("Boundaries file: not valid GeoJSON (%(err)s).") % {"err": exc})
        return
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        result.errors.append(_("Boundaries file: expected a GeoJSON FeatureCollection."))
        return
    features = collection.get("features")
    if not isinstance(features, list):
        result.errors.append(_("Boundaries file: “features” is not a list."))
        return
    seen: dict[str, int] = {}
    for index, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        code = str((props or {}).get("kode") or (props or {}).get("code") or "").strip()
        where = _("Boundaries feature %(n)d (%(code)s)") % {"n": index, "code": code or "?"}
        rec = result.records.get(code)
        if rec is None or rec.level != Level.VILLAGE:
            result.errors.append(f"{where}: " + _("code is not a village in the codes file."))
            continue
        if code in seen:
            result.errors.append(
                f"{where}: " + _("duplicate boundary (first is feature %(n)d).") % {"n": seen[code]}
            )
            continue
        seen[code] = index
        geom, error, repaired = _clean_geometry(feature.get("geometry"))
        if error:
            result.errors.append(f"{where}: {error}")
            continue
        assert geom is not None
        rec.geometry = geom
        rec.boundary = geometry_to_geojson(geom)
        rec.repaired = repaired
        if repaired:
            result.repaired.append(code)


def _clean_geometry(raw: Any) -> tuple[BaseGeometry | None, str, bool]:
    if not isinstance(raw, dict) or raw.get("type") not in {"Polygon", "MultiPolygon"}:
        return None, _("geometry must be a Polygon or MultiPolygon."), False
    try:
        geom = shape(raw)
    except Exception as exc:
        return None, _("geometry cannot be read (%(err)s).") % {"err": exc}, False
    if geom.is_empty:
        return None, _("geometry is empty."), False
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, _("coordinates are outside longitude/latitude range (swapped?)."), False
    repaired = False
    if not geom.is_valid:
        geom = polygonal_part(shapely.make_valid(geom))
        repaired = True
        if geom.is_empty or not geom.is_valid or area_km2(geom) <= 0:
            return None, _("geometry is invalid and cannot be repaired."), True
    return geom, "", repaired

"""Writes to the region tree. Region data are public reference data, imported by the platform
operator from the command line (the command records the audit event)."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from smartkampung.core.exceptions import ValidationFailed

from .geo import area_km2, geometry_to_geojson, polygonal_part
from .importer import ParseResult, RegionRecord, parse_region_files
from .models import Level, Region

BOUNDARY_CACHE_VERSION_KEY = "regions:boundary-version"


@dataclass
class RegionImportReport:
    created: int = 0
    updated: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    boundaries: int = 0
    repaired: list[str] = field(default_factory=list)
    without_boundary: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "by_level": self.by_level,
            "by_kind": self.by_kind,
            "boundaries": self.boundaries,
            "repaired": self.repaired,
            "without_boundary": self.without_boundary,
        }


def region_import(*, codes: bytes, boundaries: bytes) -> RegionImportReport:
    """Validate both files completely, then create or update every region in one transaction.

    Raises ValidationFailed (listing every row or feature at fault) and writes nothing if any
    check fails. Re-importing the same files updates in place and changes nothing else.
    """
    existing = set(Region.objects.values_list("code", flat=True))
    parsed: ParseResult = parse_region_files(codes, boundaries, existing_codes=existing)
    if parsed.errors:
        raise ValidationFailed(
            _("The region files were refused: %(n)d problem(s).") % {"n": len(parsed.errors)},
            code="region_import_invalid",
            details=parsed.errors,
        )
    _derive_parent_boundaries(parsed.records)
    report = RegionImportReport(repaired=parsed.repaired, without_boundary=parsed.without_boundary)
    order = {Level.REGENCY: 0, Level.DISTRICT: 1, Level.VILLAGE: 2}
    with transaction.atomic():
        for rec in sorted(parsed.records.values(), key=lambda r: (order[Level(r.level)], r.code)):
            _region, created = Region.objects.update_or_create(code=rec.code, defaults=_fields(rec))
            report.created += int(created)
            report.updated += int(not created)
            report.by_level[rec.level] = report.by_level.get(rec.level, 0) + 1
            report.by_kind[rec.kind] = report.by_kind.get(rec.kind, 0) + 1
            report.boundaries += int(rec.level == Level.VILLAGE and bool(rec.boundary))
        transaction.on_commit(_bump_boundary_version)
    return report


def _bump_boundary_version() -> None:
    try:
        cache.incr(BOUNDARY_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(BOUNDARY_CACHE_VERSION_KEY, 1, None)


def _fields(rec: RegionRecord) -> dict[str, object]:
    values: dict[str, object] = {
        "name": rec.name,
        "level": rec.level,
        "kind": rec.kind,
        "parent_id": rec.parent_code,
        "boundary": rec.boundary,
        "boundary_repaired": rec.repaired,
    }
    geom = rec.geometry
    if geom is not None and not geom.is_empty:
        centre = geom.centroid
        if not geom.contains(centre):
            centre = geom.representative_point()
        assert isinstance(centre, Point)
        minx, miny, maxx, maxy = geom.bounds
        values.update(
            centroid_lat=round(centre.y, 7),
            centroid_lng=round(centre.x, 7),
            min_lng=minx,
            min_lat=miny,
            max_lng=maxx,
            max_lat=maxy,
            area_km2=round(area_km2(geom), 4),
        )
    return values


def _derive_parent_boundaries(records: dict[str, RegionRecord]) -> None:
    """A district's and regency's outline is the union of their villages' (simplified)."""
    for level in (Level.DISTRICT, Level.REGENCY):
        for rec in records.values():
            if rec.level != level:
                continue
            parts: list[BaseGeometry] = [
                child.geometry
                for child in records.values()
                if child.parent_code == rec.code and child.geometry is not None
            ]
            if not parts:
                continue
            union = polygonal_part(shapely.union_all(parts)).simplify(0.0003)
            if union.is_empty:
                continue
            rec.geometry = union
            rec.boundary = geometry_to_geojson(union, digits=5)

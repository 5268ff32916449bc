"""Given region files, when imported, then the tree is complete or nothing changes."""

from __future__ import annotations

import json

import pytest

from conftest import BOUNDARIES_FILE, CODES_FILE
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.core.exceptions import ValidationFailed
from smartkampung.regions.models import Level, Region
from smartkampung.regions.services import region_import

CODES = CODES_FILE.read_bytes()
BOUNDARIES = BOUNDARIES_FILE.read_bytes()
HEADER = b"kode,nama,tingkat,jenis,kode_induk\n"


def _small_codes(*extra: bytes) -> bytes:
    return (
        HEADER
        + b"99.01,Kabupaten Uji,kabupaten,kabupaten,\n"
        + b"99.01.01,Kecamatan Satu,kecamatan,kecamatan,99.01\n"
        + b"99.01.01.2001,Desa Satu,desa_kelurahan,desa,99.01.01\n"
        + b"".join(extra)
    )


def _square(lng: float, lat: float, size: float = 0.01) -> list[list[list[float]]]:
    return [
        [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    ]


def _features(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(code: str, coordinates: object, kind: str = "Polygon") -> dict:
    return {
        "type": "Feature",
        "properties": {"kode": code},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def _refused(codes: bytes, boundaries: bytes) -> ValidationFailed:
    err = assert_refused_unchanged(
        lambda: region_import(codes=codes, boundaries=boundaries),
        snapshot=lambda: snapshot_rows(Region),
        errors=(ValidationFailed,),
    )
    assert isinstance(err, ValidationFailed)
    return err


@pytest.mark.django_db
def test_banyuwangi_loads_complete_tree() -> None:
    # The session fixture already imported the files once; a re-import updates in place.
    report = region_import(codes=CODES, boundaries=BOUNDARIES)
    assert report.created == 0
    assert report.updated == 243
    assert report.by_level == {"regency": 1, "district": 25, "village": 217}
    assert report.by_kind == {"kabupaten": 1, "kecamatan": 25, "desa": 189, "kelurahan": 28}
    assert report.boundaries == 217
    assert Region.objects.filter(level=Level.VILLAGE).exclude(boundary="").count() == 217
    sarongan = Region.objects.get(code="35.10.01.2001")
    assert sarongan.name == "Sarongan"
    assert sarongan.parent_id == "35.10.01"
    assert sarongan.area_km2 and sarongan.area_km2 > 1
    # A district outline is derived from its villages.
    assert Region.objects.get(code="35.10.01").boundary.startswith('{"type":"')


@pytest.mark.django_db
def test_reimport_updates_names_in_place() -> None:
    codes = _small_codes()
    region_import(codes=codes, boundaries=_features(_feature("99.01.01.2001", _square(110, -7))))
    renamed = codes.replace(b"Desa Satu", b"Desa Satu Baru")
    report = region_import(
        codes=renamed, boundaries=_features(_feature("99.01.01.2001", _square(110, -7)))
    )
    assert (report.created, report.updated) == (0, 3)
    assert Region.objects.get(code="99.01.01.2001").name == "Desa Satu Baru"


@pytest.mark.django_db
def test_self_intersecting_polygon_is_repaired() -> None:
    bowtie = [[[110, -7], [110.01, -6.99], [110.01, -7], [110, -6.99], [110, -7]]]
    report = region_import(
        codes=_small_codes(), boundaries=_features(_feature("99.01.01.2001", bowtie))
    )
    assert report.repaired == ["99.01.01.2001"]
    assert Region.objects.get(code="99.01.01.2001").boundary_repaired


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra,message",
    [
        (b"99.01.01.20x1,Rusak,desa_kelurahan,desa,99.01.01\n", "malformed code"),
        (b"99.01.01.2001,Lagi,desa_kelurahan,desa,99.01.01\n", "duplicate code"),
        (b"99.01.07.2001,Yatim,desa_kelurahan,desa,99.01.07\n", "is not in the file"),
        (b"99.01.01.2002,Salah Induk,desa_kelurahan,desa,99.01.02\n", "does not match"),
        (b"99.01.01.1003,Jenis Salah,desa_kelurahan,desa,99.01.01\n", "contradicts code"),
        (b"99.01.01.2004,,desa_kelurahan,desa,99.01.01\n", "name is empty"),
        (b"99.01.01.2005,Tingkat,dusun,desa,99.01.01\n", "unknown level"),
    ],
)
def test_bad_code_rows_are_refused_with_row_number(extra: bytes, message: str) -> None:
    err = _refused(_small_codes(extra), _features())
    assert any("row 5" in line and message in line for line in err.details), err.details


@pytest.mark.django_db
def test_missing_column_is_refused() -> None:
    err = _refused(b"kode,nama\n99.01,X\n", _features())
    assert "missing column" in err.details[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [b"", b"\xff\xfe\x00k\x00o\x00d\x00e", "kode,nama,tingkat,jenis,kode_induk\n".encode("utf-16")],
)
def test_empty_or_wrong_encoding_codes_file_is_refused(payload: bytes) -> None:
    _refused(payload, _features())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "boundaries,message",
    [
        (b"not json", "not valid GeoJSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (_features(_feature("99.01.01.9999", _square(110, -7))), "not a village"),
        (
            _features(
                _feature("99.01.01.2001", _square(110, -7)),
                _feature("99.01.01.2001", _square(110, -7)),
            ),
            "duplicate boundary",
        ),
        (_features(_feature("99.01.01.2001", [[[110, -7], [110, -7], [110, -7]]])), "feature 1"),
        (_features(_feature("99.01.01.2001", _square(-7, 110))), "swapped"),
        (_features(_feature("99.01.01.2001", [[1, 2]], kind="LineString")), "Polygon"),
    ],
)
def test_bad_boundaries_are_refused_naming_the_feature(boundaries: bytes, message: str) -> None:
    err = _refused(_small_codes(), boundaries)
    assert any(message in line for line in err.details), err.details
    assert not Region.objects.filter(code__startswith="99.").exists()

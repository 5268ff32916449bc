"""Regency sizes the benchmarks run at (``bench/run.py --scale NAME``, issue 16).

``banyuwangi`` (the default) is the real regency shipped in data/regions: 217 villages and a
register of 1.8 million. ``bogor`` is a synthetic regency shaped like Kabupaten Bogor, the
largest: 40 kecamatan, 416 desa and 19 kelurahan with Kemendagri-shaped codes under 32.01 and
generated square boundaries, and a register of 5.6 million. It runs in its own database
(``sk_bench_bogor``) so that the Banyuwangi-scale data of ``sk_bench`` stay as they are.
Benchmarks that do not read the scale yet run at Banyuwangi size in either database.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from conftest import load_regions


@dataclass(frozen=True)
class Scale:
    name: str
    regency: str
    residents: int
    quick_residents: int
    big_village: str  # the 10,000-resident village of the paging benchmark
    kecamatan: str  # the kecamatan of the kecamatan statistics page
    import_village: str  # receives the import file


BANYUWANGI = Scale(
    "banyuwangi", "35.10", 1_800_000, 120_000, "35.10.01.2002", "35.10.01", "35.10.02.2001"
)
BOGOR = Scale("bogor", "32.01", 5_600_000, 360_000, "32.01.01.2002", "32.01.01", "32.01.02.2001")
SCALES = {s.name: s for s in (BANYUWANGI, BOGOR)}

BOGOR_KECAMATAN = 40
BOGOR_DESA = 416
BOGOR_KELURAHAN = 19
CELL = 0.02  # degrees: a generated village is a square of about 2.2 km


def of(context: dict[str, Any]) -> Scale:
    return SCALES[context.get("scale", "banyuwangi")]


def bogor_region_files() -> tuple[bytes, bytes]:
    """The synthetic Bogor: CSV of codes in data/regions' format and a GeoJSON of squares."""
    rows = [["kode", "nama", "tingkat", "jenis", "kode_induk"]]
    rows.append(["32.01", "Kabupaten Bogor (sintetis)", "kabupaten", "kabupaten", ""])
    features = []
    villages = BOGOR_DESA + BOGOR_KELURAHAN
    per_kecamatan, extra = divmod(villages, BOGOR_KECAMATAN)
    n = 0
    for k in range(1, BOGOR_KECAMATAN + 1):
        kecamatan = f"32.01.{k:02d}"
        rows.append([kecamatan, f"Kecamatan Sintetis {k:02d}", "kecamatan", "kecamatan", "32.01"])
        for v in range(per_kecamatan + (1 if k <= extra else 0)):
            # The first village of each of the first 19 kecamatan is a kelurahan (1xxx codes).
            kelurahan = v == 0 and k <= BOGOR_KELURAHAN
            code = f"{kecamatan}.{1001 if kelurahan else 2001 + v}"
            kind = "kelurahan" if kelurahan else "desa"
            rows.append(
                [code, f"{kind.title()} Sintetis {n + 1:03d}", "desa_kelurahan", kind, kecamatan]
            )
            west, south = 106.4 + (n % 25) * CELL, -6.8 + (n // 25) * CELL
            ring = [
                [west, south],
                [west + CELL, south],
                [west + CELL, south + CELL],
                [west, south + CELL],
                [west, south],
            ]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"kode": code, "nama": rows[-1][1]},
                    "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
                }
            )
            n += 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    geojson = {"type": "FeatureCollection", "features": features}
    return out.getvalue().encode(), json.dumps(geojson).encode()


def ensure_regions(scale: Scale) -> None:
    """Banyuwangi always (benchmarks not scaled yet use it); the synthetic Bogor when asked."""
    load_regions()
    if scale is BOGOR:
        from smartkampung.regions.models import Region
        from smartkampung.regions.services import region_import

        if not Region.objects.filter(code="32.01").exists():
            codes, boundaries = bogor_region_files()
            region_import(codes=codes, boundaries=boundaries)

"""Regions: importing a whole regency's codes and boundaries; the map's GeoJSON endpoint."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.test import Client
from harness import Harness

from conftest import BOUNDARIES_FILE, CODES_FILE
from smartkampung.regions.services import region_import


def run(h: Harness, *, quick: bool = False) -> None:
    codes, boundaries = CODES_FILE.read_bytes(), BOUNDARIES_FILE.read_bytes()
    repeats = 2 if quick else 5
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        region_import(codes=codes, boundaries=boundaries)
        durations.append(time.perf_counter() - start)
    h.record(
        "import 243 regions + 217 boundaries (best of %d)" % repeats,
        min(durations) * 1000,
        "ms",
        notes=f"all runs: {[round(d * 1000) for d in durations]} ms",
    )

    client = Client()
    url = "/api/v1/regions/35.10/boundaries.geojson?level=village"

    def cold() -> None:
        cache.clear()
        assert client.get(url).status_code == 200

    def warm() -> None:
        assert client.get(url).status_code == 200

    h.measure("GeoJSON 217 villages, cold cache", cold, n=5 if quick else 20)
    h.measure("GeoJSON 217 villages, cached", warm, n=20 if quick else 200)
    size = len(client.get(url).content)
    h.record("GeoJSON 217 villages, size", size / 1024, "KiB")

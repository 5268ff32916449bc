from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_region_list_filters_by_level_and_parent() -> None:
    response = Client().get("/api/v1/regions/?level=village&parent=35.10.01&limit=100")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"]) > 0
    assert all(item["code"].startswith("35.10.01.") for item in body["items"])


def test_region_counts_match_banyuwangi() -> None:
    client = Client()
    counts = {
        level: client.get(f"/api/v1/regions/?level={level}&limit=1").json()["count"]
        for level in ("regency", "district", "village")
    }
    assert counts == {"regency": 1, "district": 25, "village": 217}


def test_region_detail_lists_children() -> None:
    body = Client().get("/api/v1/regions/35.10.01/").json()
    assert body["name"] == "Pesanggaran"
    assert {c["code"] for c in body["children"]} >= {"35.10.01.2001", "35.10.01.2002"}


def test_boundaries_geojson_has_every_village_and_an_etag() -> None:
    client = Client()
    response = client.get("/api/v1/regions/35.10/boundaries.geojson?level=village")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert len(data["features"]) == 217
    assert data["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    again = client.get(
        "/api/v1/regions/35.10/boundaries.geojson?level=village",
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_single_boundary_feature() -> None:
    data = json.loads(Client().get("/api/v1/regions/35.10.01.2001/boundary.geojson").content)
    assert data["properties"] == {"code": "35.10.01.2001", "name": "Sarongan"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/99.99/",
        "/api/v1/regions/99.99/boundaries.geojson",
        "/api/v1/regions/35.10.01.2001/../../etc/passwd/",
    ],
)
def test_unknown_region_is_a_json_404(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 404


def test_bad_level_is_a_json_422() -> None:
    response = Client().get("/api/v1/regions/35.10/boundaries.geojson?level=planet")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_boundaries_are_compressed_for_slow_connections() -> None:
    response = Client().get("/api/v1/regions/35.10/boundaries.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 250 * 1024


def test_boundaries_for_a_zoom_level_are_lighter_and_keep_every_village() -> None:
    from shapely.geometry import shape

    client = Client()
    full = client.get("/api/v1/regions/35.10/boundaries.geojson?level=village")
    overview = client.get("/api/v1/regions/35.10/boundaries.geojson?level=village&zoom=10")
    closer = client.get("/api/v1/regions/35.10/boundaries.geojson?level=village&zoom=14")
    assert overview.status_code == closer.status_code == 200
    assert len(overview.content) < len(closer.content)
    assert len(overview.content) * 3 < len(full.content)
    full_data, overview_data = json.loads(full.content), json.loads(overview.content)
    assert [f["properties"] for f in overview_data["features"]] == [
        f["properties"] for f in full_data["features"]
    ]
    # the overview moves no line by more than about a screen pixel at zoom 10 (~150 m)
    for coarse, fine in zip(overview_data["features"], full_data["features"], strict=True):
        a, b = shape(coarse["geometry"]), shape(fine["geometry"])
        assert a.is_valid or a.buffer(0).is_valid
        assert a.hausdorff_distance(b) < 0.0015


@pytest.mark.parametrize("zoom", ["-3", "99", "x"])
def test_a_zoom_out_of_range_is_clamped_or_refused(zoom: str) -> None:
    response = Client().get(f"/api/v1/regions/35.10/boundaries.geojson?level=village&zoom={zoom}")
    assert response.status_code in (200, 422)
    if zoom == "x":
        assert response.status_code == 422 and response.json()["code"] == "invalid_input"

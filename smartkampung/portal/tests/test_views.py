"""Public pages: no login, published projects only, EXIF-free photos, cached bodies."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from conftest import KEC_PESANGGARAN, REGENCY, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.projects.models import ProgressPhoto


def test_visitors_who_are_not_logged_in_land_on_the_portal(client: Client, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
    page = client.get("/portal/")
    assert page.status_code == 200
    # The menu offers the portal and its open data to anonymous visitors.
    assert b'href="/portal/"' in page.content and b'href="/portal/data/"' in page.content


def test_logged_in_users_keep_their_home_and_menu(make_user: Any, login_client: Any) -> None:
    client = login_client(make_user(roles=[(Role.VILLAGE_OPERATOR, SARONGAN)]))
    assert client.get("/").status_code == 200
    assert b'href="/portal/data/"' not in client.get("/accounts/profile/").content


@pytest.mark.parametrize("code", [REGENCY, KEC_PESANGGARAN, SARONGAN, SUKOREJO])
def test_region_pages_are_public(sample: Any, client: Client, code: str) -> None:
    response = client.get(f"/portal/{code}/?year={sample.year}")
    assert response.status_code == 200
    assert b"Rabat beton" in response.content or code == SUKOREJO


def test_a_district_page_names_its_regency_once(sample: Any, client: Client) -> None:
    page = client.get(f"/portal/{KEC_PESANGGARAN}/?year={sample.year}").content.decode()
    assert "Kabupaten Banyuwangi" in page
    assert "Kabupaten Kabupaten" not in page


def test_village_page_shows_the_published_project_with_its_photo(
    sample: Any, client: Client
) -> None:
    html = client.get(f"/portal/{SARONGAN}/?year={sample.year}").content.decode()
    assert f'href="/portal/projects/{sample.published.pk}/"' in html
    assert f"/portal/photos/{sample.photo_ids[0]}/thumb.jpg" in html
    # Planned work is not published yet.
    assert "Gedung serbaguna" not in html
    assert f"/portal/projects/{sample.planned.pk}/" not in html
    # Budgets: the approved APBDes of Sarongan.
    assert "Rp 7,50 jt" in html  # realised 7.5 million, shortened for a phone


def test_unknown_and_hostile_addresses_answer_404(sample: Any, client: Client) -> None:
    for url in [
        "/portal/99.99/",
        "/portal/%3Cscript%3E/",
        f"/portal/projects/{sample.planned.pk}/",
        "/portal/projects/999999/",
        "/portal/data/99.99/population.csv",
        f"/portal/data/{SARONGAN}/residents.csv",
        f"/portal/data/{SARONGAN}/population.xlsx",
        "/portal/data/fiscal/2026/items.csv",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/portal/{SARONGAN}/?year=abc").status_code == 200
    assert client.get(f"/portal/{SARONGAN}/?year=99999999999").status_code == 200
    assert client.post("/portal/").status_code == 405


def test_photos_are_served_without_exif(sample: Any, client: Client) -> None:
    photo = ProgressPhoto.objects.get(pk=sample.photo_ids[0])
    original = photo.original.open("rb").read()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the original has GPS
    for variant in ("thumb", "display"):
        response = client.get(f"/portal/photos/{photo.pk}/{variant}.jpg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline;")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        image = Image.open(io.BytesIO(body))
        assert not image.getexif()
        assert b"Exif" not in body[:4096]
        assert body != original


def test_the_original_photo_is_never_public(sample: Any, client: Client) -> None:
    photo_id = sample.photo_ids[0]
    for variant in ("original", "orig", "thumb.jpg", ""):
        assert client.get(f"/portal/photos/{photo_id}/{variant}.jpg").status_code == 404


def test_photos_of_unpublished_projects_are_not_served(
    sample: Any, client: Client, settings: Any
) -> None:
    photo_id = sample.photo_ids[0]
    settings.SK_PORTAL_PROJECT_STATUSES = ["completed"]  # the photo's project is ongoing
    assert client.get(f"/portal/photos/{photo_id}/thumb.jpg").status_code == 404
    assert client.get(f"/portal/projects/{sample.published.pk}/").status_code == 404


def test_a_photo_whose_copies_are_not_made_yet_is_not_served(sample: Any, client: Client) -> None:
    ProgressPhoto.objects.filter(pk=sample.photo_ids[0]).update(thumbnail="", display="")
    assert client.get(f"/portal/photos/{sample.photo_ids[0]}/thumb.jpg").status_code == 404


def test_project_page(sample: Any, client: Client) -> None:
    page = client.get(f"/portal/projects/{sample.published.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rabat beton jalan dusun Krajan" in html
    assert f"/portal/photos/{sample.photo_ids[0]}/display.jpg" in html
    assert "Haji Darmawan" not in html  # the executor is not published
    assert "IMG_0001" not in html  # nor the file name


def test_page_bodies_are_cached(
    sample: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    url = f"/portal/{SARONGAN}/?year={sample.year}"
    client.get(url)
    # The second visit renders the shell around the cached body: a couple of queries for
    # the session and the region, none for the figures.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    data = f"/portal/data/{SARONGAN}/budget.csv?year={sample.year}"
    first = client.get(data).content
    with django_assert_max_num_queries(2):
        assert client.get(data).content == first


def test_a_kelurahan_has_no_budget_section_but_its_other_figures(
    sample: Any, client: Client
) -> None:
    from smartkampung.regions.models import Kind, Region

    kelurahan = Region.objects.filter(kind=Kind.KELURAHAN).order_by("code").first()
    assert kelurahan is not None
    client.cookies["sk_language"] = "en"
    page = client.get(f"/portal/{kelurahan.code}/")
    assert page.status_code == 200
    assert b"has no village budget (APBDes) of its own" in page.content


def test_pages_are_light(sample: Any, client: Client) -> None:
    """The HTML of a village page stays small (the browser test measures the whole load)."""
    size = len(client.get(f"/portal/{SARONGAN}/?year={sample.year}").content)
    assert size < 60_000

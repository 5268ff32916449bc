"""Given a citizen's local business, its products appear on the village's public market page
only once the village approved both; photos pass the upload checks and lose their metadata;
the WhatsApp contact is a phone number the seller gave, never the NIK."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import (
    assert_refused_unchanged,
    permission_matrix,
    snapshot_rows,
)
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import NotFound
from smartkampung.economy import selectors, services
from smartkampung.economy.exceptions import BusinessInvalid, DecisionState, ProductInvalid
from smartkampung.economy.models import ApprovalStatus, LocalBusiness, Product
from smartkampung.population.testing import make_resident

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db


def rows() -> list[Any]:
    return snapshot_rows(LocalBusiness, Product, AuditEvent)


def _product(actor: Any, business: Any, **kw: Any) -> Product:
    data = {"name": "Kopi bubuk 250 g", "price": "35000", "whatsapp": "0812-3456-7890", **kw}
    return services.product_add(actor=actor, business=business, **data)


def test_citizen_registers_own_business(citizen, business):
    assert business.owner == citizen
    assert business.sector == "C"  # KBLI 10761: manufacturing (coffee processing)
    assert business.status == ApprovalStatus.PENDING


def test_citizen_cannot_register_for_someone_else(citizen, staff, village):
    other = make_resident(actor=staff.operator, village=village, full_name="Orang Lain")
    business = services.business_register(
        actor=citizen.user, village=village, name="Warung", kbli_code="47111", owner_id=other.pk
    )
    assert business.owner == citizen  # a citizen's owner_id is ignored


def test_citizen_cannot_register_in_another_village(citizen, other_village):
    assert_refused_unchanged(
        lambda: services.business_register(
            actor=citizen.user, village=other_village, name="Warung", kbli_code="47111"
        ),
        snapshot=rows,
    )


@permission_matrix(allowed={"staff_with_role", "citizen"})
def test_register_permission_matrix(actor_kind, allowed, matrix_actor, village, staff):
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_TREASURER
    )
    owner = make_resident(actor=staff.operator, village=village)
    if actor_kind == "citizen":  # the matrix's citizen gets a resident record of their own
        owner.user = actor
        owner.save(update_fields=["user"])

    def call() -> LocalBusiness:
        return services.business_register(
            actor=actor,
            village=village,
            name="Batik Gajah Oling",
            kbli_code="13134",
            owner_id=owner.pk,
        )

    if allowed:
        assert call().owner == owner
    else:
        assert_refused_unchanged(call, snapshot=rows)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"kbli_code": "1076"}, "kbli_code"),
        ({"kbli_code": "04123"}, "kbli_code"),  # division 04 does not exist
        ({"kbli_code": "<svg>"}, "kbli_code"),
        ({"nib": "12345"}, "nib"),
        ({"name": ""}, "name"),
    ],
)
def test_register_refuses_bad_input(citizen, village, fields, field):
    data = {"name": "Kopi", "kbli_code": "10761", **fields}
    error = assert_refused_unchanged(
        lambda: services.business_register(actor=citizen.user, village=village, **data),
        snapshot=rows,
    )
    assert isinstance(error, BusinessInvalid) and field in error.details


def test_staff_names_a_living_resident_as_owner(staff, village, other_village):
    from smartkampung.budgets.tests.helpers import make_staff

    elsewhere = make_staff(other_village.code)
    stranger = make_resident(actor=elsewhere.operator, village=other_village)
    error = assert_refused_unchanged(
        lambda: services.business_register(
            actor=staff.operator,
            village=village,
            name="Warung",
            kbli_code="47111",
            owner_id=stranger.pk,
        ),
        snapshot=rows,
    )
    assert "owner" in error.details


def test_product_listed_only_after_both_approvals(citizen, business, staff, village):
    product = _product(citizen.user, business)
    assert product.whatsapp == "6281234567890"
    assert selectors.market_products(village_code=village.code) == []
    services.product_decide(actor=staff.operator, product=product, approve=True)
    assert selectors.market_products(village_code=village.code) == []  # business still pending
    services.business_decide(actor=staff.head, business=business, approve=True)
    assert selectors.market_products(village_code=village.code) == [product]
    with pytest.raises(DecisionState):
        services.business_decide(actor=staff.head, business=business, approve=False)


@pytest.mark.parametrize(
    "whatsapp",
    ["", "12345", "0212345678", "+1 415 555 0100", "08123456789012345", "javascript:alert(1)"],
)
def test_product_refuses_a_bad_whatsapp_number(citizen, business, whatsapp):
    error = assert_refused_unchanged(
        lambda: _product(citizen.user, business, whatsapp=whatsapp), snapshot=rows
    )
    assert isinstance(error, ProductInvalid) and "whatsapp" in error.details


def test_product_refuses_the_owners_nik_as_contact(citizen, business):
    error = assert_refused_unchanged(
        lambda: _product(citizen.user, business, whatsapp=citizen.nik), snapshot=rows
    )
    assert "NIK" in error.details["whatsapp"]


@pytest.mark.parametrize("price", ["-1", "abc", "NaN", "1e400"])
def test_product_refuses_a_bad_price(citizen, business, price):
    assert_refused_unchanged(lambda: _product(citizen.user, business, price=price), snapshot=rows)


def _files() -> set[str]:
    try:
        _dirs, files = default_storage.listdir("economy/35.10.01.2001")
    except FileNotFoundError:
        return set()
    return set(files)


@pytest.mark.parametrize(
    "payload",
    [
        b"<script>alert(1)</script>",
        b"\xff\xd8\xff\xe0<script>alert(document.cookie)</script>",  # a script posing as JPEG
        b"%PDF-1.7\n1 0 obj<</JS (app.alert(1))>>endobj",
        b"",
    ],
)
def test_product_photo_that_is_not_an_image_is_refused(citizen, business, payload):
    before = _files()
    error = assert_refused_unchanged(
        lambda: _product(citizen.user, business, photo=io.BytesIO(payload)), snapshot=rows
    )
    assert "photo" in error.details
    assert _files() == before


def test_product_photo_is_stored_without_metadata(citizen, business):
    product = _product(citizen.user, business, photo=io.BytesIO(photo_bytes(with_gps=True)))
    with default_storage.open(product.photo, "rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()  # no GPS, no camera
    assert max(image.size) <= 800


@permission_matrix(allowed={"staff_with_role"})
def test_product_decide_permission_matrix(
    actor_kind, allowed, matrix_actor, village, citizen, business
):
    product = _product(citizen.user, business)
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_SECRETARY, other_role=Role.VILLAGE_TREASURER
    )

    def call() -> Product:
        return services.product_decide(actor=actor, product=product, approve=True)

    if allowed:
        assert call().status == ApprovalStatus.APPROVED
    else:
        assert_refused_unchanged(call, snapshot=rows)


def test_owner_cannot_approve_own_product(citizen, business):
    product = _product(citizen.user, business)
    assert_refused_unchanged(
        lambda: services.product_decide(actor=citizen.user, product=product, approve=True),
        snapshot=rows,
    )


def test_another_citizen_cannot_add_to_the_business(business, matrix_actor, village):
    other = matrix_actor("citizen", village=village, role=Role.VILLAGE_OPERATOR)
    assert_refused_unchanged(lambda: _product(other, business), snapshot=rows)
    with pytest.raises(NotFound):
        selectors.business_get(actor=other, business_id=business.pk)


# --- the public market page -------------------------------------------------------------------


@pytest.fixture
def listed(citizen, business, staff) -> Product:
    product = _product(
        citizen.user, business, photo=io.BytesIO(photo_bytes()), description="Robusta Sarongan"
    )
    services.product_decide(actor=staff.operator, product=product, approve=True)
    services.business_decide(actor=staff.operator, business=business, approve=True)
    return product


def test_market_page_is_public_light_and_without_personal_data(listed, citizen, village):
    response = Client().get(f"/economy/market/{village.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kopi bubuk 250 g" in html and "Kopi Rajegwesi" in html
    assert "https://wa.me/6281234567890" in html
    assert citizen.nik not in html and citizen.full_name not in html
    assert "<script" not in html
    css = Client().get("/static/core/sk.css")
    css_bytes = len(b"".join(css.streaming_content)) if css.status_code == 200 else 0
    assert len(response.content) + css_bytes < 150 * 1024
    photo = Client().get(f"/economy/market/photos/{listed.pk}.jpg")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_market_page_search_and_pending_products(listed, citizen, business, village):
    _product(citizen.user, business, name="Gula aren")  # pending: not listed
    html = Client().get(f"/economy/market/{village.code}/", {"q": "gula"}).content.decode()
    assert "Gula aren" not in html
    html = Client().get(f"/economy/market/{village.code}/", {"q": "kopi"}).content.decode()
    assert "Kopi bubuk 250 g" in html


def test_photo_of_an_unlisted_product_is_404(citizen, business):
    product = _product(citizen.user, business, photo=io.BytesIO(photo_bytes()))
    assert Client().get(f"/economy/market/photos/{product.pk}.jpg").status_code == 404


def test_market_page_in_both_languages(listed, village):
    from django.conf import settings

    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Order on WhatsApp" in english.get(f"/economy/market/{village.code}/").content.decode()
    assert (
        "Pesan lewat WhatsApp" in Client().get(f"/economy/market/{village.code}/").content.decode()
    )


def test_citizen_registers_through_the_page(citizen, village):
    from django.conf import settings

    client = Client()
    client.force_login(citizen.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        f"/economy/villages/{village.code}/businesses/",
        {"name": "Tahu Walik", "kbli_code": "10792"},
    )
    assert response.status_code == 302
    business = LocalBusiness.objects.get()
    response = client.post(
        f"/economy/businesses/{business.pk}/",
        {
            "name": "Tahu walik isi 10",
            "price": "15000",
            "whatsapp": "081234567890",
            "photo": _upload(b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 422 and not Product.objects.exists()
    assert "The file is not an image of an accepted type" in response.content.decode()


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tahu.jpg", data, content_type="image/jpeg")


def test_regency_wide_search_by_product_and_village(listed, village, neighbour_village):
    found = Client().get("/economy/market/", {"q": "kopi"}).content.decode()
    assert "Kopi bubuk 250 g" in found and village.name in found
    assert "<script" not in found
    elsewhere = Client().get("/economy/market/", {"q": "kopi", "village": neighbour_village.code})
    assert "Kopi bubuk 250 g" not in elsewhere.content.decode()
    in_village = Client().get("/economy/market/", {"q": "kopi", "village": village.code})
    assert "Kopi bubuk 250 g" in in_village.content.decode()
    # one letter, or a hostile value, lists nothing and breaks nothing
    assert "Kopi bubuk" not in Client().get("/economy/market/", {"q": "k"}).content.decode()
    odd = Client().get("/economy/market/", {"q": "%' OR 1=1 --", "village": "<x>"})
    assert odd.status_code == 200 and "Kopi bubuk" not in odd.content.decode()

"""Writes of the register of local businesses (UMKM) and their products: registered by the
village office or by the citizen in their own name, approved by the village.

A product's photo goes through the shared upload checks (``core.uploads``: size, content
sniffing, a full decode, no decompression bomb); only a re-encoded copy with pixels and nothing
else is stored (``projects.photos.make_derivative``: no EXIF, no GPS), so the public page never
serves the seller's original file.
"""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.uploads import read_limited, validate_image
from smartkampung.population import selectors as population
from smartkampung.projects.photos import make_derivative
from smartkampung.regions.models import Region

from ..exceptions import BusinessInvalid, DecisionState, ProductInvalid
from ..kbli import sector_of
from ..models import ApprovalStatus, LocalBusiness, Product
from ..permissions import can_keep_businesses, citizen_resident, is_business_owner
from .common import clean_text, money

NIB_RE = re.compile(r"^\d{13}$")
# Indonesian mobile numbers: 08…, +628… or 628…, 9 to 12 digits after the leading 0.
WHATSAPP_RE = re.compile(r"^(?:\+?62|0)(8\d{8,11})$")
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PX = 800
MAX_PRODUCTS_PER_BUSINESS = 200


def _owner(actor: Any, village: Region, owner_id: Any) -> Any:
    """The owner: a living resident of the village (staff), or the citizen themself."""
    citizen = citizen_resident(actor)
    if can_keep_businesses(actor, village.code):
        try:
            resident = population.resident_get(actor=actor, resident_id=int(owner_id))
        except (NotFound, TypeError, ValueError):
            return None
        return resident if resident.village_id == village.code and resident.is_living else None
    if citizen is not None and citizen.village_id == village.code:
        return citizen
    raise NotFound(_("Village not found."))


def business_register(
    *,
    actor: Any,
    village: Region,
    name: str,
    kbli_code: str,
    nib: str = "",
    description: str = "",
    owner_id: Any = None,
) -> LocalBusiness:
    """Register a local business. Village staff name any living resident of the village as
    owner; a citizen registers a business of their own (``owner_id`` is ignored)."""
    if not village.is_village:
        raise NotFound(_("Village not found."))
    owner = _owner(actor, village, owner_id)
    errors: dict[str, str] = {}
    if owner is None:
        errors["owner"] = _("Choose a living resident of the village.")
    name = clean_text(name, 120)
    if not name:
        errors["name"] = _("Give the business a name.")
    code = (kbli_code or "").strip()
    sector = sector_of(code)
    if sector is None:
        errors["kbli_code"] = _("The KBLI code has five digits of a KBLI 2020 division.")
    nib = (nib or "").strip()
    if nib and not NIB_RE.match(nib):
        errors["nib"] = _("The NIB has 13 digits (leave it empty if there is none).")
    description = clean_text(description, 500)
    if errors:
        raise BusinessInvalid(_("The business was not saved."), details=errors)
    # Every business waits for the village's approval, whoever registered it.
    with transaction.atomic():
        business = LocalBusiness.objects.create(
            village_id=village.code,
            owner=owner,
            name=name,
            kbli_code=code,
            sector=sector or "",
            nib=nib,
            description=description,
            created_by=actor,
        )
        audit.record(
            actor,
            "economy.business_register",
            business,
            {"name": name, "kbli": code, "owner": owner.pk},
            scope=village.code,
        )
    return business


def _whatsapp(errors: dict[str, str], value: Any, owner_nik: str) -> str:
    digits = re.sub(r"[\s\-().]", "", str(value or ""))
    if digits and digits.lstrip("+") == owner_nik:
        errors["whatsapp"] = _("Give a WhatsApp number, never the NIK.")
        return ""
    match = WHATSAPP_RE.match(digits)
    if not match:
        errors["whatsapp"] = _("Give an Indonesian mobile number for WhatsApp, e.g. 0812 3456 789.")
        return ""
    return "62" + match.group(1)


def _photo(errors: dict[str, str], photo: Any) -> bytes | None:
    """The checked, re-encoded photo (JPEG without metadata), or None if there is none."""
    if photo is None:
        return None
    stream = photo if hasattr(photo, "read") else io.BytesIO(photo)
    try:
        data = read_limited(stream, max_bytes=MAX_PHOTO_BYTES)
        validate_image(data, allowed=("jpeg", "png"))
        return make_derivative(data, PHOTO_MAX_PX)
    except DomainError as exc:  # refused by the checks: not an image, damaged, too large
        errors["photo"] = exc.message
    except (OSError, ValueError):  # decodable for the check, yet not re-encodable
        errors["photo"] = _("The image is damaged or not a real image.")
    return None


def product_add(
    *,
    actor: Any,
    business: LocalBusiness,
    name: str,
    price: Any,
    whatsapp: str,
    description: str = "",
    photo: Any = None,
) -> Product:
    """Add a product to a business (village staff, or the citizen who owns it). It is listed
    on the market page once the village approved it."""
    if not (can_keep_businesses(actor, business.village_id) or is_business_owner(actor, business)):
        raise NotFound(_("Business not found."))
    errors: dict[str, str] = {}
    name = clean_text(name, 120)
    if not name:
        errors["name"] = _("Give the product a name.")
    value = money(errors, "price", price)
    number = _whatsapp(errors, whatsapp, business.owner.nik)
    description = clean_text(description, 500)
    if business.products.count() >= MAX_PRODUCTS_PER_BUSINESS:
        errors["name"] = _("A business lists at most %(max)s products.") % {
            "max": MAX_PRODUCTS_PER_BUSINESS
        }
    image = _photo(errors, photo) if not errors else None
    if errors:
        raise ProductInvalid(_("The product was not saved."), details=errors)
    saved: list[str] = []
    try:
        with transaction.atomic():
            path = ""
            if image is not None:
                path = default_storage.save(
                    f"economy/{business.village_id}/{uuid.uuid4().hex}.jpg", ContentFile(image)
                )
                saved.append(path)
            product = Product.objects.create(
                business=business,
                village_id=business.village_id,
                name=name,
                description=description,
                price=value,
                whatsapp=number,
                photo=path,
                created_by=actor,
            )
            audit.record(
                actor,
                "economy.product_add",
                product,
                {"business": business.pk, "name": name, "price": str(value)},
                scope=business.village_id,
            )
    except Exception:
        for stored in saved:
            default_storage.delete(stored)
        raise
    return product


def _decide(actor: Any, obj: Any, model: Any, approve: bool, action: str) -> Any:
    if not can_keep_businesses(actor, obj.village_id):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if locked.status != ApprovalStatus.PENDING:
            raise DecisionState(_("This has already been decided."))
        locked.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(actor, action, locked, {"status": locked.status}, scope=locked.village_id)
    return locked


def business_decide(*, actor: Any, business: LocalBusiness, approve: bool) -> LocalBusiness:
    """The village approves or rejects a registered business."""
    return _decide(actor, business, LocalBusiness, approve, "economy.business_decide")


def product_decide(*, actor: Any, product: Product, approve: bool) -> Product:
    """The village approves or rejects a product (listed once its business is approved too)."""
    return _decide(actor, product, Product, approve, "economy.product_decide")

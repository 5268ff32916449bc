"""The village's list of officials (ADR 0118): read by its staff, kept by the head or
secretary (or the regency). The same service as the page."""

from django.http import HttpRequest
from ninja import Router, Status

from smartkampung.core.api import ERRORS

from .. import selectors
from ..models import VillageOfficial
from ..schemas import OfficialIn, OfficialOut
from ..services.officials import village_official_save

router = Router(tags=["letters"])


def official_out(official: VillageOfficial) -> dict[str, object]:
    return {
        "id": official.pk,
        "village": official.village_id,
        "name": official.name,
        "position": official.position,
        "nip": official.nip,
        "user_id": official.user_id,
        "username": official.user.username if official.user else None,
        "is_active": official.is_active,
    }


@router.get(
    "/{village}", response={200: list[OfficialOut], **ERRORS}, summary="A village's officials"
)
def official_list(request: HttpRequest, village: str) -> list[dict[str, object]]:
    return [
        official_out(o)
        for o in selectors.village_official_list(actor=request.user, village_code=village)
    ]


@router.post(
    "/{village}",
    response={201: OfficialOut, **ERRORS},
    summary="Add an official (the village head or secretary)",
)
def official_create(
    request: HttpRequest, village: str, payload: OfficialIn
) -> Status[dict[str, object]]:
    official = village_official_save(actor=request.user, village_code=village, **payload.dict())
    return Status(201, official_out(official))


@router.put(
    "/{village}/{official_id}", response={200: OfficialOut, **ERRORS}, summary="Change an official"
)
def official_update(
    request: HttpRequest, village: str, official_id: int, payload: OfficialIn
) -> dict[str, object]:
    official = village_official_save(
        actor=request.user, village_code=village, official_id=official_id, **payload.dict()
    )
    return official_out(official)

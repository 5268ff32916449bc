"""Population API under /api/v1/population/, scoped exactly like the pages.

Lists carry masked NIK/KK numbers and page by keyset (``next_cursor``); reading one resident
is a full view, logged like the page (``?reason=`` recommended)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from smartkampung.accounts.models import User
from smartkampung.core.api import ERRORS
from smartkampung.core.exceptions import NotFound, ValidationFailed

from . import selectors, services
from .models import Resident, ResidentStatus, ResidentViewLog, TransferRequest
from .paging import SEARCH_COUNT_CAP
from .schemas import (
    BirthIn,
    EventIn,
    HouseholdDetailOut,
    HouseholdOut,
    LifeEventOut,
    MoveInIn,
    MyRecordOut,
    ResidentIn,
    ResidentOut,
    ResidentPageOut,
    ResidentPatch,
    StatisticsOut,
    TransferDecisionIn,
    TransferIn,
    TransferOut,
    event_out,
    household_out,
    member_out,
    resident_list_out,
    resident_out,
    transfer_out,
)

router = Router(tags=["population"])
MAX_LIMIT = 200


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class ResidentQuery(Schema):
    village: str | None = None
    q: str = ""
    rt: str = ""
    rw: str = ""
    dusun: str = ""
    sex: int | None = None
    age_band: str = ""
    status: str = ResidentStatus.ALIVE
    cursor: str = ""
    limit: int = 50


def _resident_page(request: HttpRequest, params: ResidentQuery) -> dict[str, Any]:
    if not 1 <= params.limit <= MAX_LIMIT:
        raise ValidationFailed(
            _("limit must be from 1 to %(n)d.") % {"n": MAX_LIMIT}, code="bad_limit"
        )
    if params.status not in (*ResidentStatus.values, "all"):
        raise ValidationFailed(_("Unknown status."), code="bad_status")
    filters = selectors.ResidentFilters(
        search=params.q,
        rt=params.rt,
        rw=params.rw,
        dusun=params.dusun,
        sex=params.sex,
        age_band=params.age_band,
        status=None if params.status == "all" else params.status,
    )
    qs = selectors.resident_list(actor=_actor(request), village=params.village, filters=filters)
    today = date.today()
    # A name search too broad to sort (ADR 0010): the first matches, sorted, and no cursor.
    too_broad = (
        selectors.is_name_search(params.q)
        and not params.cursor
        and qs.order_by()[: SEARCH_COUNT_CAP + 1].count() > SEARCH_COUNT_CAP
    )
    if too_broad:
        rows = sorted(qs.order_by()[: params.limit], key=lambda r: (r.name_search, r.pk))
        return {
            "items": [resident_list_out(r, today) for r in rows],
            "next_cursor": None,
            "truncated": True,
        }
    rows, next_cursor = selectors.keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": [resident_list_out(r, today) for r in rows], "next_cursor": next_cursor}


@router.get("/residents", response={200: ResidentPageOut, **ERRORS}, summary="Residents (masked)")
def resident_list(request: HttpRequest, params: Query[ResidentQuery]) -> dict[str, Any]:
    return _resident_page(request, params)


@router.get(
    "/search",
    response={200: ResidentPageOut, **ERRORS},
    summary="Search by name (partial, any case or accents), NIK or KK number",
)
def search(request: HttpRequest, params: Query[ResidentQuery]) -> dict[str, Any]:
    if not params.q.strip():
        raise ValidationFailed(_("Give a search text (q)."), code="search_empty")
    return _resident_page(request, params)


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentOut, **ERRORS},
    summary="A resident's full record (logged; ?reason= required, at most 200 characters)",
)
def resident_detail(request: HttpRequest, resident_id: int, reason: str = "") -> dict[str, Any]:
    resident = services.resident_full_view(
        actor=_actor(request), resident_id=resident_id, reason=reason, channel="api"
    )
    return resident_out(resident)


def _data(payload: Schema, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    data = payload.dict()
    for name in ("village", *drop):
        data.pop(name, None)
    return data


@router.post("/residents", response={201: ResidentOut, **ERRORS}, summary="Register a resident")
def resident_create(request: HttpRequest, payload: ResidentIn) -> Status[dict[str, Any]]:
    resident = services.resident_register(
        actor=_actor(request), village=payload.village, data=_data(payload)
    )
    return Status(201, resident_out(resident))


@router.post("/births", response={201: ResidentOut, **ERRORS}, summary="Register a birth")
def birth_create(request: HttpRequest, payload: BirthIn) -> Status[dict[str, Any]]:
    resident = services.birth_register(
        actor=_actor(request),
        village=payload.village,
        data=_data(payload, drop=("place",)),
        place=payload.place,
    )
    return Status(201, resident_out(resident))


@router.post(
    "/move-ins", response={201: ResidentOut, **ERRORS}, summary="Register a move into a village"
)
def move_in_create(request: HttpRequest, payload: MoveInIn) -> Status[dict[str, Any]]:
    resident = services.move_in_register(
        actor=_actor(request),
        village=payload.village,
        data=_data(payload, drop=("occurred_on", "origin")),
        occurred_on=payload.occurred_on,
        origin=payload.origin,
    )
    return Status(201, resident_out(resident))


@router.patch(
    "/residents/{resident_id}", response={200: ResidentOut, **ERRORS}, summary="Edit a record"
)
def resident_update(
    request: HttpRequest, resident_id: int, payload: ResidentPatch
) -> dict[str, Any]:
    actor = _actor(request)
    resident = selectors.resident_get(actor=actor, resident_id=resident_id)
    changes = payload.dict(exclude_unset=True)
    return resident_out(services.resident_update(actor=actor, resident=resident, changes=changes))


@router.get(
    "/residents/{resident_id}/events",
    response={200: list[LifeEventOut], **ERRORS},
    summary="A resident's history",
)
def resident_events(request: HttpRequest, resident_id: int) -> list[dict[str, Any]]:
    actor = _actor(request)
    resident = selectors.resident_get(actor=actor, resident_id=resident_id)
    return [
        event_out(e)
        for e in selectors.resident_history(actor=actor, resident=resident).select_related(
            "resident"
        )
    ]


@router.post(
    "/residents/{resident_id}/death",
    response={200: ResidentOut, **ERRORS},
    summary="Record a death",
)
def resident_death(request: HttpRequest, resident_id: int, payload: EventIn) -> dict[str, Any]:
    actor = _actor(request)
    resident = selectors.resident_get(actor=actor, resident_id=resident_id)
    return resident_out(
        services.death_record(
            actor=actor,
            resident=resident,
            occurred_on=payload.occurred_on,
            place=payload.place,
            details=payload.details,
        )
    )


@router.post(
    "/residents/{resident_id}/move-out",
    response={200: ResidentOut, **ERRORS},
    summary="Record a move out of the regency",
)
def resident_move_out(request: HttpRequest, resident_id: int, payload: EventIn) -> dict[str, Any]:
    actor = _actor(request)
    resident = selectors.resident_get(actor=actor, resident_id=resident_id)
    return resident_out(
        services.move_out_record(
            actor=actor,
            resident=resident,
            occurred_on=payload.occurred_on,
            destination=payload.place,
            details=payload.details,
        )
    )


@router.post(
    "/residents/{resident_id}/transfer",
    response={201: TransferOut, **ERRORS},
    summary="Ask to transfer a resident (or the whole household) to another village",
    description=(
        "Creates a transfer request that the receiving village accepts or refuses; nobody moves "
        "until it accepts (status ``pending``). When the caller keeps the register of both "
        "villages the move runs at once (status ``accepted``)."
    ),
)
def resident_transfer(request: HttpRequest, resident_id: int, payload: TransferIn) -> Any:
    actor = _actor(request)
    resident = selectors.resident_get(actor=actor, resident_id=resident_id)
    place = {"rt": payload.rt, "rw": payload.rw, "dusun": payload.dusun, "address": payload.address}
    if payload.whole_household:
        if resident.household is None:
            raise ValidationFailed(_("The resident has no household."), code="no_household")
        transfer = services.household_transfer(
            actor=actor,
            household=resident.household,
            to_village=payload.to_village,
            occurred_on=payload.occurred_on,
            details=payload.details,
            resident=resident,
            **place,
        )
    else:
        transfer = services.resident_transfer(
            actor=actor,
            resident=resident,
            to_village=payload.to_village,
            occurred_on=payload.occurred_on,
            kk_number=payload.kk_number,
            details=payload.details,
            **place,
        )
    return Status(201, transfer_out(transfer))


@router.get(
    "/transfers",
    response={200: list[TransferOut], **ERRORS},
    summary="Transfer requests of the caller's villages",
)
def transfer_list(
    request: HttpRequest,
    direction: str = "",
    status: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """``direction=incoming`` (to be decided by the caller's village), ``outgoing`` (asked by
    it) or both; ``status`` pending, accepted, refused or cancelled."""
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 100_000:
        raise ValidationFailed(
            _("limit must be from 1 to 200 and offset from 0 to 100000."), code="bad_limit"
        )
    if direction not in selectors.TRANSFER_DIRECTIONS:
        raise ValidationFailed(_("direction must be incoming or outgoing."), code="bad_direction")
    if status and status not in TransferRequest.Status.values:
        raise ValidationFailed(_("Unknown status."), code="bad_status")
    qs = selectors.transfer_list(actor=_actor(request), direction=direction, status=status)
    return [transfer_out(t) for t in qs[offset : offset + limit]]


@router.get("/transfers/{transfer_id}", response={200: TransferOut, **ERRORS}, summary="A transfer")
def transfer_detail(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    return transfer_out(selectors.transfer_get(actor=_actor(request), transfer_id=transfer_id))


@router.post(
    "/transfers/{transfer_id}/accept",
    response={200: TransferOut, **ERRORS},
    summary="Accept a transfer (the receiving village): the move runs now",
)
def transfer_accept(
    request: HttpRequest, transfer_id: int, payload: TransferDecisionIn
) -> dict[str, Any]:
    actor = _actor(request)
    transfer = selectors.transfer_get(actor=actor, transfer_id=transfer_id)
    return transfer_out(services.transfer_accept(actor=actor, transfer=transfer, note=payload.note))


@router.post(
    "/transfers/{transfer_id}/refuse",
    response={200: TransferOut, **ERRORS},
    summary="Refuse a transfer (the receiving village), saying why; nobody moves",
)
def transfer_refuse(
    request: HttpRequest, transfer_id: int, payload: TransferDecisionIn
) -> dict[str, Any]:
    actor = _actor(request)
    transfer = selectors.transfer_get(actor=actor, transfer_id=transfer_id)
    return transfer_out(services.transfer_refuse(actor=actor, transfer=transfer, note=payload.note))


@router.post(
    "/transfers/{transfer_id}/cancel",
    response={200: TransferOut, **ERRORS},
    summary="Withdraw a pending transfer (the origin village)",
)
def transfer_cancel(
    request: HttpRequest, transfer_id: int, payload: TransferDecisionIn
) -> dict[str, Any]:
    actor = _actor(request)
    transfer = selectors.transfer_get(actor=actor, transfer_id=transfer_id)
    return transfer_out(services.transfer_cancel(actor=actor, transfer=transfer, note=payload.note))


@router.get("/households", response={200: list[HouseholdOut], **ERRORS}, summary="Households")
def household_list(
    request: HttpRequest,
    village: str | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 100_000:
        raise ValidationFailed(
            _("limit must be from 1 to 200 and offset from 0 to 100000."), code="bad_limit"
        )
    qs = selectors.household_list(actor=_actor(request), village=village, search=q[:100])
    return [household_out(h) for h in qs[offset : offset + limit]]


@router.get(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="A household and its members (masked)",
)
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    household = selectors.household_get(actor=_actor(request), household_id=household_id)
    today = date.today()
    return {
        **household_out(household),
        "members": [member_out(m, today) for m in household.members.all()],
    }


@router.get("/events", response={200: list[LifeEventOut], **ERRORS}, summary="Life events")
def event_list(
    request: HttpRequest,
    village: str | None = None,
    kind: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 100_000:
        raise ValidationFailed(
            _("limit must be from 1 to 200 and offset from 0 to 100000."), code="bad_limit"
        )
    qs = selectors.life_event_list(actor=_actor(request), village=village, kind=kind[:12])
    return [event_out(e) for e in qs[offset : offset + limit]]


@router.get(
    "/statistics/{code}",
    response={200: StatisticsOut, **ERRORS},
    summary="Aggregate statistics of a village, kecamatan or the regency",
)
def statistics(request: HttpRequest, code: str) -> Any:
    return selectors.statistics_for(actor=_actor(request), region_code=code[:13])


@router.get("/me", response={200: MyRecordOut, **ERRORS}, summary="My own record (citizens)")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = _actor(request)
    resident = selectors.resident_for_citizen(user=actor)
    if resident is None:
        raise NotFound(_("No resident record is linked to this account."))
    today = date.today()
    members = resident.household.members.all() if resident.household else Resident.objects.none()
    views: list[ResidentViewLog] = list(selectors.resident_view_log(resident=resident)[:200])
    return {
        "resident": resident_out(resident),
        "household": [member_out(m, today) for m in members],
        "events": [
            event_out(e)
            for e in selectors.resident_history(actor=actor, resident=resident).select_related(
                "resident"
            )
        ],
        "views": [
            {
                "viewed_at": v.viewed_at,
                "viewer_name": v.viewer_name,
                "viewer_roles": v.role_labels,
                "reason": v.reason,
                "channel": v.channel,
            }
            for v in views
        ],
    }

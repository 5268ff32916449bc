"""Ceilings, SSH, reference lists and the Siskeudes import."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination, Year
from smartkampung.core.exceptions import NotFound
from smartkampung.core.uploads import read_limited

from .. import services
from ..models import Account, Activity, Ceiling, FundSource, UnitPriceStandard
from ..permissions import (
    BUDGET_READER_ROLES,
    REGENCY_ROLES,
    actor_regency,
    can_manage_reference,
)
from ..schemas import CeilingIn, CeilingOut, CsvReportOut, ImportOut, ReferenceOut, SshOut
from ..services.csv_input import MAX_CSV_BYTES
from ..siskeudes.reader import MAX_ZIP_BYTES
from .common import actor

router = Router()


class CeilingFilter(Schema):
    year: Year | None = None
    village: str | None = None
    region: str | None = None


def _ceiling_out(c: Ceiling) -> dict[str, Any]:
    return {
        "village": c.village_id,
        "year": c.year,
        "fund_source": c.fund_source_id,
        "amount": c.amount,
        "note": c.note,
    }


@router.get(
    "/ceilings",
    response={200: list[CeilingOut], **ERRORS},
    summary="Ceilings (pagu) of villages in my scope",
)
@paginate(BoundedLimitOffsetPagination)
def ceiling_list(request: HttpRequest, filters: Query[CeilingFilter]) -> list[dict[str, Any]]:
    qs = Ceiling.objects.filter(scope_q(actor(request), BUDGET_READER_ROLES))
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    if filters.region:
        qs = qs.filter(
            Q(village_id=filters.region) | Q(village__pk__startswith=filters.region + ".")
        )
    return [_ceiling_out(c) for c in qs.order_by("village_id", "year", "fund_source_id")]


@router.put("/ceilings", response={200: CeilingOut, **ERRORS}, summary="Set one ceiling")
def ceiling_set(request: HttpRequest, payload: CeilingIn) -> dict[str, Any]:
    ceiling = services.ceiling_set(
        actor=actor(request),
        village_code=payload.village,
        year=payload.year,
        fund_source_code=payload.fund_source,
        amount=payload.amount,
        note=payload.note,
    )
    return _ceiling_out(ceiling)


@router.post(
    "/ceilings/import",
    response={200: CsvReportOut, **ERRORS},
    summary="Import ceilings from CSV (village_code,year,fund_source,amount[,note])",
)
def ceiling_import(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    data = read_limited(file, max_bytes=MAX_CSV_BYTES)
    return services.ceilings_import(actor=actor(request), data=data).as_dict()


@router.get("/ssh", response={200: list[SshOut], **ERRORS}, summary="Unit price standard (SSH)")
@paginate(BoundedLimitOffsetPagination)
def ssh_list(request: HttpRequest, year: Year, q: str = "") -> list[dict[str, Any]]:
    qs = UnitPriceStandard.objects.filter(
        year=year, active=True, regency_id=actor_regency(actor(request))
    )
    if q:
        qs = qs.filter(Q(name__icontains=q[:100]) | Q(code__icontains=q[:100]))
    return [
        {
            "id": s.pk,
            "year": s.year,
            "code": s.code,
            "name": s.name,
            "unit": s.unit,
            "price": s.price,
            "category": s.category,
        }
        for s in qs.order_by("code")
    ]


@router.post(
    "/ssh/import",
    response={200: CsvReportOut, **ERRORS},
    summary="Import the SSH of a year from CSV (code,name,unit,price[,category])",
)
def ssh_import(request: HttpRequest, year: Form[int], file: File[UploadedFile]) -> dict[str, Any]:
    data = read_limited(file, max_bytes=MAX_CSV_BYTES)
    return services.ssh_import(actor=actor(request), year=year, data=data).as_dict()


def _region(request: HttpRequest, region: str | None) -> str:
    """Lists usable in ``region`` (default: where the actor works): national plus regional."""
    return region or actor_regency(actor(request)) or "-"


@router.get(
    "/reference/fund-sources", response={200: list[ReferenceOut], **ERRORS}, summary="Fund sources"
)
def fund_source_list(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "name": s.name,
            "name_id": s.name_id,
            "name_en": s.name_en,
            "needs_ceiling": s.needs_ceiling,
        }
        for s in FundSource.objects.usable_in(_region(request, region)).filter(active=True)
    ]


@router.get(
    "/reference/activities",
    response={200: list[ReferenceOut], **ERRORS},
    summary="Activities (kegiatan, BB.SS.KK)",
)
def activity_list(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    return [
        {"code": a.code, "name": a.name, "name_id": a.name_id, "name_en": a.name_en}
        for a in Activity.objects.usable_in(_region(request, region)).filter(active=True)
    ]


@router.get(
    "/reference/accounts",
    response={200: list[ReferenceOut], **ERRORS},
    summary="Chart of accounts (prefix 4, 5 or 6)",
)
def account_list(
    request: HttpRequest, prefix: str = "", region: str | None = None
) -> list[dict[str, Any]]:
    qs = Account.objects.usable_in(_region(request, region)).filter(active=True)
    if prefix:
        qs = qs.filter(code__startswith=prefix[:16])
    return [
        {
            "code": a.code,
            "name": a.name,
            "name_id": a.name_id,
            "name_en": a.name_en,
            "level": a.level,
        }
        for a in qs
    ]


@router.post(
    "/reference/activities",
    response={201: ReferenceOut, **ERRORS},
    summary="Add a regional activity (regency officers)",
)
def activity_define(request: HttpRequest, payload: ReferenceOut) -> Status[dict[str, Any]]:
    if not can_manage_reference(actor(request), actor_regency(actor(request), REGENCY_ROLES)):
        raise NotFound()
    row = services.activity_define(
        actor=actor(request), code=payload.code, name_id=payload.name_id, name_en=payload.name_en
    )
    return Status(
        201, {"code": row.code, "name": row.name, "name_id": row.name_id, "name_en": row.name_en}
    )


@router.post(
    "/siskeudes",
    response={201: ImportOut, **ERRORS},
    summary="Import a Siskeudes export (ZIP of table CSVs) for a village",
)
def siskeudes_import(
    request: HttpRequest,
    village: Form[str],
    file: File[UploadedFile],
    year: Form[int | None] = None,
) -> Status[dict[str, Any]]:
    record = services.siskeudes_import(
        actor=actor(request),
        village_code=village,
        data=read_limited(file, max_bytes=MAX_ZIP_BYTES),
        year=year,
        file_name=str(file.name or ""),
    )
    return Status(
        201,
        {
            "id": record.pk,
            "village": record.village_id,
            "year": record.year,
            "budget": record.budget_id,
            "report": record.report,
        },
    )

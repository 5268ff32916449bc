"""The regency view as data: aggregates without personal data, and the health office's list."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination, Year
from smartkampung.core.privacy import mask_identifier, mask_name

from .. import selectors
from ..permissions import SPM_LIST_ROLES
from ..schemas import OverviewOut, SpmOut

router = Router(tags=["letters"])


@router.get("", response={200: OverviewOut, **ERRORS}, summary="Letters per village and type")
def overview(
    request: HttpRequest, region: str | None = None, year: Year | None = None
) -> dict[str, object]:
    scope = selectors.overview_scope(actor=request.user, region_code=region, year=year)
    code = scope.region.code
    return {
        "region": code,
        "year": scope.year,
        "by_village": selectors.aggregate_letters_by_village(region_code=code, year=scope.year),
        "by_type": selectors.aggregate_letters_by_type(region_code=code, year=scope.year),
        "backlog": selectors.aggregate_backlog(region_code=code),
    }


@router.get("/spm", response={200: list[SpmOut], **ERRORS}, summary="SPMs issued (health office)")
@paginate(BoundedLimitOffsetPagination)
def spm(
    request: HttpRequest, region: str | None = None, year: Year | None = None
) -> list[dict[str, object]]:
    scope = selectors.overview_scope(
        actor=request.user, region_code=region, year=year, roles=SPM_LIST_ROLES
    )
    today = timezone.localdate()
    return [
        {
            "number": letter.number,
            "issued_on": timezone.localdate(letter.issued_at),
            "village_code": letter.village_id,
            "village": letter.village.name,
            "name": mask_name(letter.subject_name),
            "nik": mask_identifier(letter.subject_nik),
            "valid_until": letter.valid_until,
            "status": letter.status_on(today),
        }
        for letter in selectors.spm_issued_list(
            actor=request.user, region_code=scope.region.code, year=scope.year
        )
    ]

"""Issued letters: read, download the signed PDF, revoke."""

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination
from smartkampung.core.privacy import mask_identifier

from .. import selectors
from ..models import Letter
from ..schemas import LetterOut, ReasonIn
from ..services.letters import letter_revoke, verify_url
from ..views.issued import pdf_response

router = Router(tags=["letters"])


def letter_out(letter: Letter) -> dict[str, object]:
    return {
        "id": letter.pk,
        "number": letter.number,
        "type": letter.letter_type.code,
        "village_code": letter.village_id,
        "issued_at": letter.issued_at,
        "valid_until": letter.valid_until,
        "status": letter.status_on(timezone.localdate()),
        "subject_name": letter.subject_name,
        "subject_nik_masked": mask_identifier(letter.subject_nik),
        "signer_name": letter.signer_name,
        "signer_position": letter.signer_position,
        "signed_at": letter.signed_at,
        "pdf_sha256": letter.pdf_sha256,
        "verify_url": verify_url(letter.token),
        "issue_seconds": letter.issue_seconds,
        "revoked_at": letter.revoked_at,
    }


@router.get("", response={200: list[LetterOut], **ERRORS}, summary="Issued letters (staff)")
@paginate(BoundedLimitOffsetPagination)
def letter_list(request: HttpRequest) -> list[dict[str, object]]:
    return [letter_out(letter) for letter in selectors.letter_list_for_staff(actor=request.user)]


@router.get("/{letter_id}", response={200: LetterOut, **ERRORS}, summary="One issued letter")
def letter_detail(request: HttpRequest, letter_id: int) -> dict[str, object]:
    return letter_out(selectors.letter_get_for_staff(actor=request.user, letter_id=letter_id))


@router.get(
    "/{letter_id}/pdf",
    response={200: None, **ERRORS},
    summary="The signed PDF (the same bytes every time; ETag is its SHA-256)",
)
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponseBase:
    letter = selectors.letter_get_for_download(actor=request.user, letter_id=letter_id)
    return pdf_response(request, letter)


@router.post(
    "/{letter_id}/revoke",
    response={200: LetterOut, **ERRORS},
    summary="Revoke a letter (village head)",
)
def revoke(request: HttpRequest, letter_id: int, payload: ReasonIn) -> dict[str, object]:
    letter = letter_revoke(actor=request.user, letter_id=letter_id, reason=payload.reason)
    return letter_out(letter)

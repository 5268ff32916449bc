"""Public verification (no login), rate-limited like the page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from smartkampung.core.api import ERRORS
from smartkampung.core.exceptions import NotFound
from smartkampung.core.uploads import UploadRejected, detect_kind, read_limited

from .. import selectors
from ..ratelimit import ratelimit_hit
from ..schemas import CheckOut, VerificationOut
from ..services.letters import letter_pdf_matches
from ..views.public import MAX_CHECK_BYTES, public_facts

router = Router(tags=["letters"])


@router.get(
    "/{token}",
    response={200: VerificationOut, **ERRORS},
    auth=None,
    summary="What the QR code shows: type, number, date, village, masked name and NIK, status",
)
def verify(request: HttpRequest, token: str) -> dict[str, object]:
    ratelimit_hit(request, scope="verify", limit=settings.SK_LETTERS_VERIFY_PER_MINUTE)
    letter = selectors.letter_for_token(token=token)
    if letter is None:
        raise NotFound()
    return public_facts(letter)


@router.post(
    "/{token}/check",
    response={200: CheckOut, **ERRORS},
    auth=None,
    summary="Is this PDF exactly the letter issued under the code?",
)
def check(request: HttpRequest, token: str, document: File[UploadedFile]) -> dict[str, object]:
    ratelimit_hit(request, scope="verify", limit=settings.SK_LETTERS_VERIFY_PER_MINUTE)
    ratelimit_hit(request, scope="verify-check", limit=settings.SK_LETTERS_CHECK_PER_MINUTE)
    letter = selectors.letter_for_token(token=token)
    if letter is None:
        raise NotFound()
    data = read_limited(document, max_bytes=MAX_CHECK_BYTES)
    if detect_kind(data) != "pdf":
        raise UploadRejected(_("The file is not a PDF document."), code="not_a_pdf")
    return {"matches": letter_pdf_matches(letter=letter, data=data)}

"""The public verification page reached from the QR code: no login, rate-limited, and showing
only the letter's type, number, date, village, masked name and NIK, and its status."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.privacy import mask_identifier, mask_name
from smartkampung.core.uploads import detect_kind, read_limited

from .. import selectors
from ..exceptions import LetterInvalid
from ..models import Letter
from ..ratelimit import ratelimit_hit
from ..services.certificates import authority_crl
from ..services.letters import letter_pdf_matches
from ..signing import signing_backend
from ..signing.x509 import cert_from_pem

MAX_CHECK_BYTES = 5 * 1024 * 1024


def public_facts(letter: Letter) -> dict[str, object]:
    """Everything the public may learn about a letter (the page and the API share this)."""
    return {
        "type": letter.letter_type.title,
        "number": letter.number,
        "issued_on": timezone.localdate(letter.issued_at),
        "valid_until": letter.valid_until,
        "village": f"{letter.content['letterhead']['village_kind']} {letter.village.name}",
        "name": mask_name(letter.subject_name),
        "nik": mask_identifier(letter.subject_nik),
        "status": letter.status_on(timezone.localdate()),
        "revoked_on": timezone.localdate(letter.revoked_at) if letter.revoked_at else None,
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify_start(request: HttpRequest) -> HttpResponse:
    """Where someone without a QR scanner types the code printed under the QR code."""
    code = request.GET.get("code", "").strip()
    tail = code.rstrip("/").rsplit("/", 1)[-1][:64]
    if tail and tail.replace("-", "").replace("_", "").isalnum():
        return redirect("verify:letter", token=tail)
    return _no_store(render(request, "letters/verify_start.html"))


@require_http_methods(["GET", "POST"])
def verify_letter(request: HttpRequest, token: str) -> HttpResponse:
    ratelimit_hit(request, scope="verify", limit=settings.SK_LETTERS_VERIFY_PER_MINUTE)
    letter = selectors.letter_for_token(token=token)
    if letter is None:
        return _no_store(render(request, "letters/verify_unknown.html", status=404))
    context: dict[str, object] = {"facts": public_facts(letter), "token": token}
    status = 200
    if request.method == "POST":
        try:
            ratelimit_hit(request, scope="verify-check", limit=settings.SK_LETTERS_CHECK_PER_MINUTE)
            upload = request.FILES.get("document")
            if upload is None:
                raise LetterInvalid(_("Choose the PDF file of the letter."), code="file_missing")
            data = read_limited(upload, max_bytes=MAX_CHECK_BYTES)
            if detect_kind(data) != "pdf":
                context["check_error"] = _("The file is not a PDF document.")
                status = 422
            else:
                context["check_result"] = letter_pdf_matches(letter=letter, data=data)
        except DomainError as exc:
            context["check_error"] = exc.message
            status = exc.status
    return _no_store(render(request, "letters/verify.html", context, status=status))


@require_GET
def authority_certificate(request: HttpRequest, regency_code: str) -> HttpResponse:
    """The regency CA's certificate, for readers who want to trust the letters' signatures."""
    ratelimit_hit(request, scope="verify", limit=settings.SK_LETTERS_VERIFY_PER_MINUTE)
    if not selectors.authority_exists(regency_code=regency_code):
        raise NotFound(_("Not found."))
    pem = signing_backend().trust_anchor_pem(regency_code=regency_code)
    if not pem:
        raise NotFound(_("Not found."))
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="ca-{regency_code}.pem"'
    return response


def _grouped(hex_digest: str) -> str:
    """``ab12…`` → ``AB:12:…``, as Adobe Reader, Foxit and openssl print a fingerprint."""
    upper = hex_digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


@require_GET
def trust_page(request: HttpRequest) -> HttpResponse:
    """How to make a PDF reader trust the regency CA: certificate, fingerprint, steps."""
    authorities = [
        {
            "regency": authority.regency,
            "code": authority.regency_id,
            "name": authority.name,
            "fingerprint": _grouped(authority.fingerprint_sha256),
            "not_after": authority.not_after,
        }
        for authority in selectors.authority_public_list()
    ]
    return render(request, "letters/trust.html", {"authorities": authorities})


@require_GET
def authority_certificate_der(request: HttpRequest, regency_code: str) -> HttpResponse:
    """The CA certificate in DER, where new certificates' "CA issuers" field points."""
    ratelimit_hit(request, scope="verify", limit=settings.SK_LETTERS_VERIFY_PER_MINUTE)
    if not selectors.authority_exists(regency_code=regency_code):
        raise NotFound(_("Not found."))
    pem = signing_backend().trust_anchor_pem(regency_code=regency_code)
    if not pem:
        raise NotFound(_("Not found."))
    der = cert_from_pem(pem).public_bytes(serialization.Encoding.DER)
    response = HttpResponse(der, content_type="application/pkix-cert")
    response["Content-Disposition"] = f'attachment; filename="ca-{regency_code}.cer"'
    return response


@require_GET
def authority_crl_view(request: HttpRequest, regency_code: str) -> HttpResponse:
    """The CA's certificate revocation list (the CRL distribution point of its certificates).
    Not rate-limited: PDF readers fetch it while validating, often several at once."""
    if not selectors.authority_exists(regency_code=regency_code):
        raise NotFound(_("Not found."))
    response = HttpResponse(
        authority_crl(regency_code=regency_code), content_type="application/pkix-crl"
    )
    response["Cache-Control"] = "public, max-age=600"
    return response

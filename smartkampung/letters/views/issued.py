"""Issued letters for village staff: the list, one letter, its PDF, revoking it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.pagination import paginate

from .. import selectors
from ..forms import ReasonForm
from ..models import Letter
from ..permissions import can_approve
from ..services.letters import letter_revoke


def pdf_response(request: HttpRequest, letter: Letter) -> HttpResponseBase:
    """The stored signed PDF: the same bytes on every download (ETag = its SHA-256)."""
    if not letter.is_signed:
        raise NotFound(_("The letter is not signed yet."))
    etag = f'"{letter.pdf_sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    safe_number = "".join(c if c.isalnum() else "-" for c in letter.number).strip("-")
    response = FileResponse(
        letter.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"surat-{letter.letter_type.code}-{safe_number}.pdf",
    )
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    letters = selectors.letter_list_for_staff(actor=request.user)
    page, qs_base = paginate(request, letters)
    return render(
        request,
        "letters/letter_list.html",
        {"page_obj": page, "querystring_base": qs_base, "today": timezone.localdate()},
    )


@login_required
def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get_for_staff(actor=request.user, letter_id=letter_id)
    return render(
        request,
        "letters/letter_detail.html",
        {
            "letter": letter,
            "today": timezone.localdate(),
            "can_revoke": letter.revoked_at is None
            and can_approve(request.user, letter.letter_type.approver_roles, letter.village_id),
            "revoke_form": ReasonForm(),
        },
    )


@login_required
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponseBase:
    letter = selectors.letter_get_for_download(actor=request.user, letter_id=letter_id)
    return pdf_response(request, letter)


@login_required
@require_POST
def letter_revoke_view(request: HttpRequest, letter_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the letter."))
    else:
        try:
            letter_revoke(
                actor=request.user, letter_id=letter_id, reason=form.cleaned_data["reason"]
            )
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The letter has been revoked."))
    return redirect("letters:letter", letter_id=letter_id)

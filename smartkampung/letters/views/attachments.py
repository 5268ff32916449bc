"""Attachments of requests: downloaded, shown in the browser (ADR 0116), removed. Every route
has the scope of the request it belongs to (``selectors.attachment_get``)."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from smartkampung.core.exceptions import DomainError, NotFound

from .. import selectors
from ..exceptions import LetterInvalid
from ..services import requests as services
from ..services.attachments import attachment_checked, attachment_viewable_type


@login_required
@require_POST
def attachment_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    try:
        services.letter_request_detach(actor=request.user, attachment_id=attachment.pk)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("letters:request_edit", request_id=attachment.request_id)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """An attachment, streamed with its checked type, never rendered as active content."""
    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(attachment.content_type, "pdf")
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=f"lampiran-{attachment.request_id}-{attachment.document_key}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# Inline: the same scope as the download, and bytes that pass the content check again. The
# policy lets nothing run: no scripts, no requests, a sandbox; framed by our viewer page only.
INLINE_FILE_POLICY = "default-src 'none'; frame-ancestors 'self'; sandbox"


@login_required
# The viewer's <object> shows the PDF (django-csp types its decorators for request-only views).
@csp_replace({"object-src": [SELF]})  # type: ignore[arg-type]
def attachment_view(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A page that shows an attached image or PDF in the browser (ADR 0116)."""
    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    error = ""
    content_type = ""
    try:
        content_type = attachment_viewable_type(actor=request.user, attachment=attachment)
    except LetterInvalid as exc:
        error = exc.message
    item = attachment.request
    labels = {doc.key: doc.display_label for doc in item.letter_type.document_specs}
    return render(
        request,
        "letters/attachment_view.html",
        {
            "attachment": attachment,
            "label": labels.get(attachment.document_key, attachment.document_key),
            "content_type": content_type,
            "error": error,
        },
        status=422 if error else 200,
    )


@login_required
@xframe_options_sameorigin
def attachment_inline(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """The attachment's bytes for the viewer: ``inline``, with the type the content check
    found (never the upload's name); a file that fails the check is not served (422)."""
    checked = attachment_checked(actor=request.user, attachment_id=attachment_id)
    attachment = checked.attachment
    response = HttpResponse(checked.data, content_type=checked.content_type)
    name = f"lampiran-{attachment.request_id}-{attachment.document_key}.{checked.extension}"
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_FILE_POLICY
    response["Cache-Control"] = "private, no-store"
    return response

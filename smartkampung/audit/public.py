"""The public side of the audit trail: its signed checkpoints, published on the portal so that
anyone can keep a copy and later check that the trail still matches it (no personal data)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .checkpoints import checkpoint_publication


@require_GET
def checkpoints_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(checkpoint_publication())
    response["Cache-Control"] = "public, max-age=300"
    return response

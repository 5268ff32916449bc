"""Turn domain errors that escape a view into the right page (404 / 403 / 4xx with message)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .exceptions import DomainError, NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API renders its own errors
        if isinstance(exception, NotFound):
            return TemplateResponse(request, "404.html", status=404).render()
        if isinstance(exception, PermissionDenied):
            return TemplateResponse(
                request, "403.html", {"message": exception.message}, status=403
            ).render()
        if isinstance(exception, DomainError):
            return TemplateResponse(
                request, "403.html", {"message": exception.message}, status=exception.status
            ).render()
        return None

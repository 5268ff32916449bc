"""API plumbing: the error body every endpoint answers with, and the handlers that produce it.

Errors are ``{"code": "...", "message": "..."}`` (plus ``details`` for validation problems)
with a 4xx status. Bad input never causes a 500.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.db import DataError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination

from .exceptions import DomainError

# The window of years the API accepts (budgets, projects, letters, dashboards): a year outside
# it is a 422 from schema validation, never a date the database or Python cannot represent.
YEAR_MIN = 2000
YEAR_MAX = 2100
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
# The deepest offset a list may be read from (well above the largest list: 1.8 M residents).
MAX_OFFSET = 10_000_000


def year_in_window(value: Any) -> int | None:
    """A year from a web query string, or None when missing, not a number or outside
    YEAR_MIN..YEAR_MAX (pages treat it as "no year chosen")."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """django-ninja's limit/offset pagination with both bounds in the schema: a limit above
    NINJA_PAGINATION_MAX_LIMIT or an offset above MAX_OFFSET (a 2^64 offset made SQLite fail)
    is a 422 with the usual error body."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


# Use in ``response=`` declarations: {200: XOut, **ERRORS}
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


def _clean_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for err in errors:
        cleaned.append(
            {
                "loc": [str(part) for part in err.get("loc", [])],
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
        )
    return cleaned


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.code, exc.message, exc.details)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "invalid_input",
            _("The request is not valid."),
            _clean_validation_errors(exc.errors),
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "unauthenticated", _("Log in or send a valid API token.")
        )

    @api.exception_handler(AuthorizationError)
    def authz_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return error_response(api, request, 403, "permission_denied", _("Not allowed."))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(
            api, request, 429, "rate_limited", _("Too many requests; try again shortly.")
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, "http_error", str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(DataError)
    def unstorable_value(request: HttpRequest, exc: DataError) -> HttpResponse:
        # A value the database cannot store (PostgreSQL refuses NUL characters in text, and
        # numbers beyond a column's range): bad input, answered like a validation error.
        return error_response(
            api,
            request,
            422,
            "invalid_input",
            _("The request contains a value that cannot be stored (e.g. a NUL character)."),
        )

    @api.exception_handler(OverflowError)
    def number_too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A number no column can hold (an id beyond 64 bits): nothing can match it.
        return error_response(
            api, request, 422, "invalid_input", _("A number in the request is too large.")
        )


@csrf_exempt  # an API answer, cookie or not: the API's own CSRF rules never reach here
def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every /api/v1/ path no operation matches (an unknown path, a non-integer id where an
    integer is expected) answers with the API's JSON error, not the HTML 404 page. A GET of a
    path that exists with a trailing slash is still redirected there, as APPEND_SLASH did."""
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)

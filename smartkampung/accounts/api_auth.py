"""API authentication: personal tokens (``Authorization: Bearer skt_...``) or the browser
session (with CSRF on unsafe methods)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [TokenAuth(), django_auth]

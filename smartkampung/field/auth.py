"""The field API's authentication: a device session token (``Authorization: Bearer skd_...``)
first, then what the rest of the API accepts (personal tokens, the browser session)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from smartkampung.accounts.api_auth import API_AUTH

from .services.devices import device_session_authenticate


class DeviceAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = device_session_authenticate(token)
        if found is None:
            return None
        user, device = found
        request.user = user
        request.field_device = device  # type: ignore[attr-defined]
        return user


# Device tokens work on the field API only; connecting a device needs a real login.
FIELD_AUTH = [DeviceAuth(), *API_AUTH]
LOGIN_AUTH = API_AUTH

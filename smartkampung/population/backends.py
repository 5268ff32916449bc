"""Citizens log in with their NIK (appended to AUTHENTICATION_BACKENDS).

The citizen's account has a neutral, random username (``warga.<random>``) so that the NIK never
appears in audit labels or page headers, and that name cannot be used to log in
(``accounts.backends.UsernameBackend`` refuses ``login_with_nik`` accounts); this backend finds
the account through the resident record. Lockout is handled before authentication by
``accounts.services``, with one counter per account whatever name is typed
(``user_for_login_name``).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from smartkampung.accounts.models import User

from .models import LIVING_STATUSES, Resident

_NIK = re.compile(r"^\d{16}$")


class NikBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        nik = (username or "").strip()
        if not password or not _NIK.match(nik):
            return None
        resident = (
            Resident.objects.select_related("user")
            .filter(nik=nik, status__in=LIVING_STATUSES, user__isnull=False)
            .first()
        )
        if resident is None or resident.user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        user = resident.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_for_login_name(self, name: str) -> User | None:
        """The account of the living resident with this NIK, if they activated one."""
        nik = (name or "").strip()
        if not _NIK.match(nik):
            return None
        resident = (
            Resident.objects.select_related("user")
            .filter(nik=nik, status__in=LIVING_STATUSES, user__isnull=False)
            .first()
        )
        return resident.user if resident is not None else None

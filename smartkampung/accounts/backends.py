"""Login by username for officials (the first of AUTHENTICATION_BACKENDS).

A citizen's account has an internal username (``warga.<random>``) that only labels it; citizens
log in with their NIK (``population.backends.NikBackend``). This backend therefore refuses
accounts marked ``login_with_nik``, so the internal name is no second door with its own
failure counter.

Every backend may also answer ``user_for_login_name(name)``: which account a typed login name
belongs to, so that the lockout keeps one failure counter per person whatever name is typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class UsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or getattr(user, "login_with_nik", False):
            return None
        return user if isinstance(user, User) else None

    def user_for_login_name(self, name: str) -> User | None:
        name = name.strip()
        if not name:
            return None
        return User.objects.filter(username=name, login_with_nik=False).first()

"""Caching of public pages and files.

The expensive part of a public page (its figures and their HTML) is cached per region, year
and language for ``SK_PORTAL_CACHE_SECONDS`` (default 10 minutes): changes to budgets,
projects or the register appear within that time. The page shell around it (menu, language
switch with its CSRF token) is rendered per request, so a cached body never carries anyone's
token or session. Open-data files are cached the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

T = TypeVar("T")
PREFIX = "portal:v1"


def cached(parts: tuple[object, ...], build: Callable[[], T]) -> T:
    """``build()`` once per TTL for these key parts and the active language."""
    key = ":".join([PREFIX, translation.get_language() or "", *(str(p) for p in parts)])
    found = cache.get(key)
    if found is not None:
        return found
    value = build()
    cache.set(key, value, settings.SK_PORTAL_CACHE_SECONDS)
    return value

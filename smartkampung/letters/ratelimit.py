"""A small fixed-window rate limit per client address, kept in the cache.

Used on the public verification endpoints: the page and the PDF check may be asked a few times
a minute by a person, not thousands of times by a script guessing tokens.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from smartkampung.accounts.services import client_address
from smartkampung.core.exceptions import RateLimited


def ratelimit_hit(request: HttpRequest, *, scope: str, limit: int, window: int = 60) -> None:
    """Count one request of ``scope`` from the client; raise RateLimited past ``limit``."""
    address = client_address(request) or "unknown"
    bucket = int(time.time() // window)
    key = f"sk:rl:{scope}:{address}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(
            _("Too many requests from your address; please wait a minute and try again."),
            details={"retry_after": window - int(time.time()) % window},
        )

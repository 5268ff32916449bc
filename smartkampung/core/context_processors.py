from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_items_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell (base.html) needs on every page."""
    items = nav_items_for(request)
    return {
        "nav_items": items,
        # The longest matching entry: /projects/flags/ is the red flags, not the projects map.
        "nav_active": max(
            (i for i in items if i.is_active(request.path)),
            key=lambda i: len(i.url),
            default=None,
        ),
        "sk_regency_name": getattr(settings, "SK_REGENCY_DISPLAY_NAME", "Smart Kampung"),
    }

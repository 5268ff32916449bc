"""Field pages: the app shell (the same for everyone, kept by the service worker), the page
that connects a device, the device sessions page, the service worker and the manifest."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError

from . import assets, selectors
from .forms import ConnectForm
from .permissions import can_revoke_device, can_use_field_app
from .services import devices


def _shell_html(request: HttpRequest) -> str:
    return render_to_string(
        "field/shell.html",
        {"STATIC_URL": settings.STATIC_URL, "manifest_url": reverse("field:manifest")},
        request=request,
    )


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    """The field app. It holds no personal data (the device's records live in its own
    IndexedDB), so the service worker may keep it for offline start."""
    response = HttpResponse(_shell_html(request))
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    version = assets.shell_version(_shell_html(request).encode())
    shell = json.dumps(assets.shell_urls())
    head = f"const VERSION = {json.dumps(version)};\nconst SHELL = {shell};\n"
    body = head + assets.static_bytes("field/sw.js").decode()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("field:shell")
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("Smart Kampung field app"),
        "short_name": _("SK Field"),
        "description": _("Progress reports and counter letter requests, also without signal."),
        "start_url": reverse("field:shell"),
        "scope": reverse("field:shell"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#14532d",
        "lang": getattr(request, "LANGUAGE_CODE", "id"),
        "icons": [
            {
                "src": assets.static_url("field/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def connect(request: HttpRequest) -> HttpResponse:
    """Connect this browser as a device: the token is handed to the page once, which keeps it
    in the device's IndexedDB. Never cached."""
    form = ConnectForm(request.POST or None)
    allowed = can_use_field_app(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            device, secret = devices.device_session_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                user_agent=request.headers.get("User-Agent", ""),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _no_store(
                render(request, "field/connected.html", {"device": device, "secret": secret})
            )
    return _no_store(render(request, "field/connect.html", {"form": form, "allowed": allowed}))


@login_required
@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    rows: list[Any] = list(selectors.device_list(actor=request.user))
    for device in rows:
        device.may_revoke = device.is_active and can_revoke_device(request.user, device)
    return _no_store(render(request, "field/devices.html", {"devices": rows}))


@login_required
@require_POST
def device_revoke(request: HttpRequest, device_id: int) -> HttpResponse:
    device = devices.device_session_revoke(actor=request.user, device_id=device_id)
    messages.success(
        request, _("The device “%(name)s” can no longer send.") % {"name": device.name}
    )
    return redirect("field:devices")

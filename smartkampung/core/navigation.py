"""Navigation: each app contributes the menu entries its user may use.

An app's ``AppConfig`` may define ``nav_items(self, request) -> list[NavItem]``; the shell
collects them in INSTALLED_APPS order, so no app imports another to build the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100

    def is_active(self, path: str) -> bool:
        return self.url != "/" and path.startswith(self.url)


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "nav_items", None)
        if provider is not None:
            items.extend(provider(request))
    return sorted(items, key=lambda item: item.order)


def collect_from_apps(hook: str, *args: object) -> list[object]:
    """Call ``hook(*args)`` on every AppConfig that defines it and concatenate the results.

    Used for contributions that must not create upward imports, e.g. the panels that
    each domain app adds to the village page (``village_panels(request, village)``)."""
    results: list[object] = []
    for config in apps.get_app_configs():
        provider = getattr(config, hook, None)
        if provider is not None:
            results.extend(provider(*args))
    return results


@dataclass(frozen=True)
class Panel:
    """A section that an app adds to another app's page (rendered with ``template``)."""

    template: str
    context: dict[str, object]
    order: int = 100


@dataclass(frozen=True)
class AccountFact:
    """A line an app adds to the user's account page (``account_facts(user)``), e.g. the
    citizen's NIK, masked; ``replaces_username`` when it is what the user logs in with."""

    label: str
    value: str
    replaces_username: bool = False

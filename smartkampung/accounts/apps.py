from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "smartkampung.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def nav_items(self, request: HttpRequest) -> list:
        from smartkampung.core.navigation import NavItem

        from .permissions import can_manage_users

        if not request.user.is_authenticated:
            return []
        items = [NavItem(label=str(_("Home")), url=reverse("accounts:home"), order=0)]
        if can_manage_users(request.user):
            items.append(
                NavItem(label=str(_("Users")), url=reverse("accounts:user_list"), order=95)
            )
        return items

    def inbox_sections(self, actor: Any) -> list[Any]:
        """The village head's inbox: staff of the village with failed logins (ADR 0065)."""
        from smartkampung.core.formatting import format_datetime
        from smartkampung.core.inbox import INBOX_ITEMS, InboxItem, InboxSection

        from .models import Role
        from .permissions import has_role_anywhere
        from .selectors import LOCKOUT_WATCH_HOURS, lockout_watch_list

        if not has_role_anywhere(actor, {Role.VILLAGE_HEAD}):
            return []
        rows = lockout_watch_list(actor=actor)
        url = reverse("accounts:lockout_list")
        items = []
        for row in rows[:INBOX_ITEMS]:
            note = _("%(n)s failed attempts, the last at %(time)s") % {
                "n": row.failures,
                "time": format_datetime(row.last_attempt),
            }
            if row.locked:
                note = _("%(note)s — locked out now") % {"note": note}
            items.append(InboxItem(label=row.name, url=url, note=str(note)))
        return [
            InboxSection(
                key="accounts.lockouts",
                title=str(
                    _("Failed logins of your village's staff (last %(hours)s hours)")
                    % {"hours": LOCKOUT_WATCH_HOURS}
                ),
                count=len(rows),
                url=url,
                items=tuple(items),
                tone="urgent" if any(r.locked for r in rows) else "",
                order=90,
            )
        ]

"""Welfare's part of the work inbox (``WelfareConfig.inbox_sections``): proposals (usulan)
waiting for the kecamatan officer to check and for the social office to approve.

The inbox itself (``smartkampung.core.inbox``, issue 12) is built on another branch; until it
is merged this hook returns nothing (the import fails) and nothing else changes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import has_role_anywhere

from .models import ProposalStatus
from .permissions import PROPOSAL_CHECK_ROLES, SOCIAL_ROLES
from .selectors import proposals_awaiting


def inbox_sections(actor: Any) -> list[Any]:
    try:
        from smartkampung.core.inbox import (  # type: ignore[import-not-found,unused-ignore]
            INBOX_ITEMS,
            InboxItem,
            InboxSection,
        )
    except ImportError:
        return []
    sections = []
    for key, roles, status, title, order in (
        (
            "welfare.to_check",
            PROPOSAL_CHECK_ROLES,
            ProposalStatus.PROPOSED,
            _("Welfare proposals to check"),
            40,
        ),
        (
            "welfare.to_approve",
            SOCIAL_ROLES,
            ProposalStatus.CHECKED,
            _("Welfare proposals to approve"),
            40,
        ),
    ):
        if not has_role_anywhere(actor, roles):
            continue
        waiting = proposals_awaiting(actor=actor).filter(status=status)
        rows = list(waiting[:INBOX_ITEMS])
        sections.append(
            InboxSection(
                key=key,
                title=title,
                count=waiting.count() if len(rows) == INBOX_ITEMS else len(rows),
                url=reverse("welfare:proposals") + f"?status={status}",
                items=tuple(
                    InboxItem(
                        label=f"{p.get_kind_display()} — {p.village.name}",
                        url=reverse("welfare:proposal", args=[p.pk]),
                        note=p.proposed_at.strftime("%d-%m-%Y"),
                    )
                    for p in rows
                ),
                order=order,
            )
        )
    return sections

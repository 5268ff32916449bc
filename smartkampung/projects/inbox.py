"""The projects' part of the work inbox (``ProjectsConfig.inbox_sections``).

An inspector sees the open red flags of their scope, the most severe first and, within a
severity, the oldest first; the counts per severity ride on the same query as subqueries.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import Role, has_role_anywhere, scope_q
from smartkampung.core.inbox import INBOX_ITEMS, InboxItem, InboxSection, count_subquery

from .models import FlagStatus, RedFlag, Severity
from .selectors import flag_list


def inbox_sections(actor: Any) -> list[InboxSection]:
    if not has_role_anywhere(actor, {Role.INSPECTOR}):
        return []
    rank = Case(
        When(severity=Severity.HIGH, then=Value(0)),
        When(severity=Severity.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    open_flags = flag_list(actor=actor, status=FlagStatus.OPEN).filter(
        scope_q(actor, {Role.INSPECTOR})
    )
    order = (rank, "first_detected_at", "pk")
    # The first flags are picked on the flags table alone, then joined: joining every open
    # flag to its project before the sort cost 10x at regency scale.
    first = open_flags.select_related(None).order_by(*order).values("pk")[:INBOX_ITEMS]
    rows = list(
        RedFlag.objects.filter(pk__in=Subquery(first))
        .select_related("project", "village")
        .only("rule", "severity", "first_detected_at", "project__title", "village__name")
        .annotate(
            _total=count_subquery(open_flags),
            _high=count_subquery(open_flags.filter(severity=Severity.HIGH)),
            _medium=count_subquery(open_flags.filter(severity=Severity.MEDIUM)),
        )
        .order_by(*order)
    )
    total = rows[0]._total if rows else 0
    high = rows[0]._high if rows else 0
    medium = rows[0]._medium if rows else 0
    return [
        InboxSection(
            key="projects.flags",
            title=_("Open red flags"),
            count=total,
            url=reverse("projects:flag_queue"),
            items=tuple(
                InboxItem(
                    label=f"{flag.get_rule_display()} — {flag.project.title}",
                    url=reverse("projects:flag_detail", args=[flag.pk]),
                    note=_("%(severity)s · %(village)s · since %(date)s")
                    % {
                        "severity": flag.get_severity_display(),
                        "village": flag.village.name,
                        "date": flag.first_detected_at.strftime("%d-%m-%Y"),
                    },
                )
                for flag in rows
            ),
            tone="urgent" if high else "",
            note=_("%(high)s high, %(medium)s medium, %(low)s low severity")
            % {"high": high, "medium": medium, "low": total - high - medium},
            order=10,
        )
    ]

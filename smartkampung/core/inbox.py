"""The work inbox: what waits for the logged-in user, contributed by each app.

An app's ``AppConfig`` may define ``inbox_sections(self, actor) -> list[InboxSection]``; the home
page collects them in INSTALLED_APPS order (``navigation.collect_from_apps``), so core and
accounts never import a domain app. Each section is computed by the app's own selectors with
one query (a count, or the first items with the total as a window annotation, see
``first_with_total``), never one query per item. An app returns no section for a role it has
nothing for; a section of the user's role with nothing in it is shown as "nothing waiting", so
the user sees that the inbox is complete rather than broken.

To add sections for a new role, define the hook in the app's AppConfig (see
``smartkampung/letters/apps.py``) and, for its items, use ``first_with_total``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

from .navigation import collect_from_apps

T = TypeVar("T")

# How many items a section lists under its count (the rest is one click away on ``url``).
INBOX_ITEMS = 5


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting: a line with a link straight to it."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class InboxSection:
    """What waits for the user in one kind of work, e.g. "Letters to approve and sign"."""

    key: str  # stable identifier, e.g. "letters.to_approve" (tests, the page's element ids)
    title: str
    count: int
    url: str  # the full list behind the count
    items: tuple[InboxItem, ...] = ()
    # "urgent" (red) for what is overdue or high-risk, "" otherwise.
    tone: str = ""
    order: int = 100
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return "inbox-" + self.key.replace(".", "-").replace("_", "-")


def count_subquery(qs: QuerySet[Any]) -> Subquery:
    """``(SELECT COUNT(*) FROM … WHERE …)`` of ``qs``, to ride on another query of the same
    statement. ``COUNT`` through ``Func`` is not an aggregate to Django (no GROUP BY), and the
    database computes the uncorrelated subquery once."""
    return Subquery(
        qs.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n"),
        output_field=IntegerField(),
    )


def first_with_total(
    qs: QuerySet[Any], limit: int = INBOX_ITEMS, **counts: QuerySet[Any]
) -> tuple[list[Any], int]:
    """The first ``limit`` rows of ``qs`` and the total number of rows, in one query.

    The total is a scalar subquery over the same filters (not a window, which would make the
    database join every matching row before the LIMIT), so a section costs one query whatever
    it holds. Further counts (``high=qs.filter(...)``) come as attributes ``_count_<name>`` of
    the first row. When ``qs`` is empty the total is 0."""
    extra = {f"_count_{name}": count_subquery(sub) for name, sub in counts.items()}
    rows = list(qs.annotate(_inbox_total=count_subquery(qs), **extra)[:limit])
    total = rows[0]._inbox_total if rows else 0
    return rows, total


def items_from(rows: Iterable[T], render: Callable[[T], InboxItem]) -> tuple[InboxItem, ...]:
    return tuple(render(row) for row in rows)


def inbox_for(actor: Any) -> list[InboxSection]:
    """Every section of every app for ``actor``, the ones with work first, then by order."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    sections = [
        s for s in collect_from_apps("inbox_sections", actor) if isinstance(s, InboxSection)
    ]
    return sorted(sections, key=lambda s: (not s.count, s.order, s.key))

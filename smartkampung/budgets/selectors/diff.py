"""The difference between two versions of a village-year's budget.

Lines are matched by their lineage (kept across revisions), then by a natural key for lines
that were removed and added again; the rest are added or removed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.core.exceptions import NotFound

from ..models import VillageBudget
from .budgets import budget_content

ZERO = Decimal("0.00")


@dataclass
class DiffRow:
    section: str
    change: str  # added | removed | changed
    label: str
    old_amount: Decimal | None
    new_amount: Decimal | None
    fields: list[str] = field(default_factory=list)

    @property
    def delta(self) -> Decimal:
        return (self.new_amount or ZERO) - (self.old_amount or ZERO)


@dataclass
class VersionDiff:
    old: VillageBudget
    new: VillageBudget
    rows: list[DiffRow]
    totals: list[tuple[str, Decimal, Decimal, Decimal]]  # label, old, new, change


ITEM_FIELDS = (
    "description",
    "account_id",
    "volume",
    "unit",
    "unit_price",
    "amount",
    "fund_source_id",
    "ssh_id",
)
REVENUE_FIELDS = ("account_id", "fund_source_id", "description", "amount")
ACTIVITY_FIELDS = ("location", "output", "output_volume", "output_unit", "duration")


def _match(
    old: list[Any], new: list[Any], natural: Callable[[Any], tuple[Any, ...]]
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pairs by lineage first, then by a natural key; the rest are removed / added."""
    by_lineage = {row.lineage: row for row in old}
    pairs, added = [], []
    matched_old = set()
    rest_new = []
    for row in new:
        partner = by_lineage.get(row.lineage)
        if partner is not None:
            pairs.append((partner, row))
            matched_old.add(partner.pk)
        else:
            rest_new.append(row)
    by_key: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in old:
        if row.pk not in matched_old:
            by_key[natural(row)].append(row)
    for row in rest_new:
        candidates = by_key.get(natural(row))
        if candidates:
            partner = candidates.pop(0)
            pairs.append((partner, row))
            matched_old.add(partner.pk)
        else:
            added.append(row)
    removed = [row for row in old if row.pk not in matched_old]
    return pairs, removed, added


def _changes(old: Any, new: Any, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(old, name) != getattr(new, name)]


FIELD_LABELS = {
    "description": gettext_lazy("description"),
    "account_id": gettext_lazy("account"),
    "volume": gettext_lazy("volume"),
    "unit": gettext_lazy("unit"),
    "unit_price": gettext_lazy("unit price"),
    "amount": gettext_lazy("amount"),
    "fund_source_id": gettext_lazy("fund source"),
    "ssh_id": gettext_lazy("SSH item"),
    "location": gettext_lazy("location"),
    "output": gettext_lazy("output"),
    "output_volume": gettext_lazy("output volume"),
    "output_unit": gettext_lazy("output unit"),
    "duration": gettext_lazy("duration"),
}


def version_diff(*, old: VillageBudget, new: VillageBudget) -> VersionDiff:
    """What changed from ``old`` to ``new`` (two versions of the same village-year; callers
    check that the actor may see both)."""
    if (old.village_id, old.year) != (new.village_id, new.year):
        raise NotFound(_("These versions belong to different budgets."))
    a, b = budget_content(old), budget_content(new)
    rows: list[DiffRow] = []

    def emit(section: str, pairs: Any, removed: Any, added: Any, label: Any, names: Any) -> None:
        amount = (lambda r: getattr(r, "amount", None)) if names != ACTIVITY_FIELDS else None
        for row in removed:
            rows.append(
                DiffRow(section, "removed", label(row), amount(row) if amount else None, None)
            )
        for row in added:
            rows.append(
                DiffRow(section, "added", label(row), None, amount(row) if amount else None)
            )
        for before, after in pairs:
            changed = _changes(before, after, names)
            if changed:
                rows.append(
                    DiffRow(
                        section,
                        "changed",
                        label(after),
                        amount(before) if amount else None,
                        amount(after) if amount else None,
                        [str(FIELD_LABELS[n]) for n in changed],
                    )
                )

    emit(
        str(_("Revenue")),
        *_match(
            a.revenues,
            b.revenues,
            lambda r: (r.account_id, r.fund_source_id, r.description.lower()),
        ),
        lambda r: f"{r.account_id} {r.description} ({r.fund_source_id or '–'})",
        REVENUE_FIELDS,
    )
    emit(
        str(_("Activities")),
        *_match(a.activities, b.activities, lambda r: (r.activity_id,)),
        lambda r: f"{r.activity_id} {r.activity.name}",
        ACTIVITY_FIELDS,
    )
    emit(
        str(_("Items")),
        *_match(
            a.items,
            b.items,
            lambda r: (r.activity.activity_id, r.account_id, r.description.lower()),
        ),
        lambda r: f"{r.activity.activity_id} · {r.description}",
        ITEM_FIELDS,
    )
    emit(
        str(_("Financing")),
        *_match(a.financing, b.financing, lambda r: (r.account_id, r.description.lower())),
        lambda r: f"{r.account_id} {r.description}",
        REVENUE_FIELDS,
    )
    old_totals, _f1 = a.evaluate()
    new_totals, _f2 = b.evaluate()
    pairs = [
        (str(_("Revenue")), old_totals.revenue, new_totals.revenue),
        (str(_("Expenditure")), old_totals.expenditure, new_totals.expenditure),
        (str(_("Net financing")), old_totals.net_financing, new_totals.net_financing),
        (str(_("Balance")), old_totals.balance, new_totals.balance),
    ]
    totals = [(label, old, new, new - old) for label, old, new in pairs]
    return VersionDiff(old=old, new=new, rows=rows, totals=totals)

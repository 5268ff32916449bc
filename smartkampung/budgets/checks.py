"""Budget totals and checks: pure computation over a loaded budget (no queries here).

Blocking checks (``error``) are the rules of law — revenue per fund source within the regency's
ceiling, expenditure within revenue plus net financing, complete items — and stop a budget from
being submitted, evaluated or approved. Warnings (``warning``) are flags: a unit price above
its SSH ceiling, an activity without items, a fund source spent beyond its revenue.

The editor calls ``evaluate`` with an unsaved line added, so totals and checks follow the
operator's typing before anything is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _

from smartkampung.core.templatetags.sk import rupiah

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
Severity = Literal["error", "warning"]


def line_amount(volume: Decimal | None, unit_price: Decimal | None) -> Decimal:
    """volume × unit price, rounded half up to the cent (as Siskeudes' Anggaran)."""
    return (Decimal(volume or 0) * Decimal(unit_price or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    target: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "target": self.target,
        }


@dataclass
class Totals:
    revenue: Decimal = ZERO
    expenditure: Decimal = ZERO
    financing_receipts: Decimal = ZERO
    financing_expenditure: Decimal = ZERO
    revenue_by_source: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    expenditure_by_source: dict[str, Decimal] = field(
        default_factory=lambda: defaultdict(lambda: ZERO)
    )
    financing_by_source: dict[str, Decimal] = field(
        default_factory=lambda: defaultdict(lambda: ZERO)
    )
    expenditure_by_sector: dict[str, Decimal] = field(
        default_factory=lambda: defaultdict(lambda: ZERO)
    )
    expenditure_by_activity: dict[int, Decimal] = field(
        default_factory=lambda: defaultdict(lambda: ZERO)
    )

    @property
    def net_financing(self) -> Decimal:
        return self.financing_receipts - self.financing_expenditure

    @property
    def surplus(self) -> Decimal:
        """Revenue minus expenditure (surplus if positive, deficit if negative)."""
        return self.revenue - self.expenditure

    @property
    def means(self) -> Decimal:
        """What may be spent: revenue plus net financing."""
        return self.revenue + self.net_financing

    @property
    def balance(self) -> Decimal:
        """Means minus expenditure; negative is a deficit the law does not allow."""
        return self.means - self.expenditure

    def as_dict(self) -> dict[str, Any]:
        return {
            "revenue": self.revenue,
            "expenditure": self.expenditure,
            "financing_receipts": self.financing_receipts,
            "financing_expenditure": self.financing_expenditure,
            "net_financing": self.net_financing,
            "surplus": self.surplus,
            "balance": self.balance,
        }


@dataclass
class Snapshot:
    """Everything the checks need, loaded once (selectors.budget_snapshot)."""

    revenues: Sequence[Any]
    financing: Sequence[Any]
    activities: Sequence[Any]
    items: Sequence[Any]
    ceilings: Mapping[str, Decimal]
    fund_sources: Mapping[str, Any]
    # For a revision: what the executing version has committed/realised, by item lineage.
    executed: Mapping[Any, tuple[Decimal, str]] = field(default_factory=dict)
    year: int = 0


def compute_totals(
    *, revenues: Iterable[Any], items: Iterable[Any], financing: Iterable[Any]
) -> Totals:
    totals = Totals()
    for line in revenues:
        totals.revenue += line.amount
        totals.revenue_by_source[line.fund_source_id or ""] += line.amount
    for item in items:
        totals.expenditure += item.amount
        totals.expenditure_by_source[item.fund_source_id or ""] += item.amount
        totals.expenditure_by_activity[item.activity_id] += item.amount
        totals.expenditure_by_sector[_sector_of(item)] += item.amount
    for line in financing:
        if str(line.account_id).startswith("6.1"):
            totals.financing_receipts += line.amount
            totals.financing_by_source[line.fund_source_id or ""] += line.amount
        else:
            totals.financing_expenditure += line.amount
    return totals


def _sector_of(item: Any) -> str:
    activity = getattr(item, "activity", None)
    code = getattr(activity, "activity_id", "") if activity is not None else ""
    return str(code)[:2]


def _item_label(item: Any) -> str:
    description = item.description or _("(no description)")
    activity = getattr(item, "activity", None)
    code = getattr(activity, "activity_id", "") if activity is not None else ""
    return f"“{description}” ({code})" if code else f"“{description}”"


def _source_name(snapshot: Snapshot, code: str) -> str:
    source = snapshot.fund_sources.get(code)
    return f"{code} – {source.name}" if source is not None else code


def evaluate(snapshot: Snapshot) -> tuple[Totals, list[Finding]]:
    totals = compute_totals(
        revenues=snapshot.revenues, items=snapshot.items, financing=snapshot.financing
    )
    findings: list[Finding] = []
    findings += _ceiling_findings(snapshot, totals)
    if totals.expenditure > totals.means:
        findings.append(
            Finding(
                "expenditure_over_means",
                "error",
                _(
                    "Expenditure (%(expenditure)s) exceeds revenue plus net financing "
                    "(%(means)s) by %(excess)s."
                )
                % {
                    "expenditure": rupiah(totals.expenditure),
                    "means": rupiah(totals.means),
                    "excess": rupiah(totals.expenditure - totals.means),
                },
            )
        )
    findings += _line_findings(snapshot)
    findings += _ssh_findings(snapshot)
    findings += _source_findings(snapshot, totals)
    findings += _revision_findings(snapshot)
    if not snapshot.items and not snapshot.revenues:
        findings.append(
            Finding("empty_budget", "error", _("The budget has no revenue and no expenditure."))
        )
    return totals, findings


def _ceiling_findings(snapshot: Snapshot, totals: Totals) -> list[Finding]:
    findings = []
    for code, revenue in sorted(totals.revenue_by_source.items()):
        if not code or revenue <= 0:
            continue
        ceiling = snapshot.ceilings.get(code)
        source = snapshot.fund_sources.get(code)
        if ceiling is None:
            if source is not None and source.needs_ceiling:
                findings.append(
                    Finding(
                        "ceiling_missing",
                        "error",
                        _(
                            "No ceiling has been set for %(source)s in %(year)s: revenue from "
                            "this source cannot be budgeted until the regency sets it."
                        )
                        % {"source": _source_name(snapshot, code), "year": snapshot.year},
                        f"source:{code}",
                    )
                )
            continue
        if revenue > ceiling:
            findings.append(
                Finding(
                    "revenue_over_ceiling",
                    "error",
                    _(
                        "Revenue from %(source)s (%(revenue)s) exceeds the regency's ceiling of "
                        "%(ceiling)s by %(excess)s."
                    )
                    % {
                        "source": _source_name(snapshot, code),
                        "revenue": rupiah(revenue),
                        "ceiling": rupiah(ceiling),
                        "excess": rupiah(revenue - ceiling),
                    },
                    f"source:{code}",
                )
            )
    return findings


def _line_findings(snapshot: Snapshot) -> list[Finding]:
    findings = []
    for line in snapshot.revenues:
        missing = []
        if not line.fund_source_id:
            missing.append(_("fund source"))
        if line.amount <= 0:
            missing.append(_("amount"))
        if missing:
            findings.append(
                Finding(
                    "revenue_incomplete",
                    "error",
                    _("Revenue line %(account)s “%(description)s” has no %(missing)s.")
                    % {
                        "account": line.account_id,
                        "description": line.description or _("(no description)"),
                        "missing": ", ".join(str(m) for m in missing),
                    },
                    f"revenue:{line.pk}",
                )
            )
    for item in snapshot.items:
        missing = []
        if not item.description:
            missing.append(_("description"))
        if not item.account_id:
            missing.append(_("account"))
        if not item.volume or item.volume <= 0:
            missing.append(_("volume"))
        if not item.unit:
            missing.append(_("unit"))
        if not item.unit_price or item.unit_price <= 0:
            missing.append(_("unit price"))
        if not item.fund_source_id:
            missing.append(_("fund source"))
        if missing:
            findings.append(
                Finding(
                    "item_incomplete",
                    "error",
                    _("Item %(item)s is incomplete: no %(missing)s.")
                    % {
                        "item": _item_label(item),
                        "missing": ", ".join(str(m) for m in missing),
                    },
                    f"item:{item.pk}",
                )
            )
    with_items = {item.activity_id for item in snapshot.items}
    for activity in snapshot.activities:
        if activity.pk not in with_items:
            findings.append(
                Finding(
                    "activity_without_items",
                    "warning",
                    _("Activity %(code)s has no items yet.") % {"code": activity.activity_id},
                    f"activity:{activity.pk}",
                )
            )
    return findings


def _ssh_findings(snapshot: Snapshot) -> list[Finding]:
    findings = []
    for item in snapshot.items:
        ssh = getattr(item, "ssh", None) if item.ssh_id else None
        if ssh is not None and item.unit_price > ssh.price:
            findings.append(
                Finding(
                    "ssh_exceeded",
                    "warning",
                    _(
                        "Unit price of %(item)s (%(price)s per %(unit)s) is above the SSH "
                        "ceiling of %(ceiling)s for “%(ssh)s” (%(code)s)."
                    )
                    % {
                        "item": _item_label(item),
                        "price": rupiah(item.unit_price),
                        "unit": item.unit or ssh.unit,
                        "ceiling": rupiah(ssh.price),
                        "ssh": ssh.name,
                        "code": ssh.code,
                    },
                    f"item:{item.pk}",
                )
            )
    return findings


def _source_findings(snapshot: Snapshot, totals: Totals) -> list[Finding]:
    findings = []
    for code, spent in sorted(totals.expenditure_by_source.items()):
        if not code:
            continue
        available = totals.revenue_by_source.get(code, ZERO) + totals.financing_by_source.get(
            code, ZERO
        )
        if spent > available:
            findings.append(
                Finding(
                    "source_overspent",
                    "warning",
                    _(
                        "Expenditure funded by %(source)s (%(spent)s) is more than the budgeted "
                        "revenue and financing from it (%(available)s)."
                    )
                    % {
                        "source": _source_name(snapshot, code),
                        "spent": rupiah(spent),
                        "available": rupiah(available),
                    },
                    f"source:{code}",
                )
            )
    return findings


def _revision_findings(snapshot: Snapshot) -> list[Finding]:
    if not snapshot.executed:
        return []
    findings = []
    present = {item.lineage: item for item in snapshot.items}
    for lineage, (used, description) in snapshot.executed.items():
        if used <= 0:
            continue
        item = present.get(lineage)
        if item is None:
            findings.append(
                Finding(
                    "removed_item_has_realisation",
                    "error",
                    _(
                        "Item “%(description)s” has %(used)s requested or realised in the "
                        "approved budget; it cannot be removed."
                    )
                    % {"description": description, "used": rupiah(used)},
                )
            )
        elif item.amount < used:
            findings.append(
                Finding(
                    "item_below_realisation",
                    "error",
                    _(
                        "Item %(item)s is budgeted at %(amount)s but %(used)s has already been "
                        "requested or realised."
                    )
                    % {
                        "item": _item_label(item),
                        "amount": rupiah(item.amount),
                        "used": rupiah(used),
                    },
                    f"item:{item.pk}",
                )
            )
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]

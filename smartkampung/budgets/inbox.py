"""The budgets' part of the work inbox (``BudgetsConfig.inbox_sections``): one query each.

- village head: SPP (disbursement requests) to approve, the APBDes to submit;
- village operator / secretary: an APBDes returned for correction;
- treasurer: approved SPP to pay, their SPP waiting for the village head, SPP rejected this
  year;
- kecamatan officer: budgets to evaluate; regency officer: budgets to approve.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import actor_grants, scope_q
from smartkampung.core.inbox import InboxItem, InboxSection, first_with_total

from .models import BudgetStatus, Disbursement, DisbursementStatus, VillageBudget
from .permissions import DISTRICT_ROLES, EDITOR_ROLES, HEAD_ROLES, REGENCY_ROLES, TREASURER_ROLES
from .selectors.budgets import budget_list
from .selectors.execution import disbursement_list


def _budget_item(budget: VillageBudget, note: str = "") -> InboxItem:
    return InboxItem(
        label=f"{budget.label} — {budget.village.name}",
        url=reverse("budgets:detail", args=[budget.pk]),
        note=note or budget.get_status_display(),
    )


def _spp_item(spp: Disbursement) -> InboxItem:
    return InboxItem(
        label=f"{spp.number} — {spp.description}",
        url=reverse("budgets:execution", args=[spp.item.budget_id]) + f"#spp-{spp.pk}",
        note=f"Rp {number_format(spp.amount, decimal_pos=0, force_grouping=True)}",
    )


def _budgets(actor: Any, roles: frozenset[str], statuses: list[str]) -> QuerySet[VillageBudget]:
    return (
        budget_list(actor=actor)
        .filter(scope_q(actor, roles), status__in=statuses)
        .order_by("submitted_at", "updated_at", "pk")
    )


def _spps(actor: Any, roles: frozenset[str], status: str, **filters: Any) -> QuerySet[Any]:
    return (
        disbursement_list(actor=actor, status=status)
        .filter(scope_q(actor, roles), **filters)
        .order_by("requested_on", "pk")
    )


def _section(
    key: str, title: str, url: str, rows_total: tuple[list[Any], int], item: Any, order: int
) -> InboxSection:
    rows, total = rows_total
    return InboxSection(
        key=key, title=title, count=total, url=url, items=tuple(item(r) for r in rows), order=order
    )


def inbox_sections(actor: Any) -> list[InboxSection]:
    roles = {g.role for g in actor_grants(actor)}
    index = reverse("budgets:index")
    sections: list[InboxSection] = []
    if roles & HEAD_ROLES:
        sections.append(
            _section(
                "budgets.spp_to_approve",
                _("Disbursement requests (SPP) to approve"),
                index,
                first_with_total(_spps(actor, HEAD_ROLES, DisbursementStatus.PENDING)),
                _spp_item,
                15,
            )
        )
        sections.append(
            _section(
                "budgets.to_submit",
                _("Village budgets to submit"),
                index,
                first_with_total(
                    _budgets(actor, HEAD_ROLES, [BudgetStatus.DRAFT, BudgetStatus.RETURNED])
                ),
                _budget_item,
                16,
            )
        )
    if roles & EDITOR_ROLES:
        sections.append(
            _section(
                "budgets.returned",
                _("Village budgets returned for correction"),
                index,
                first_with_total(_budgets(actor, EDITOR_ROLES, [BudgetStatus.RETURNED])),
                _budget_item,
                16,
            )
        )
    if roles & TREASURER_ROLES:
        sections.append(
            _section(
                "budgets.spp_to_pay",
                _("Approved SPP to pay"),
                index,
                first_with_total(
                    _spps(
                        actor, TREASURER_ROLES, DisbursementStatus.APPROVED, paid_at__isnull=True
                    ).order_by("approved_on", "pk")
                ),
                _spp_item,
                14,
            )
        )
        sections.append(
            _section(
                "budgets.spp_waiting",
                _("Your SPP waiting for the village head"),
                index,
                first_with_total(_spps(actor, TREASURER_ROLES, DisbursementStatus.PENDING)),
                _spp_item,
                15,
            )
        )
        sections.append(
            _section(
                "budgets.spp_rejected",
                _("SPP rejected this year (to revise)"),
                index,
                first_with_total(
                    _spps(
                        actor,
                        TREASURER_ROLES,
                        DisbursementStatus.REJECTED,
                        year=timezone.localdate().year,
                    )
                ),
                _spp_item,
                16,
            )
        )
    if roles & DISTRICT_ROLES:
        sections.append(
            _section(
                "budgets.to_evaluate",
                _("Village budgets to evaluate"),
                f"{index}?status={BudgetStatus.SUBMITTED}",
                first_with_total(_budgets(actor, DISTRICT_ROLES, [BudgetStatus.SUBMITTED])),
                _budget_item,
                15,
            )
        )
    if roles & REGENCY_ROLES:
        sections.append(
            _section(
                "budgets.to_approve",
                _("Village budgets to approve"),
                f"{index}?status={BudgetStatus.EVALUATED}",
                first_with_total(_budgets(actor, REGENCY_ROLES, [BudgetStatus.EVALUATED])),
                _budget_item,
                15,
            )
        )
    return sections

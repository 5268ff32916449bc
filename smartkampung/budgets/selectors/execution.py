"""Reads of disbursement requests and receipts, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.exceptions import NotFound

from ..models import Disbursement, RevenueReceipt
from ..permissions import BUDGET_READER_ROLES, can_view_execution


def disbursement_list(
    *,
    actor: Any,
    village_code: str | None = None,
    year: int | None = None,
    status: str | None = None,
) -> QuerySet[Disbursement]:
    qs = Disbursement.objects.filter(scope_q(actor, BUDGET_READER_ROLES)).select_related(
        "item", "item__activity", "requested_by", "decided_by"
    )
    if village_code:
        qs = qs.filter(village_id=village_code)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "-seq")


def disbursement_get(*, actor: Any, disbursement_id: int) -> Disbursement:
    found = (
        Disbursement.objects.select_related("item", "item__budget")
        .filter(pk=disbursement_id)
        .first()
    )
    if found is None or not can_view_execution(actor, found.village_id):
        raise NotFound(_("Not found."))
    return found


def receipt_list(
    *, actor: Any, village_code: str | None = None, year: int | None = None
) -> QuerySet[RevenueReceipt]:
    qs = RevenueReceipt.objects.filter(scope_q(actor, BUDGET_READER_ROLES)).select_related(
        "account", "fund_source", "recorded_by"
    )
    if village_code:
        qs = qs.filter(village_id=village_code)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-seq")

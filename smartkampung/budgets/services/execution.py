"""Executing an approved APBDes: disbursement requests (SPP) and revenue receipts.

Concurrency: every write locks the village-year's executing budget row first, then the item
row (``SELECT … FOR UPDATE``), then records the audit event; approving a revision takes the
same locks in the same order. The database refuses ``committed + realised > amount`` on every
item, so even a path that forgot the lock could not overdraw an item.

"No money ahead of evidence": approving a request runs every check named in
``settings.SK_DISBURSEMENT_CHECKS`` (dotted paths to ``check(*, item, amount, actor)`` returning a
refusal message or None), the way Django calls its authentication backends. The projects app
registers its progress check there, so budgets never imports projects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.core.templatetags.sk import rupiah

from ..exceptions import BudgetConflict, BudgetErrorCode, BudgetInvalid, DisbursementRefused
from ..models import (
    BudgetItem,
    BudgetStatus,
    Disbursement,
    DisbursementKind,
    DisbursementStatus,
    RevenueReceipt,
    VillageBudget,
)
from ..permissions import (
    can_decide_disbursement,
    can_pay_disbursement,
    can_record_receipt,
    can_request_disbursement,
    can_view_execution,
)
from .common import clean_text, get_account, get_fund_source, to_decimal

DisbursementCheck = Callable[..., "str | None"]


def disbursement_checks() -> list[DisbursementCheck]:
    """The callables named in ``SK_DISBURSEMENT_CHECKS`` (resolved on each call, so that
    ``override_settings`` in tests and late registration both work)."""
    return [import_string(path) for path in getattr(settings, "SK_DISBURSEMENT_CHECKS", [])]


def _require(actor: Any, village_code: str, allowed: bool, message: str) -> None:
    if not can_view_execution(actor, village_code):
        raise NotFound(_("Not found."))
    if not allowed:
        raise PermissionDenied(message)


def _lock_executing(village_code: str, year: int) -> VillageBudget:
    budget = (
        VillageBudget.objects.select_for_update()
        .filter(village_id=village_code, year=year, status=BudgetStatus.APPROVED)
        .first()
    )
    if budget is None:
        raise BudgetConflict(
            _(
                "There is no approved budget for %(year)s (or it was revised a moment ago): "
                "reload the page and try again."
            )
            % {"year": year},
            code=BudgetErrorCode.NOT_EXECUTING,
        )
    return budget


def _next_seq(model: Any, village_code: str, year: int) -> int:
    found = model.objects.filter(village_id=village_code, year=year).aggregate(m=Max("seq"))["m"]
    return int(found or 0) + 1


def _document_number(seq: int, kind: str, village_code: str, year: int) -> str:
    return f"{seq:04d}/{kind}/{village_code}/{year}"


def disbursement_request(
    *,
    actor: Any,
    item: BudgetItem,
    amount: Any,
    description: str,
    kind: str = DisbursementKind.LS,
    requested_on: date | None = None,
) -> Disbursement:
    """The treasurer requests payment from an item of the approved budget (an SPP).

    The amount is reserved at once: requests can never add up to more than the item."""
    village_code = item.budget.village_id
    _require(
        actor,
        village_code,
        can_request_disbursement(actor, village_code),
        _("Only the village treasurer requests disbursements."),
    )
    value = to_decimal(amount, label=_("Amount"), allow_zero=False)
    text = clean_text(description)
    if not text:
        raise BudgetInvalid(_("Describe what the payment is for."), code="description_required")
    if kind not in DisbursementKind.values:
        raise BudgetInvalid(_("Unknown kind of request."), code="invalid_kind")
    year = item.budget.year
    with transaction.atomic():
        budget = _lock_executing(village_code, year)
        locked = BudgetItem.objects.select_for_update().filter(pk=item.pk, budget=budget).first()
        if locked is None:
            raise BudgetConflict(
                _("This item is not part of the approved budget being executed."),
                code=BudgetErrorCode.NOT_EXECUTING,
            )
        remaining = locked.amount - locked.committed - locked.realised
        if value > remaining:
            raise DisbursementRefused(
                _(
                    "%(amount)s requested, but only %(remaining)s remains of item "
                    "“%(item)s” (budget %(budget)s, already requested or realised %(used)s)."
                )
                % {
                    "amount": rupiah(value),
                    "remaining": rupiah(remaining),
                    "item": locked.description,
                    "budget": rupiah(locked.amount),
                    "used": rupiah(locked.committed + locked.realised),
                },
                details={"remaining": str(remaining)},
            )
        locked.committed += value
        locked.save(update_fields=["committed"])
        seq = _next_seq(Disbursement, village_code, year)
        disbursement = Disbursement.objects.create(
            village_id=village_code,
            year=year,
            item=locked,
            seq=seq,
            number=_document_number(seq, "SPP", village_code, year),
            kind=kind,
            description=text,
            amount=value,
            requested_on=requested_on or timezone.localdate(),
            requested_by=actor,
        )
        audit.record(
            actor,
            "budgets.disbursement_request",
            disbursement,
            {"number": disbursement.number, "item": locked.pk, "amount": value},
        )
    return disbursement


def _lock_pending(disbursement: Disbursement) -> tuple[Disbursement, BudgetItem]:
    _lock_executing(disbursement.village_id, disbursement.year)
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if locked.status != DisbursementStatus.PENDING:
        raise BudgetConflict(
            _("This request is already %(status)s.")
            % {"status": locked.get_status_display().lower()},
            code=BudgetErrorCode.DISBURSEMENT_STATE,
        )
    item = BudgetItem.objects.select_for_update().get(pk=locked.item_id)
    return locked, item


def disbursement_approve(
    *, actor: Any, disbursement: Disbursement, notes: str = ""
) -> Disbursement:
    """The village head approves a request: the amount becomes realisation.

    Every check in ``SK_DISBURSEMENT_CHECKS`` runs first; a refusal message stops the approval
    and nothing changes."""
    _require(
        actor,
        disbursement.village_id,
        can_decide_disbursement(actor, disbursement.village_id),
        _("Only the village head approves disbursements."),
    )
    with transaction.atomic():
        locked, item = _lock_pending(disbursement)
        for check in disbursement_checks():
            refusal = check(item=item, amount=locked.amount, actor=actor)
            if refusal:
                raise DisbursementRefused(str(refusal), code=BudgetErrorCode.DISBURSEMENT_REFUSED)
        item.committed -= locked.amount
        item.realised += locked.amount
        item.save(update_fields=["committed", "realised"])
        now = timezone.now()
        locked.status = DisbursementStatus.APPROVED
        locked.decided_by = actor
        locked.decided_at = now
        locked.approved_on = timezone.localdate(now)
        locked.decision_notes = clean_text(notes)
        locked.save()
        audit.record(
            actor,
            "budgets.disbursement_approve",
            locked,
            {"number": locked.number, "amount": locked.amount},
        )
    return locked


def disbursement_reject(*, actor: Any, disbursement: Disbursement, notes: str) -> Disbursement:
    """The village head rejects a request; its amount is released."""
    _require(
        actor,
        disbursement.village_id,
        can_decide_disbursement(actor, disbursement.village_id),
        _("Only the village head approves disbursements."),
    )
    text = clean_text(notes)
    if not text:
        raise BudgetInvalid(_("Say why the request is rejected."), code="notes_required")
    return _release(actor, disbursement, DisbursementStatus.REJECTED, text)


def disbursement_cancel(*, actor: Any, disbursement: Disbursement) -> Disbursement:
    """The treasurer withdraws a pending request."""
    _require(
        actor,
        disbursement.village_id,
        can_request_disbursement(actor, disbursement.village_id),
        _("Only the village treasurer withdraws a request."),
    )
    return _release(actor, disbursement, DisbursementStatus.CANCELLED, "")


def disbursement_mark_paid(*, actor: Any, disbursement: Disbursement) -> Disbursement:
    """The village treasurer records that an approved SPP has been paid out.

    Refused (nothing changes) unless the request is approved and not yet paid. The amount was
    already realised at the approval; this only closes the treasurer's work on it."""
    _require(
        actor,
        disbursement.village_id,
        can_pay_disbursement(actor, disbursement.village_id),
        _("Only the village treasurer records a payment."),
    )
    with transaction.atomic():
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.APPROVED:
            raise BudgetConflict(
                _("Only an approved request can be paid; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()},
                code=BudgetErrorCode.DISBURSEMENT_NOT_APPROVED,
            )
        if locked.paid_at is not None:
            raise BudgetConflict(
                _("This request has already been paid."), code=BudgetErrorCode.DISBURSEMENT_PAID
            )
        locked.paid_at = timezone.now()
        locked.paid_by = actor
        locked.save(update_fields=["paid_at", "paid_by"])
        audit.record(
            actor,
            "budgets.disbursement_paid",
            locked,
            {"number": locked.number, "amount": locked.amount},
        )
    return locked


def _release(actor: Any, disbursement: Disbursement, status: str, notes: str) -> Disbursement:
    with transaction.atomic():
        locked, item = _lock_pending(disbursement)
        item.committed -= locked.amount
        item.save(update_fields=["committed"])
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_notes = notes
        locked.save()
        audit.record(
            actor,
            f"budgets.disbursement_{status}",
            locked,
            {"number": locked.number, "amount": locked.amount},
        )
    return locked


def receipt_record(
    *,
    actor: Any,
    village_code: str,
    year: int,
    account_code: str,
    fund_source_code: str,
    amount: Any,
    description: str,
    received_on: date | None = None,
) -> RevenueReceipt:
    """The treasurer records money received (revenue 4.x or a financing receipt 6.1)."""
    _require(
        actor,
        village_code,
        can_record_receipt(actor, village_code),
        _("Only the village treasurer records receipts."),
    )
    account_code = str(account_code or "").strip()
    account = get_account(
        account_code, prefix="6.1" if account_code.startswith("6") else "4", region=village_code
    )
    source = get_fund_source(fund_source_code, region=village_code)
    assert account is not None and source is not None  # required: raised if missing
    value = to_decimal(amount, label=_("Amount"), allow_zero=False)
    text = clean_text(description) or account.name_id
    day = received_on or timezone.localdate()
    if day.year != int(year):
        raise BudgetInvalid(
            _("The date is not in %(year)s.") % {"year": year}, code="date_outside_year"
        )
    with transaction.atomic():
        _lock_executing(village_code, int(year))
        seq = _next_seq(RevenueReceipt, village_code, int(year))
        receipt = RevenueReceipt.objects.create(
            village_id=village_code,
            year=int(year),
            account=account,
            fund_source=source,
            seq=seq,
            number=_document_number(seq, "TBP", village_code, int(year)),
            received_on=day,
            description=text,
            amount=value,
            recorded_by=actor,
        )
        audit.record(
            actor,
            "budgets.receipt_record",
            receipt,
            {
                "number": receipt.number,
                "amount": value,
                "fund_source": source.code if source else "",
            },
        )
    return receipt


__all__ = [
    "disbursement_approve",
    "disbursement_cancel",
    "disbursement_checks",
    "disbursement_reject",
    "disbursement_request",
    "receipt_record",
]

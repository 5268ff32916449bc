"""BLT Dana Desa payments: each month's payment is a disbursement request (SPP) against the
BLT line of the village's approved APBDes, made through budgets' own service (so the remaining
budget, the locks and the village head's approval all hold as for any other payment)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.budgets.models import BudgetItem, BudgetStatus, DisbursementStatus
from smartkampung.budgets.services.execution import disbursement_request
from smartkampung.core.privacy import mask_identifier

from ..exceptions import WelfareConflict, WelfareErrorCode
from ..models import BltPayment, Enrolment, EnrolmentStatus, ProgrammeFundSource
from ..permissions import can_pay_blt
from .common import require

OPEN_OR_PAID = (DisbursementStatus.PENDING, DisbursementStatus.APPROVED)


class PaymentRefused(WelfareConflict):
    code = WelfareErrorCode.PAYMENT_REFUSED


def blt_line(*, village_code: str, year: int, activity_code: str, amount: Any) -> BudgetItem | None:
    """The first item of the BLT activity of the approved APBDes with enough left."""
    items = BudgetItem.objects.filter(
        budget__village_id=village_code,
        budget__year=year,
        budget__status=BudgetStatus.APPROVED,
        activity__activity_id=activity_code,
    ).order_by("pk")
    for item in items:
        if item.amount - item.committed - item.realised >= amount:
            return item
    return None


def blt_payment_request(
    *, actor: Any, programme_code: str, period: str, household_id: int
) -> BltPayment:
    """The treasurer requests the month's BLT payment for an enrolled household."""
    enrolment = (
        Enrolment.objects.select_related("programme")
        .filter(programme__code=programme_code, period=period, household_id=household_id)
        .first()
    )
    village_code = enrolment.village_id if enrolment else ""
    if enrolment is None or enrolment.status != EnrolmentStatus.ACTIVE:
        raise PaymentRefused(
            _("The household is not enrolled in %(code)s for %(period)s; it cannot be paid.")
            % {"code": programme_code, "period": period},
            code="not_enrolled",
        )
    require(
        actor,
        can_pay_blt(actor, village_code),
        village_code,
        _("Only the village treasurer requests BLT payments."),
    )
    programme = enrolment.programme
    if programme.fund_source != ProgrammeFundSource.DANA_DESA or not programme.monthly_amount:
        raise PaymentRefused(
            _("%(code)s is not paid from the village budget.") % {"code": programme.code},
            code="not_village_funded",
        )
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        # Already paid (or a payment waiting) for this month: one enrolment is one month.
        if BltPayment.objects.filter(
            enrolment__household_id=locked.household_id,
            enrolment__programme_id=locked.programme_id,
            enrolment__period=locked.period,
            disbursement__status__in=OPEN_OR_PAID,
        ).exists():
            raise PaymentRefused(
                _("The household has already been paid %(code)s for %(period)s.")
                % {"code": programme.code, "period": period},
                code="already_paid",
            )
        item = blt_line(
            village_code=village_code,
            year=int(period[:4]),
            activity_code=programme.budget_activity_code,
            amount=programme.monthly_amount,
        )
        if item is None:
            raise PaymentRefused(
                _(
                    "The approved APBDes %(year)s has no BLT line (activity %(activity)s) with "
                    "%(amount)s left."
                )
                % {
                    "year": period[:4],
                    "activity": programme.budget_activity_code,
                    "amount": programme.monthly_amount,
                },
                code="no_budget_line",
            )
        disbursement = disbursement_request(
            actor=actor,
            item=item,
            amount=programme.monthly_amount,
            description=f"BLT Dana Desa {period} KK {mask_identifier(locked.kk_number)}",
        )
        payment = BltPayment.objects.create(
            enrolment=locked, village_id=village_code, disbursement=disbursement, created_by=actor
        )
        audit.record(
            actor,
            "welfare.blt_payment_request",
            payment,
            {"programme": programme.code, "period": period, "disbursement": disbursement.pk},
        )
    return payment

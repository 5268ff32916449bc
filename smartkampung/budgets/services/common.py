"""Input normalisation and guards shared by the budget services."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound, PermissionDenied

from ..exceptions import BudgetConflict, BudgetErrorCode, BudgetInvalid
from ..models import Account, AccountLevel, FundSource, UnitPriceStandard, VillageBudget
from ..models.reference import regency_of
from ..permissions import can_edit_budget, can_view_budget

CENT = Decimal("0.01")
# Far above any village budget (Rp 10 trillion), far below the column's 16 integer digits.
MAX_AMOUNT = Decimal("10000000000000")
MAX_VOLUME = Decimal("1000000000")


def to_decimal(
    value: Any,
    *,
    label: str,
    maximum: Decimal = MAX_AMOUNT,
    allow_zero: bool = True,
    lenient: bool = False,
) -> Decimal:
    """Parse money or a volume: Decimal (never float), 2 places, not negative, bounded.

    Forms and the API send ``1234567.5``. ``lenient`` (spreadsheet imports) also accepts the
    Indonesian notation ``Rp 1.234.567,50`` and thousands dots ``1.234.567``."""
    if isinstance(value, float):  # never trust a binary float with money
        value = repr(value)
    text = str(value if value is not None else "").strip().replace(" ", "")
    if lenient:
        if text.lower().startswith("rp"):
            text = text[2:].lstrip(".")
        if "," in text:  # 1.234.567,50
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")  # 1.234.567
    if text == "":
        text = "0"
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise BudgetInvalid(
            _("%(label)s is not a number.") % {"label": label}, code="invalid_number"
        ) from exc
    if not number.is_finite():
        raise BudgetInvalid(
            _("%(label)s is not a number.") % {"label": label}, code="invalid_number"
        )
    if number < 0:
        raise BudgetInvalid(
            _("%(label)s cannot be negative.") % {"label": label}, code="negative_number"
        )
    if number > maximum:
        raise BudgetInvalid(
            _("%(label)s is too large.") % {"label": label}, code="number_too_large"
        )
    if not allow_zero and number == 0:
        raise BudgetInvalid(
            _("%(label)s must be more than zero.") % {"label": label}, code="zero_number"
        )
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def clean_text(value: Any, *, max_length: int = 255) -> str:
    text = " ".join(str(value or "").split())
    return text[:max_length]


def get_account(
    code: str | None, *, prefix: str, region: str, required: bool = True
) -> Account | None:
    """An active object-level account under ``prefix`` (4, 5, 6, 6.1 …), national or added by
    the regency of ``region``."""
    if not code:
        if required:
            raise BudgetInvalid(_("Choose an account."), code=BudgetErrorCode.WRONG_ACCOUNT)
        return None
    account = Account.objects.usable_in(region).filter(code=str(code).strip().rstrip(".")).first()
    if (
        account is None
        or not account.active
        or account.level != AccountLevel.OBJEK
        or not (account.code == prefix or account.code.startswith(prefix + "."))
    ):
        raise BudgetInvalid(
            _("Account %(code)s cannot be used here.") % {"code": code},
            code=BudgetErrorCode.WRONG_ACCOUNT,
        )
    return account


def get_fund_source(code: str | None, *, region: str, required: bool = True) -> FundSource | None:
    if not code:
        if required:
            raise BudgetInvalid(_("Choose a fund source."), code="fund_source_required")
        return None
    source = (
        FundSource.objects.usable_in(region)
        .filter(code=str(code).strip().upper(), active=True)
        .first()
    )
    if source is None:
        raise BudgetInvalid(
            _("Unknown fund source %(code)s.") % {"code": code}, code="unknown_fund_source"
        )
    return source


def get_ssh(ssh_id: Any, *, year: int, region: str) -> UnitPriceStandard | None:
    """An SSH item of the region's regency for the year."""
    if ssh_id in (None, ""):
        return None
    try:
        pk = int(ssh_id)
    except (TypeError, ValueError) as exc:
        raise BudgetInvalid(_("Unknown SSH item."), code="unknown_ssh") from exc
    ssh = UnitPriceStandard.objects.filter(
        pk=pk, year=year, active=True, regency_id=regency_of(region)
    ).first()
    if ssh is None:
        raise BudgetInvalid(_("Unknown SSH item for this year."), code="unknown_ssh")
    return ssh


def require_view(actor: Any, budget: VillageBudget) -> None:
    if not can_view_budget(actor, budget):
        raise NotFound(_("Budget not found."))


def lock_editable(actor: Any, budget: VillageBudget) -> VillageBudget:
    """Check the role, lock the budget row and check that it is still editable.

    Call inside ``transaction.atomic``; the lock keeps a submission from slipping between the
    check and the write."""
    require_view(actor, budget)
    if not can_edit_budget(actor, budget):
        raise PermissionDenied(_("Only the village operator or secretary edits the budget."))
    locked = VillageBudget.objects.select_for_update().get(pk=budget.pk)
    if not locked.is_editable:
        raise BudgetConflict(
            _("This version is %(status)s and can no longer be changed.")
            % {"status": locked.get_status_display().lower()},
            code=BudgetErrorCode.NOT_EDITABLE,
        )
    return locked

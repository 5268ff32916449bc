from __future__ import annotations

from ..exceptions import BudgetErrorCode, BudgetInvalid


class SiskeudesRefused(BudgetInvalid):
    """The export cannot be imported; the message says why. Nothing was changed."""

    code = BudgetErrorCode.SISKEUDES_REFUSED

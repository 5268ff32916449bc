"""Writes to the population register (see the modules for the rules each one keeps).

Public API: register and edit in ``residents``; life events in ``events``; transfers between
villages (asked by one village, decided by the other) in ``transfers``; the logged full view,
activation codes and citizen accounts in ``access``; imports in ``imports``.
"""

from .access import (
    activation_code_issue,
    citizen_activate,
    register_export,
    resident_full_view,
)
from .events import (
    death_record,
    move_in_register,
    move_out_record,
    resident_status_set,
)
from .residents import (
    birth_register,
    household_update,
    require_edit,
    resident_register,
    resident_update,
)
from .transfers import (
    household_transfer,
    resident_transfer,
    transfer_accept,
    transfer_cancel,
    transfer_refuse,
)

__all__ = [
    "activation_code_issue",
    "birth_register",
    "citizen_activate",
    "death_record",
    "household_transfer",
    "household_update",
    "move_in_register",
    "move_out_record",
    "register_export",
    "require_edit",
    "resident_full_view",
    "resident_register",
    "resident_status_set",
    "resident_transfer",
    "resident_update",
    "transfer_accept",
    "transfer_cancel",
    "transfer_refuse",
]

"""Writes to the population register (see the modules for the rules each one keeps).

Public API: register, edit and life events in ``residents``; the logged full view,
activation codes and citizen accounts in ``access``; imports in ``imports``.
"""

from .access import (
    activation_code_issue,
    citizen_activate,
    register_export,
    resident_full_view,
)
from .residents import (
    birth_register,
    death_record,
    household_transfer,
    household_update,
    move_in_register,
    move_out_record,
    require_edit,
    resident_register,
    resident_status_set,
    resident_transfer,
    resident_update,
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
]

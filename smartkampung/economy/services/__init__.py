"""Writes of the economy app (see each module)."""

from .enterprises import (
    capital_available,
    capital_place,
    enterprise_register,
    enterprise_update,
    manager_add,
    report_check,
    report_submit,
)

__all__ = [
    "capital_available",
    "capital_place",
    "enterprise_register",
    "enterprise_update",
    "manager_add",
    "report_check",
    "report_submit",
]

"""Writes of the economy app (see each module)."""

from .businesses import business_decide, business_register, product_add, product_decide
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
    "business_decide",
    "business_register",
    "capital_available",
    "capital_place",
    "enterprise_register",
    "enterprise_update",
    "manager_add",
    "product_add",
    "product_decide",
    "report_check",
    "report_submit",
]

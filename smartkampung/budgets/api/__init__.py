"""Budgets API under /api/v1/budgets/: budgets and their lines, ceilings, disbursements,
receipts, reports, reference lists and the Siskeudes import."""

from ninja import Router

from .budgets import router as budgets_router
from .execution import router as execution_router
from .reference import router as reference_router

router = Router(tags=["budgets"])
router.add_router("", reference_router)
router.add_router("", execution_router)
router.add_router("", budgets_router)

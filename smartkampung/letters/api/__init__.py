"""Letters API (/api/v1/letters/): catalogue, requests, issued letters, verification, overview."""

from ninja import Router

from . import catalogue, issued, overview, verify

router = Router(tags=["letters"])
router.add_router("/types", catalogue.router)
router.add_router("/issued", issued.router)
router.add_router("/verify", verify.router)
router.add_router("/overview", overview.router)

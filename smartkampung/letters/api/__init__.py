"""Letters API (/api/v1/letters/): catalogue, requests, issued letters, verification, overview,
the village's officials."""

from ninja import Router

from . import catalogue, issued, officials, overview, requests, verify

router = Router(tags=["letters"])
router.add_router("/types", catalogue.router)
router.add_router("/requests", requests.router)
router.add_router("/notifications", requests.notifications_router)
router.add_router("/issued", issued.router)
router.add_router("/verify", verify.router)
router.add_router("/overview", overview.router)
router.add_router("/officials", officials.router)

"""The one NinjaAPI at /api/v1/. Each app contributes a Router from its ``api.py``."""

from ninja import NinjaAPI

from smartkampung.accounts.api_auth import API_AUTH
from smartkampung.core.api import install_error_handlers

api = NinjaAPI(
    title="Smart Kampung API",
    version="1",
    description=(
        "Village services, budgets and monitoring for a whole regency. "
        "Authenticate with `Authorization: Bearer <token>` (create tokens under My account → "
        'API tokens). Errors are `{"code": ..., "message": ...}` with a 4xx status.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url=None,
)
install_error_handlers(api)

api.add_router("/regions/", "smartkampung.regions.api.router")
api.add_router("/", "smartkampung.accounts.api.router")
api.add_router("/audit/", "smartkampung.audit.api.router")
api.add_router("/population/", "smartkampung.population.api.router")
api.add_router("/budgets/", "smartkampung.budgets.api.router")
api.add_router("/letters/", "smartkampung.letters.api.router")
api.add_router("/welfare/", "smartkampung.welfare.api.router")
api.add_router("/projects/", "smartkampung.projects.api.router")
api.add_router("/health/", "smartkampung.health.api.router")
api.add_router("/economy/", "smartkampung.economy.api.router")
api.add_router("/field/", "smartkampung.field.api.router")
api.add_router("/dashboards/", "smartkampung.dashboards.api.router")
api.add_router("/portal/", "smartkampung.portal.api.router")

from django.urls import include, path, re_path

from smartkampung.core.api import api_not_found

from .api import api

urlpatterns = [
    # The API's root (no documentation page is served) and whatever no API operation matches
    # are still JSON answers (ADR 0062).
    path("api/v1/", api_not_found),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("smartkampung.core.urls")),
    path("", include("smartkampung.ops.urls")),
    path("v/", include("smartkampung.letters.public_urls")),
    path("", include("smartkampung.accounts.urls")),
    path("", include("smartkampung.regions.urls")),
    path("audit/", include("smartkampung.audit.urls")),
    path("population/", include("smartkampung.population.urls")),
    path("budgets/", include("smartkampung.budgets.urls")),
    path("letters/", include("smartkampung.letters.urls")),
    path("welfare/", include("smartkampung.welfare.urls")),
    path("projects/", include("smartkampung.projects.urls")),
    path("health/", include("smartkampung.health.urls")),
    path("economy/", include("smartkampung.economy.urls")),
    path("field/", include("smartkampung.field.urls")),
    path("dashboards/", include("smartkampung.dashboards.urls")),
    path("portal/", include("smartkampung.portal.urls")),
]

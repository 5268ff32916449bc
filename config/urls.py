from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
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
    path("projects/", include("smartkampung.projects.urls")),
    path("dashboards/", include("smartkampung.dashboards.urls")),
    path("portal/", include("smartkampung.portal.urls")),
]

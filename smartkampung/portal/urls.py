from django.urls import path

from smartkampung.audit import public as audit_public

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("data/", views.data_index, name="data"),
    path("data/fiscal/<int:year>/datapackage.json", views.fiscal_package, name="fiscal_package"),
    path(
        "data/fiscal/<int:year>/<slug:resource>.csv", views.fiscal_resource, name="fiscal_resource"
    ),
    path("data/<str:code>/<slug:name>.<slug:fmt>", views.dataset, name="dataset"),
    path("projects/<int:project_id>/", views.project, name="project"),
    path("photos/<int:photo_id>/<slug:variant>.jpg", views.photo, name="photo"),
    path("audit/checkpoints.json", audit_public.checkpoints_json, name="audit_checkpoints"),
    path("<str:code>/", views.region, name="region"),
]

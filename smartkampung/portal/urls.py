from django.urls import path

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
    path("<str:code>/", views.region, name="region"),
]

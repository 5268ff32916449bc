from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_map, name="map"),
    path("flags/", views.flag_queue, name="flag_queue"),
]

from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_map, name="map"),
    path("map.geojson", views.projects_geojson, name="geojson"),
    path("new/", views.project_create, name="create"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/progress/", views.progress_add, name="progress_add"),
    path("photos/<int:photo_id>/<str:variant>/", views.photo_file, name="photo"),
    path("flags/", views.flag_queue, name="flag_queue"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag_detail"),
]

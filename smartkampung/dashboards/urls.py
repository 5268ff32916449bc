from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("tables/<slug:key>/", views.table, name="table"),
    path("map.json", views.map_data, name="map_data"),
]

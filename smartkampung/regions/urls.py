from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("map/", views.regency_map, name="map"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("villages/<str:code>/", views.village_detail, name="village"),
]

from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_figures, name="region"),
    path("villages/<str:code>/", views.village_page, name="village"),
    path("villages/<str:code>/rembuk-stunting.xlsx", views.rembuk_report, name="rembuk"),
    path("villages/<str:code>/rembuk-stunting.pdf", views.rembuk_report_pdf, name="rembuk_pdf"),
    path("posyandu/<int:posyandu_id>/", views.posyandu_page, name="posyandu"),
    path("posyandu/<int:posyandu_id>/pregnancies/", views.pregnancy_add, name="pregnancy_add"),
    path(
        "posyandu/<int:posyandu_id>/pregnancies/<int:pregnancy_id>/visits/",
        views.pregnancy_visit_add,
        name="pregnancy_visit_add",
    ),
    path(
        "posyandu/<int:posyandu_id>/pregnancies/<int:pregnancy_id>/close/",
        views.pregnancy_close,
        name="pregnancy_close",
    ),
    path("children/<int:child_id>/", views.child_page, name="child"),
    path("children/<int:child_id>/kms.svg", views.child_kms, name="kms"),
    path(
        "households/<int:household_id>/sanitation/",
        views.household_sanitation,
        name="sanitation",
    ),
]

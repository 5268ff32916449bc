from django.urls import path

from . import views

app_name = "welfare"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_status, name="me"),
    path("register/", views.register_list, name="register"),
    path("register/import/", views.register_import_view, name="register_import"),
    path("register/imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", views.programme_detail, name="programme"),
    path("enrol/", views.enrol, name="enrol"),
    path("enrol/import/", views.enrolment_import_view, name="enrolment_import"),
    path("enrolments/", views.enrolment_list, name="enrolments"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("reports/", views.report, name="report"),
]

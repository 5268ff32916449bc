from django.urls import path

from . import views

app_name = "population"
urlpatterns = [
    path("", views.index, name="index"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("births/new/", views.resident_create, {"kind": "birth"}, name="birth_create"),
    path("move-ins/new/", views.resident_create, {"kind": "move_in"}, name="move_in_create"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path(
        "residents/<int:resident_id>/death/",
        views.resident_event,
        {"kind": "death"},
        name="resident_death",
    ),
    path(
        "residents/<int:resident_id>/move-out/",
        views.resident_event,
        {"kind": "move_out"},
        name="resident_move_out",
    ),
    path(
        "residents/<int:resident_id>/transfer/", views.resident_transfer, name="resident_transfer"
    ),
    path("residents/<int:resident_id>/missing/", views.resident_missing, name="resident_missing"),
    path(
        "residents/<int:resident_id>/activation/",
        views.activation_issue,
        name="activation_issue",
    ),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path(
        "transfers/<int:transfer_id>/accept/",
        views.transfer_decide,
        {"action": "accept"},
        name="transfer_accept",
    ),
    path(
        "transfers/<int:transfer_id>/refuse/",
        views.transfer_decide,
        {"action": "refuse"},
        name="transfer_refuse",
    ),
    path(
        "transfers/<int:transfer_id>/cancel/",
        views.transfer_decide,
        {"action": "cancel"},
        name="transfer_cancel",
    ),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("events/", views.event_list, name="event_list"),
    path("statistics/", views.statistics_home, name="statistics_home"),
    path("statistics/<str:code>/", views.statistics, name="statistics"),
    path("import/", views.import_page, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("import/template.csv", views.import_template, {"fmt": "csv"}, name="import_template_csv"),
    path(
        "import/template.xlsx",
        views.import_template,
        {"fmt": "xlsx"},
        name="import_template_xlsx",
    ),
    path("export.xlsx", views.export_register, name="export"),
    path("me/", views.me, name="me"),
    path("activate/", views.activate, name="activate"),
]

from django.urls import path

from .views import catalogue, hub, issued, overview

app_name = "letters"
urlpatterns = [
    path("", hub.hub, name="hub"),
    path("types/", catalogue.type_list, name="types"),
    path("types/new/", catalogue.type_create, name="type_create"),
    path("types/<slug:code>/", catalogue.type_edit, name="type_edit"),
    path("types/<slug:code>/specimen.pdf", catalogue.type_specimen, name="type_specimen"),
    path("certificates/", catalogue.certificates, name="certificates"),
    path(
        "certificates/<int:certificate_id>/revoke/",
        catalogue.certificate_revoke,
        name="certificate_revoke",
    ),
    path("issued/", issued.letter_list, name="letters"),
    path("issued/<int:letter_id>/", issued.letter_detail, name="letter"),
    path("issued/<int:letter_id>/pdf/", issued.letter_pdf, name="letter_pdf"),
    path("issued/<int:letter_id>/revoke/", issued.letter_revoke_view, name="letter_revoke"),
    path("overview/", overview.overview, name="overview"),
    path("overview/spm/", overview.spm_list, name="spm_list"),
]

from django.urls import path

from .views import attachments, catalogue, hub, issued, officials, overview, requests

app_name = "letters"
urlpatterns = [
    path("", hub.hub, name="hub"),
    # citizens and the counter
    path("my/", requests.my_requests, name="my_requests"),
    path("new/", requests.choose_type, name="choose_type"),
    path("new/<slug:code>/", requests.request_new, name="request_new"),
    path("counter/", requests.counter, name="counter"),
    path("requests/", requests.queue, name="queue"),
    path("requests/<int:request_id>/", requests.request_detail, name="request"),
    path("requests/<int:request_id>/edit/", requests.request_edit, name="request_edit"),
    path(
        "requests/<int:request_id>/<slug:action>/",
        requests.request_action,
        name="request_action",
    ),
    path("attachments/<int:attachment_id>/", attachments.attachment_download, name="attachment"),
    path(
        "attachments/<int:attachment_id>/view/", attachments.attachment_view, name="attachment_view"
    ),
    path(
        "attachments/<int:attachment_id>/inline/",
        attachments.attachment_inline,
        name="attachment_inline",
    ),
    path(
        "attachments/<int:attachment_id>/remove/",
        attachments.attachment_remove,
        name="attachment_remove",
    ),
    path("notifications/", requests.notifications, name="notifications"),
    path("officials/", officials.officials, name="officials"),
    # catalogue and certificates
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
    # issued letters and the regency view
    path("issued/", issued.letter_list, name="letters"),
    path("issued/<int:letter_id>/", issued.letter_detail, name="letter"),
    path("issued/<int:letter_id>/pdf/", issued.letter_pdf, name="letter_pdf"),
    path("issued/<int:letter_id>/revoke/", issued.letter_revoke_view, name="letter_revoke"),
    path("overview/", overview.overview, name="overview"),
    path("overview/spm/", overview.spm_list, name="spm_list"),
]

"""Public letter verification (/v/<token>), reached from the QR code on every letter."""

from django.urls import path

from .views import public

app_name = "verify"
urlpatterns = [
    path("", public.verify_start, name="start"),
    path("ca/", public.trust_page, name="trust"),
    path("ca/<str:regency_code>.pem", public.authority_certificate, name="authority"),
    path("ca/<str:regency_code>.cer", public.authority_certificate_der, name="authority_der"),
    path("ca/<str:regency_code>.crl", public.authority_crl_view, name="crl"),
    path("<str:token>", public.verify_letter, name="letter"),
]

"""Public letter verification (/v/<token>), reached from the QR code on every letter."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

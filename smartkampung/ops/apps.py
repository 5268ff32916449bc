from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: Prometheus metrics, structured logs (docs/operations.md).

    Sits at the top of the dependency order (like dashboards): it reads other apps' tables for
    counts, and no app imports it."""

    name = "smartkampung.ops"
    label = "ops"
    verbose_name = _("Operations")

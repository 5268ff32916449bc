from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartkampung.core"
    label = "core"
    verbose_name = "Core"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "steppe.core"
    label = "core"
    verbose_name = "核心 Core"

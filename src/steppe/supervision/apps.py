from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "steppe.supervision"
    label = "supervision"
    verbose_name = "督办 Supervision"

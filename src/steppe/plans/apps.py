from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "steppe.plans"
    label = "plans"
    verbose_name = "规划 Plans"

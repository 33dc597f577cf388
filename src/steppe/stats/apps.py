from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "steppe.stats"
    label = "stats"
    verbose_name = "监测 Monitoring"

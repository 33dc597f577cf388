from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "steppe.stats"
    label = "stats"
    verbose_name = "监测 Monitoring"

    def ready(self):
        from steppe.plans.extensions import indicator_catalogs

        # plans checks a plan file's indicator codes against this app's dictionary
        indicator_catalogs.register("stats", _indicator_codes)


def _indicator_codes() -> set[str]:
    from .queries import indicator_codes  # at call time: app loading stays light

    return indicator_codes()

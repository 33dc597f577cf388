from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "steppe.stats"
    label = "stats"
    verbose_name = "监测 Monitoring"

    def ready(self):
        from steppe.plans.extensions import indicator_catalogs

        # plans checks a plan file's indicator codes against this app's dictionary
        indicator_catalogs.register("stats", _indicator_codes)

        # large imports run as background jobs (core.jobs)
        from .jobs import register as register_jobs

        register_jobs()

        # the computed views (attainment, dashboard) are retired when what they read changes
        from django.db.models.signals import post_delete, post_save

        from steppe.plans.models import LeagueTarget, Plan, PlanVersion, Target

        from .cache import on_change
        from .models import Import, Indicator, Observation

        for model in (Observation, Import, Indicator, Plan, PlanVersion, Target, LeagueTarget):
            post_save.connect(on_change, sender=model, dispatch_uid=f"stats-cache-{model._meta.label}")
            post_delete.connect(on_change, sender=model, dispatch_uid=f"stats-cache-del-{model._meta.label}")


def _indicator_codes() -> set[str]:
    from .queries import indicator_codes  # at call time: app loading stays light

    return indicator_codes()

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
        from .warming import register as register_warming

        register_warming()

        # the computed views (attainment, dashboard) are retired when what they read changes
        from steppe.plans.models import LeagueTarget, Plan, PlanVersion, Target

        from .cache import GENERATION
        from .models import Import, Indicator, Observation

        GENERATION.watch(Observation, Import, Indicator, Plan, PlanVersion, Target, LeagueTarget)
        # and computed again ahead of the first visitors, by a background job (stats.warm)
        from .jobs import warm_after_change

        GENERATION.after_change(warm_after_change)


def _indicator_codes() -> set[str]:
    from .queries import indicator_codes  # at call time: app loading stays light

    return indicator_codes()

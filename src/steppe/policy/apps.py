from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "steppe.policy"
    label = "policy"
    verbose_name = "政策 Policy"

    def ready(self):
        from steppe.core.services import organisation_joiners

        from .services import enterprise_join

        organisation_joiners.register("policy.enterprise", enterprise_join)

        # batch runs are background jobs (core.jobs)
        from steppe.core.jobs.registry import job_kind

        from .services import RUN_KIND, policy_run_job

        job_kind(RUN_KIND, policy_run_job, label=_("政策批量测算"))

        from steppe.core.registry import (
            NotificationKind,
            PlatformFigures,
            notification_kinds,
            platform_figures,
        )

        # an enterprise's qualification notices after a policy run
        notification_kinds.register("newly_qualifies", NotificationKind("newly_qualifies", _("新符合条件")))
        notification_kinds.register("about_to_lose", NotificationKind("about_to_lose", _("即将失去资格")))

        # the enterprise counts are kept in the shared cache (cache.py): what they read retires them
        from steppe.core.models import Region

        from .cache import COUNTS
        from .models import Enterprise, PolicyRun

        COUNTS.watch(Enterprise, PolicyRun, Region)

        # the statistics dashboard lists the register's enterprise counts beside the published ones
        platform_figures.register(
            "enterprise_counts", PlatformFigures("enterprise_counts", _enterprise_counts_by_region_year)
        )


def _enterprise_counts_by_region_year() -> list[dict]:
    from .queries import enterprise_counts_by_region_year  # at call time: app loading stays light

    return enterprise_counts_by_region_year()

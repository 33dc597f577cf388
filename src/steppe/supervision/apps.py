from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "steppe.supervision"
    label = "supervision"
    verbose_name = "督办 Supervision"

    def ready(self):
        from steppe.core.registry import NotificationKind, notification_kinds

        from .reminders import ReminderKind

        # the reminders' notices in the one inbox (values are ReminderKind's)
        for kind, label in ((ReminderKind.REMINDER, _("到期提醒")), (ReminderKind.URGE, _("催办")),
                            (ReminderKind.NOTICE, _("通报"))):
            notification_kinds.register(kind.value, NotificationKind(kind.value, label))

        # reminders, 催办 and 通报: a daily job (core.jobs), no external cron
        from steppe.core.jobs.registry import daily_at, job_kind, periodic

        job_kind("supervision.reminders", _reminders_job, label=_("催办与提醒"))
        periodic("supervision.reminders", "supervision.reminders", at=daily_at("supervision.reminders"))

        # the measures' statuses kept in the cache (queries.statuses) are retired by any change to
        # what they are judged from: measures, their units, plans, milestones, reports and rounds;
        # the lists' lines (queries.lines) also show actions, a round's page (queries.round_page) its
        # targets and target reports, and the 通报 list (late_unit_list) reads the leagues' reporting
        # periods and regions (揭榜挂帅 adds its own models in its ready(); the registers' counts have
        # core.registry.MEASURE_RECORDS)
        from steppe.core.models import Region, Unit
        from steppe.plans.models import Action, Measure, MeasureUnit, Plan, Target
        from steppe.stats.models import ReportingPeriod

        from .models import Milestone, ProgressReport, ProgressRound, TargetReport
        from .queries import STATUS_CACHE

        STATUS_CACHE.watch(Measure, MeasureUnit, Plan, Action, Unit, Milestone, ProgressReport, ProgressRound,
                           TargetReport, Target, ReportingPeriod, Region)


def _reminders_job(ctx) -> dict:
    from .services import reminders_send

    return reminders_send()

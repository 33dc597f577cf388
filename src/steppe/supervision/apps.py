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

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "steppe.core"
    label = "core"
    verbose_name = "核心 Core"

    def ready(self):
        from .models import Notification
        from .registry import NotificationKind, notification_kinds

        for value, label in Notification.Kind.choices:
            notification_kinds.register(value, NotificationKind(value, label))

        # background jobs: the platform's own kinds and periodic work (core.jobs)
        from .jobs.builtin import register

        register()

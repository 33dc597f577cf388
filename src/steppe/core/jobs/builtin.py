"""The platform's own jobs: e-mail delivery, the daily inbox digest, pruning old jobs."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

from . import registry

log = logging.getLogger("steppe.jobs")
EMAIL_ATTEMPTS = 3


def prune_job(ctx) -> dict:
    from . import service

    return service.prune()


def digest_job(ctx) -> dict:
    from steppe.core.notifications import digests_send

    return {"digests": digests_send()}


def email_job(ctx, *, to: list[str], subject: str, body: str) -> dict:
    from django.core.mail import send_mail

    sent = send_mail(subject, body, None, to)
    return {"sent": sent, "to": len(to)}


def notification_email_job(ctx, *, notification: int, address: str) -> dict:
    from steppe.core.models import Notification
    from steppe.core.notifications import email_send

    n = Notification.objects.filter(pk=notification).first()
    if n is None:
        return {"sent": 0, "gone": True}  # the notice was deleted meanwhile: nothing to send
    if n.emailed_at is not None:
        return {"sent": 0, "already": True}
    if not email_send(n, address):
        raise RuntimeError(f"e-mail to {address} failed (see the log)")
    return {"sent": 1}


def register() -> None:
    from steppe.core.aftercommit import FAILED_ACTION

    registry.job_kind("core.email", email_job, label=_("发送邮件"), max_attempts=EMAIL_ATTEMPTS,
                      failure_action=FAILED_ACTION)
    registry.job_kind("core.notification_email", notification_email_job, label=_("发送通知邮件"),
                      max_attempts=EMAIL_ATTEMPTS, failure_action=FAILED_ACTION)
    registry.job_kind("core.prune", prune_job, label=_("清理旧任务记录"))
    registry.job_kind("core.inbox_digest", digest_job, label=_("每日通知摘要邮件"))
    registry.periodic("core.prune", "core.prune", at=registry.daily_at("core.prune"))
    registry.periodic("core.inbox_digest", "core.inbox_digest", at=registry.daily_at("core.inbox_digest"))

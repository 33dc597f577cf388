"""The platform's own jobs: e-mail delivery, the daily inbox digest, pruning old jobs."""

from __future__ import annotations

import datetime as dt
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


def register() -> None:
    registry.job_kind("core.prune", prune_job, label=_("清理旧任务记录"))
    registry.job_kind("core.inbox_digest", digest_job, label=_("每日通知摘要邮件"))
    registry.periodic("core.prune", "core.prune", at=dt.time(3, 30))
    registry.periodic("core.inbox_digest", "core.inbox_digest", at=dt.time(8, 0))

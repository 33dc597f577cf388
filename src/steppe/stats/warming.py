"""The ``stats.warm`` job: the monitoring pages computed ahead after a data change (stats/jobs.py
queues it; views.warm does the work). Apart from jobs.py, which the views import."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .jobs import WARM_KIND


def warm_job(ctx) -> dict:
    """Compute the statistics' views of the new generation before visitors ask for them (views.warm)."""
    from .views import warm

    ctx.progress(0, 1, gettext_noop("正在预先计算监测页面"), force=True)
    return warm(progress=lambda done, total: ctx.progress(done, total))


def register() -> None:
    from steppe.core.jobs.registry import job_kind

    job_kind(WARM_KIND, warm_job, label=_("预先计算监测页面"))

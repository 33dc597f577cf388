"""A job's page and the panel that pages starting a job include (polled while it runs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from steppe.core.errors import DomainError
from steppe.core.pagination import paginate
from steppe.core.permissions import is_department

from . import registry, service
from .models import Job


def can_see(user, job: Job) -> bool:
    """The person who started it, the department (it runs the platform) and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_department(user) or (job.started_by_id is not None and job.started_by_id == user.pk)


def visible_job(user, pk) -> Job:
    try:
        job = service.get(pk)
    except DomainError:
        raise Http404() from None
    if not can_see(user, job):
        raise Http404()
    return service.refresh(job)


def panel_context(job: Job) -> dict:
    kind = registry.get_kind(job.kind)
    return {
        "job": job,
        "kind_label": kind.label if kind else job.kind,
        "result_template": kind.result_template if kind else "",
        "result": job.result or {},
    }


@login_required
def job_panel(request, pk: int):
    job = visible_job(request.user, pk)
    return render(request, "core/jobs/_panel.html", panel_context(job))


@login_required
def job_page(request, pk: int):
    job = visible_job(request.user, pk)
    return render(request, "core/jobs/job.html", panel_context(job))


@login_required
def job_list(request):
    if not is_department(request.user):
        raise Http404()
    service.sweep_stale()
    jobs = paginate(request, Job.objects.select_related("started_by"))
    for job in jobs:
        kind = registry.get_kind(job.kind)
        job.kind_label = kind.label if kind else job.kind
    return render(request, "core/jobs/list.html", {"jobs": jobs})


@login_required
@require_POST
def job_retry(request, pk: int):
    job = visible_job(request.user, pk)
    try:
        service.retry(job.pk, user=request.user)
        messages.success(request, _("任务 %(id)s 已重新排队。") % {"id": job.pk})
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(_back(request, job))


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = visible_job(request.user, pk)
    try:
        job = service.cancel(job.pk, user=request.user)
        messages.success(request, _("任务 %(id)s 已取消。") % {"id": job.pk} if job.status == Job.Status.CANCELLED
                         else _("已请求取消任务 %(id)s,它会在下一次报告进度时停止。") % {"id": job.pk})
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(_back(request, job))


def _back(request, job: Job) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return f"/jobs/{job.pk}/"

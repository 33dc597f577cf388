"""Starting, retrying and cancelling jobs; seeing the dead ones; pruning the old ones."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steppe.core.errors import DomainError

from . import registry
from .models import Job, PeriodicClaim
from .runner import run_job

log = logging.getLogger("steppe.jobs")


def lease_seconds() -> int:
    """A running job that has not reported for this long is taken as dead (STEPPE_JOBS_LEASE_SECONDS)."""
    return int(getattr(settings, "STEPPE_JOBS_LEASE_SECONDS", 600))


def start(kind: str, *, params: dict | None = None, user=None, subject: tuple[str, object] | None = None,
          page: str = "", total: int = 0, message: str = "") -> Job:
    """Record a job of `kind` and put it on the queue; returns the job (already finished when the
    queue runs tasks at once, as the test settings do)."""
    if page and (not page.startswith("/") or page.startswith("//")):
        # the back-link is rendered as it is: only a path on this site, built by the platform
        raise ValueError(f"a job's page is a path on this site, not {page!r}")
    if registry.get_kind(kind) is None:
        raise DomainError("invalid", f"未知的任务类型 Unknown job kind: {kind}")
    job = Job.objects.create(
        kind=kind, params=params or {}, started_by=user if getattr(user, "pk", None) else None,
        subject_type=subject[0] if subject else "", subject_id=str(subject[1]) if subject else "",
        page=page[:300], total=total, message=message[:300],
    )
    _enqueue(job)
    job.refresh_from_db()
    return job


def run_here(kind: str, *, params: dict | None = None, user=None, subject: tuple[str, object] | None = None,
             page: str = "", total: int = 0, message: str = "", listener=None) -> Job:
    """Record a job of `kind` and run it now, in this process, through the same code as a worker
    (`runner.execute`: the kind's handler, its progress, result and error on the job). For work
    small enough to wait for (a page's small import) and for the command line; the job is listed
    with the others. `listener(done, total, message)` hears each progress report. Returns the
    finished job; a failure is on it (status, error, result["errors"]), not raised."""
    from .runner import execute

    if registry.get_kind(kind) is None:
        raise DomainError("invalid", f"未知的任务类型 Unknown job kind: {kind}")
    job = Job.objects.create(
        kind=kind, params=params or {}, started_by=user if getattr(user, "pk", None) else None,
        subject_type=subject[0] if subject else "", subject_id=str(subject[1]) if subject else "",
        page=page[:300], total=total, message=message[:300], backend="inline",
    )
    while execute(job.pk, listener=listener) == "retry":
        pass  # attempts are counted on the job: the kind's max_attempts ends this
    job.refresh_from_db()
    return job


def raise_failure(job: Job) -> Job:
    """A job run here that did not succeed, as the DomainError its work raised (code, message, status
    and the rows at fault), so a page, the API or the command line answers as if it had run the
    work itself; a succeeded job is returned."""
    if job.status == Job.Status.SUCCEEDED:
        return job
    result = job.result if isinstance(job.result, dict) else {}
    errors = result.get("errors") or []
    raise DomainError(result.get("code") or "job_failed", job.error or job.get_status_display(),
                      status=int(result.get("status") or 400),
                      data={"errors": errors, "count": result.get("count", len(errors))} if errors else None)


def _enqueue(job: Job) -> None:
    def send():
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64], backend=result.backend[:32])

    if transactional_queue():
        send()  # the queue is a table in the same database: enqueued in the same transaction
    else:
        # a queue outside the database (Redis), or one that runs the task at once, must not see
        # the job before its row is committed (a rolled-back write starts nothing)
        transaction.on_commit(send, robust=True)


def transactional_queue() -> bool:
    """Whether the queue lives in the database's transaction (the database backend)."""
    return type(_backend()).__name__ == "DatabaseBackend"


def _backend():
    from django.tasks import task_backends

    return task_backends[run_job.backend]


def get(job_id) -> Job:
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        pk = None
    job = Job.objects.select_related("started_by").filter(pk=pk).first() if pk is not None else None
    if job is None:
        raise DomainError("not_found", f"没有编号为 {job_id} 的任务 No job with id {job_id}", status=404)
    return job


def retry(job_id, *, user=None) -> Job:
    """Queue a failed or cancelled job again (same kind and parameters, same record)."""
    job = get(job_id)
    if job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
        raise DomainError(
            "conflict",
            f"任务 {job.pk} 的状态是{job.get_status_display()},只能重试失败或已取消的任务 "
            f"Job {job.pk} is {job.status}; only a failed or cancelled job can be retried",
            status=409,
        )
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=job.status).update(
            status=Job.Status.QUEUED, cancel_requested=False, error="", finished_at=None, started_at=None,
            heartbeat_at=None, done=0, result=None, message=_("已重新排队"),
        )
        if not updated:
            raise DomainError("conflict", f"任务 {job.pk} 的状态刚刚改变 Job {job.pk} changed meanwhile", status=409)
        _audit(user, "core.job.retry", job)
        _enqueue(job)
    job.refresh_from_db()
    return job


def cancel(job_id, *, user=None) -> Job:
    """Cancel a queued job at once; a running one stops at its next progress report."""
    job = get(job_id)
    if job.status not in Job.ACTIVE:
        raise DomainError(
            "conflict",
            f"任务 {job.pk} 已经{job.get_status_display()},无法取消 Job {job.pk} is {job.status}; "
            "only a queued or running job can be cancelled",
            status=409,
        )
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED, finished_at=timezone.now(), error=_("开始前已取消")
        )
        _audit(user, "core.job.cancel", job)
    job.refresh_from_db()
    return job


def _audit(user, action: str, job: Job) -> None:
    from steppe.core.audit import audit_record

    audit_record(actor=user, action=action, obj=job, after={"kind": job.kind, "status": job.status})


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lost_reason(job: Job, *, now=None) -> str | None:
    """Why a running job is taken as dead, or None while it looks alive."""
    if job.status != Job.Status.RUNNING:
        return None
    now = now or timezone.now()
    host, _sep, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
        return _("工作进程 %(worker)s 已不存在(进程退出或被终止)") % {"worker": job.worker}
    seen = job.heartbeat_at or job.started_at
    lease = lease_seconds()
    if seen is not None and now - seen > dt.timedelta(seconds=lease):
        return _("超过 %(seconds)s 秒没有心跳(租约过期),工作进程 %(worker)s 可能已停止") % {
            "seconds": lease, "worker": job.worker or "?"}
    return None


def sweep_stale(*, now=None) -> list[Job]:
    """Mark running jobs whose worker died as failed, with the reason; they can then be retried.
    Also re-sends queued jobs whose enqueue never reached an outside queue (no task id after a minute)."""
    now = now or timezone.now()
    failed = []
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        reason = lost_reason(job, now=now)
        if reason and Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
            status=Job.Status.FAILED, error=reason, finished_at=now
        ):
            log.warning("job %s (%s) lost: %s", job.pk, job.kind, reason)
            job.status, job.error = Job.Status.FAILED, reason
            failed.append(job)
    for job in Job.objects.filter(status=Job.Status.QUEUED, task_id="", created_at__lt=now - dt.timedelta(minutes=1)):
        _enqueue(job)
    return failed


def refresh(job: Job) -> Job:
    """The job as a page shows it: a running job whose worker died is failed from now on."""
    if job.status == Job.Status.RUNNING and lost_reason(job):
        sweep_stale()
        job.refresh_from_db()
    return job


def prune(*, keep_days: int | None = None, now=None) -> dict:
    """Delete finished jobs (and the queue's finished results, and old periodic claims) older
    than `keep_days` (STEPPE_JOBS_KEEP_DAYS, 30); each kind's cleanup removes what it left."""
    now = now or timezone.now()
    days = keep_days if keep_days is not None else int(getattr(settings, "STEPPE_JOBS_KEEP_DAYS", 30))
    before = now - dt.timedelta(days=days)
    old = Job.objects.filter(status__in=Job.FINISHED, finished_at__lt=before)
    n_jobs = 0
    for job in old.iterator():
        kind = registry.get_kind(job.kind)
        if kind is not None and kind.cleanup is not None:
            kind.cleanup(job)
        n_jobs += 1
    old.delete()
    claims = PeriodicClaim.objects.filter(claimed_at__lt=before).delete()[0]
    results = 0
    from django.apps import apps

    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        results = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()[0]
    return {"jobs": n_jobs, "claims": claims, "task_results": results}

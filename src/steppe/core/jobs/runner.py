"""The one task that runs every job, and the progress a job reports while it runs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback

from django.db import connection
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from steppe.core.errors import DomainError

from . import registry
from .models import Job

log = logging.getLogger("steppe.jobs")
PROGRESS_EVERY = 0.5  # seconds between progress writes (and always the last one)
RETRY_WAIT = gettext_noop("上次尝试失败,等待重试")  # the message of a job queued again after an error


class Cancelled(Exception):
    """Raised inside a job's work at its next progress report once someone cancelled it."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobContext:
    """What a job's handler gets: the job row and `progress(done, total, message)`."""

    def __init__(self, job: Job, listener=None):
        self.job = job
        self._last = 0.0
        self._pending: dict | None = None
        # run in this process (service.run_here): told of every report, e.g. to print it on a terminal
        self.listener = listener
        self._side = None  # a second connection for progress inside a transaction (PostgreSQL)

    @property
    def user(self):
        return self.job.started_by

    def progress(self, done: int, total: int | None = None, message: str | None = None, *, force=False) -> None:
        """Record how far the work is. Written at most every PROGRESS_EVERY seconds; each write
        renews the heartbeat and finds out whether someone cancelled the job (then `Cancelled`).

        Inside a transaction (an import writing its rows) the row is not written: the update would
        be invisible until the commit and would hold a lock that a cancel request waits on. The
        figures are kept and written at the next report outside it, or at the end."""
        if self.listener is not None:
            self.listener(int(done), self.job.total if total is None else int(total), message)
        fields = {"done": int(done), "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = int(total)
        if message is not None:
            fields["message"] = str(message)[:300]
        for k, v in fields.items():
            setattr(self.job, k, v)
        self._pending = {**(self._pending or {}), **fields}
        now = time.monotonic()
        finished_step = total is not None and done >= total > 0
        if not force and not finished_step and now - self._last < PROGRESS_EVERY:
            return
        self.flush()
        self._last = now

    def flush(self) -> None:
        if not self._pending:
            return
        if connection.in_atomic_block:
            self._side_write()
            return
        updated = Job.objects.filter(pk=self.job.pk, cancel_requested=False).update(**self._pending)
        self._pending = None
        if not updated:
            raise Cancelled()

    def _side_write(self) -> None:
        """Progress inside the work's own transaction (an import writing its rows): written through a
        second connection of its own, outside that transaction, so the page shows done / total while
        the rows are written. PostgreSQL only: SQLite has one writer at a time and the import holds it
        (there the figures are written at the next report outside the transaction, or at the end).
        The job row is not locked by the work, so this never waits on it; a cancel request is seen
        at the next report outside the transaction."""
        if connection.vendor != "postgresql":
            return
        try:
            if self._side is None:
                self._side = connection.get_new_connection(connection.get_connection_params())
                self._side.autocommit = True
            fields = {k: v for k, v in self.job.__dict__.items() if k in ("done", "total", "message", "heartbeat_at")}
            with self._side.cursor() as cur:
                cur.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, message = %s, heartbeat_at = %s "
                    "WHERE id = %s",
                    [fields["done"], fields["total"], fields["message"], fields["heartbeat_at"], self.job.pk],
                )
        except Exception:  # noqa: BLE001 - progress is a courtesy: the work goes on without it
            log.warning("job %s: progress not written beside the transaction", self.job.pk, exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            try:
                self._side.close()
            finally:
                self._side = None

    def concerns(self, subject_type: str, subject_id) -> None:
        """Link the job to what it made or changed (e.g. the import record)."""
        self.job.subject_type, self.job.subject_id = subject_type[:64], str(subject_id)[:64]
        Job.objects.filter(pk=self.job.pk).update(subject_type=self.job.subject_type, subject_id=self.job.subject_id)

    def check_cancelled(self) -> None:
        if not connection.in_atomic_block and Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled()


def execute(job_id: int, *, listener=None) -> str:
    """Run job `job_id` if it is still queued (a second delivery finds it claimed); its status."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, cancel_requested=False).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, worker=worker_name(),
        attempts=F("attempts") + 1, error="",
    )
    if not claimed:
        job = Job.objects.filter(pk=job_id).first()
        if job is not None and job.status == Job.Status.QUEUED and job.cancel_requested:
            _finish(job, Job.Status.CANCELLED, error=_("开始前已取消"))
            return Job.Status.CANCELLED
        log.info("job %s is not queued (%s); skipped", job_id, job.status if job else "gone")
        return job.status if job else "missing"
    job = Job.objects.select_related("started_by").get(pk=job_id)
    kind = registry.get_kind(job.kind)
    if kind is None:
        _finish(job, Job.Status.FAILED, error=_("未知的任务类型 %(kind)s") % {"kind": job.kind})
        return Job.Status.FAILED
    ctx = JobContext(job, listener)
    try:
        try:
            result = kind.handler(ctx, **(job.params or {}))
        finally:
            ctx.close()
    except Cancelled:
        _finish(job, Job.Status.CANCELLED, error=_("已按要求取消"), ctx=ctx)
        return Job.Status.CANCELLED
    except DomainError as e:
        errors = ((e.data or {}).get("errors") if isinstance(e.data, dict) else None) or []
        count = (e.data or {}).get("count", len(errors)) if isinstance(e.data, dict) else len(errors)
        # the refusal as the service raised it: a caller that ran the job here raises it again (service.raise_failure)
        _finish(job, Job.Status.FAILED, error=e.message, ctx=ctx,
                result={"errors": errors[:50], "count": count, "code": e.code, "status": e.status})
        return Job.Status.FAILED
    except Exception as e:  # noqa: BLE001 - the job records why it died; the log keeps the traceback
        detail = traceback.format_exc()
        log.error("job %s (%s) failed (attempt %s of %s)\n%s", job.pk, job.kind, job.attempts, kind.max_attempts,
                  detail)
        reason = f"{type(e).__name__}: {e}"[:2000]
        if job.attempts < kind.max_attempts:
            _finish(job, Job.Status.QUEUED, error=reason, ctx=ctx)  # queued again: `again` below sends it
            return "retry"
        _finish(job, Job.Status.FAILED, error=reason, ctx=ctx)
        if kind.failure_action:
            _report(job, kind.failure_action, detail)
        return Job.Status.FAILED
    _finish(job, Job.Status.SUCCEEDED, result=result, ctx=ctx)
    return Job.Status.SUCCEEDED


def _finish(job: Job, status: str, *, error: str = "", result=None, ctx: JobContext | None = None) -> None:
    fields = dict(status=status, finished_at=None if status == Job.Status.QUEUED else timezone.now(), error=error,
                  result=result)
    if ctx is not None and ctx._pending:
        fields.update({k: v for k, v in ctx._pending.items() if k != "heartbeat_at"})
    if status == Job.Status.SUCCEEDED and job.total and "done" not in fields:
        fields["done"] = job.total
    # only this attempt's own row: a retry started meanwhile owns it now. A run the stale check
    # gave up on that did finish after all records its real outcome.
    Job.objects.filter(pk=job.pk, attempts=job.attempts, worker=job.worker).update(**fields)
    for k, v in fields.items():
        setattr(job, k, v)


def _report(job: Job, action: str, detail: str) -> None:
    from steppe.core.models import AuditEntry

    what = f"{job.kind} job {job.pk}"
    AuditEntry.objects.create(actor=None, action=action, object_type="job", object_id=str(job.pk),
                              object_repr=what[:255], note=detail[-4000:])


@task
def run_job(job_id: int) -> str:
    """The task every job runs as: the job row says what to do. A job whose kind allows more
    attempts goes back on the queue after an unexpected error."""
    status = execute(job_id)
    if status == "retry":
        enqueue_retry(job_id)
    return status


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a job waits before its next attempt after `attempts` failed ones: exponential,
    STEPPE_JOBS_RETRY_SECONDS (60) after the first, twice that after the second, and so on."""
    from django.conf import settings

    base = int(getattr(settings, "STEPPE_JOBS_RETRY_SECONDS", 60))
    return dt.timedelta(seconds=base * 2 ** max(0, attempts - 1))


def enqueue_retry(job_id: int) -> None:
    """Put a job that failed unexpectedly back on the queue, due after `retry_delay`. The queue keeps
    the time (the task's run_after): no worker sleeps meanwhile and other jobs run. A backend that
    cannot defer (the tests' immediate one) runs it again at once."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(message=RETRY_WAIT)
    delay = retry_delay(job.attempts)
    backend = run_job.get_backend()
    if getattr(backend, "supports_defer", False):
        again = run_job.using(run_after=timezone.now() + delay).enqueue(job_id)
        log.info("job %s (%s) attempt %s failed; next attempt in %s s", job_id, job.kind, job.attempts,
                 int(delay.total_seconds()))
    else:
        again = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(again.id)[:64])

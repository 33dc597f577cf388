"""The job record (core.jobs): progress, result, failure, retry, cancel, stale workers, the periodic
schedule and `steppe jobs`. The test settings run tasks at once (ImmediateBackend) after the commit."""

import datetime as dt
import io
import os
import socket
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from steppe.core.errors import DomainError
from steppe.core.jobs import registry, schedule, service
from steppe.core.jobs.models import Job, PeriodicClaim
from steppe.core.jobs.runner import Cancelled, execute, worker_name
from steppe.core.models import AuditEntry

CALLS: list[dict] = []


def _count(ctx, *, n: int, fail_at: int | None = None):
    for i in range(1, n + 1):
        if fail_at == i:
            raise DomainError("invalid", f"第 {i} 项有误", data={"errors": [{"row": i, "column": "x", "message": "bad"}]})
        ctx.progress(i, n, "计数中", force=True)
    CALLS.append({"n": n, "user": ctx.user.username if ctx.user else None})
    return {"counted": n}


def _crash(ctx):
    raise RuntimeError("disk on fire")


def _cancel_midway(ctx, *, n: int):
    for i in range(1, n + 1):
        if i == 2:
            service.cancel(ctx.job.pk)
        ctx.progress(i, n, "计数中", force=True)
    return {"counted": n}


registry.job_kind("test.count", _count, label="计数")
registry.job_kind("test.crash", _crash, label="崩溃")
registry.job_kind("test.cancel_midway", _cancel_midway, label="中途取消")


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    schedule.forget()
    yield
    schedule.forget()


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_reports_progress_and_keeps_its_result(department_user):
    job = service.start("test.count", params={"n": 3}, user=department_user, subject=("demo", 7), page="/x/")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"counted": 3}
    assert (job.done, job.total, job.message) == (3, 3, "计数中") and job.percent == 100
    assert job.started_by == department_user and job.attempts == 1 and job.worker == worker_name()
    assert (job.subject_type, job.subject_id, job.page) == ("demo", "7", "/x/")
    assert job.started_at <= job.finished_at and job.heartbeat_at is not None and job.task_id
    assert CALLS == [{"n": 3, "user": department_user.username}]


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_says_why_and_a_retry_runs_it_again():
    job = service.start("test.count", params={"n": 3, "fail_at": 2})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "第 2 项有误"
    assert job.result == {"errors": [{"row": 2, "column": "x", "message": "bad"}], "count": 1, "code": "invalid",
                          "status": 400} and job.done == 1
    Job.objects.filter(pk=job.pk).update(params={"n": 2})  # the cause is fixed
    service.retry(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2 and job.error == ""
    assert AuditEntry.objects.filter(action="core.job.retry", object_id=str(job.pk)).exists()
    with pytest.raises(DomainError, match="只能重试失败或已取消的任务"):
        service.retry(job.pk)


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_fails_the_job_with_its_reason():
    job = service.start("test.crash")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "RuntimeError: disk on fire"


@pytest.mark.django_db(transaction=True)
def test_a_running_job_stops_at_its_next_progress_report_when_cancelled():
    job = service.start("test.cancel_midway", params={"n": 5})
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.done == 1 and job.result is None
    with pytest.raises(DomainError, match="无法取消"):
        service.cancel(job.pk)


@pytest.mark.django_db
def test_a_queued_job_is_cancelled_at_once_and_never_runs():
    job = service.start("test.count", params={"n": 2})  # queued: the test transaction never commits
    assert job.status == Job.Status.QUEUED
    job = service.cancel(job.pk)
    assert job.status == Job.Status.CANCELLED and job.finished_at is not None
    assert execute(job.pk) == Job.Status.CANCELLED and CALLS == []  # a late delivery does nothing


@pytest.mark.django_db
def test_a_job_is_run_once_even_when_delivered_twice():
    job = service.start("test.count", params={"n": 2})
    assert execute(job.pk) == Job.Status.SUCCEEDED
    assert execute(job.pk) == Job.Status.SUCCEEDED  # second delivery: already claimed
    assert len(CALLS) == 1


@pytest.mark.django_db
def test_unknown_kind_and_unknown_id_are_refused():
    with pytest.raises(DomainError, match="未知的任务类型"):
        service.start("no.such.kind")
    with pytest.raises(DomainError, match="没有编号为 424242 的任务"):
        service.retry(424242)
    with pytest.raises(DomainError, match="没有编号为 abc 的任务"):
        service.cancel("abc")


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_failed_with_the_reason_and_can_be_retried():
    now = timezone.now()
    dead = Job.objects.create(kind="test.count", params={"n": 1}, status=Job.Status.RUNNING,
                              worker=f"{socket.gethostname()}:{_dead_pid()}", heartbeat_at=now, started_at=now,
                              attempts=1)
    silent = Job.objects.create(kind="test.count", params={"n": 1}, status=Job.Status.RUNNING,
                                worker="elsewhere:123", heartbeat_at=now - dt.timedelta(seconds=601),
                                started_at=now - dt.timedelta(hours=1), attempts=1)
    alive = Job.objects.create(kind="test.count", params={"n": 1}, status=Job.Status.RUNNING,
                               worker=f"{socket.gethostname()}:{os.getpid()}", heartbeat_at=now - dt.timedelta(seconds=30),
                               started_at=now, attempts=1)
    far_alive = Job.objects.create(kind="test.count", params={"n": 1}, status=Job.Status.RUNNING,
                                   worker="elsewhere:124", heartbeat_at=now - dt.timedelta(seconds=599),
                                   started_at=now, attempts=1)
    failed = {j.pk for j in service.sweep_stale(now=now)}
    assert failed == {dead.pk, silent.pk}
    dead.refresh_from_db()
    silent.refresh_from_db()
    assert dead.status == Job.Status.FAILED and "已不存在" in dead.error and dead.worker in dead.error
    assert silent.status == Job.Status.FAILED and "租约过期" in silent.error and "600" in silent.error
    for j in (alive, far_alive):
        j.refresh_from_db()
        assert j.status == Job.Status.RUNNING
    service.retry(dead.pk)
    dead.refresh_from_db()
    assert dead.status == Job.Status.QUEUED
    assert execute(dead.pk) == Job.Status.SUCCEEDED
    dead.refresh_from_db()
    assert dead.attempts == 2 and dead.result == {"counted": 1}


@pytest.mark.django_db
def test_a_late_finish_of_a_lost_run_does_not_overwrite_the_retry(monkeypatch):
    """A run the stale check gave up on and that was retried meanwhile cannot record its outcome
    over the new attempt's."""
    job = service.start("test.count", params={"n": 1})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1, worker="gone:1")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, attempts=2, worker="other:2")
    from steppe.core.jobs.runner import _finish

    stale = Job.objects.get(pk=job.pk)
    stale.attempts, stale.worker = 1, "gone:1"
    _finish(stale, Job.Status.FAILED, error="late")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.error == ""


@pytest.mark.django_db
def test_periodic_work_starts_once_per_period_even_with_several_workers(monkeypatch):
    monkeypatch.setattr(registry, "_periodic", {})
    registry.periodic("test.hourly", "test.count", every=dt.timedelta(hours=1), params={"n": 1})
    registry.periodic("test.daily", "test.count", at=dt.time(3, 0), params={"n": 2})
    t = timezone.make_aware(dt.datetime(2026, 3, 1, 2, 10))  # Asia/Shanghai: before 03:00
    first = schedule.tick(now=t)
    assert [j.params for j in first] == [{"n": 1}]
    schedule.forget()  # a second worker process: knows nothing of the first's claims
    assert schedule.tick(now=t + dt.timedelta(minutes=20)) == []
    later = schedule.tick(now=t + dt.timedelta(hours=1))
    assert sorted(j.params["n"] for j in later) == [1, 2]  # next hour, and 03:10 is past the daily time
    assert PeriodicClaim.objects.filter(name="test.hourly").count() == 2
    assert PeriodicClaim.objects.filter(name="test.daily").count() == 1
    assert all(c.job_id for c in PeriodicClaim.objects.all())
    assert Job.objects.filter(subject_type="periodic").count() == 3


def test_the_built_in_periodic_work_is_registered():
    names = {p.name: p.kind for p in registry.periodic_tasks()}
    for kind in names.values():
        assert registry.get_kind(kind) is not None, kind
    assert {"core.prune", "core.inbox_digest", "supervision.reminders", "transfer.expire"} <= set(names)


@pytest.mark.django_db
def test_prune_removes_old_finished_jobs_and_keeps_the_rest():
    old = timezone.now() - dt.timedelta(days=40)
    Job.objects.create(kind="test.count", status=Job.Status.SUCCEEDED, finished_at=old)
    keep_running = Job.objects.create(kind="test.count", status=Job.Status.RUNNING, started_at=old)
    keep_recent = Job.objects.create(kind="test.count", status=Job.Status.FAILED, finished_at=timezone.now())
    PeriodicClaim.objects.create(name="x", period="1", claimed_at=old)
    out = service.prune(keep_days=30)
    assert out["jobs"] == 1 and out["claims"] == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {keep_running.pk, keep_recent.pk}


@pytest.mark.django_db
def test_steppe_jobs_lists_retries_and_cancels_with_clear_errors(department_user):
    queued = service.start("test.count", params={"n": 1}, user=department_user)
    out = io.StringIO()
    call_command("jobs", "list", stdout=out)
    assert f"{queued.pk}\ttest.count\tqueued\t-\t{department_user.username}" in out.getvalue()
    with pytest.raises(CommandError, match="没有编号为 9999 的任务"):
        call_command("jobs", "retry", "9999")
    with pytest.raises(CommandError, match="只能重试失败或已取消的任务"):
        call_command("jobs", "retry", str(queued.pk))
    out = io.StringIO()
    call_command("jobs", "cancel", str(queued.pk), stdout=out)
    assert f"job {queued.pk}: cancelled" in out.getvalue()
    with pytest.raises(CommandError, match="无法取消"):
        call_command("jobs", "cancel", str(queued.pk))
    out = io.StringIO()
    call_command("jobs", "retry", str(queued.pk), stdout=out)
    assert f"job {queued.pk} queued again" in out.getvalue()
    out = io.StringIO()
    call_command("jobs", "list", "--status", "queued", stdout=out)
    assert len(out.getvalue().strip().splitlines()) == 2


@pytest.mark.django_db
def test_the_job_page_shows_progress_to_its_starter_and_no_one_else(client, department_user, bureau_user):
    job = service.start("test.count", params={"n": 4}, user=bureau_user)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1, total=4, message="计数中",
                                         worker=worker_name(), heartbeat_at=timezone.now())
    client.force_login(bureau_user)
    html = client.get(f"/jobs/{job.pk}/panel").content.decode()
    assert "运行中" in html and "1 / 4" in html and 'value="25"' in html and f"/jobs/{job.pk}/panel" in html
    assert client.get("/jobs/").status_code == 404  # the list is the department's
    client.force_login(department_user)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert f"/jobs/{job.pk}/" in client.get("/jobs/").content.decode()
    from django.test import Client

    other = Client()
    other.force_login(type(bureau_user).objects.create_user("someone", role="bureau"))
    assert other.get(f"/jobs/{job.pk}/panel").status_code == 404


@pytest.mark.django_db
def test_the_job_api_follows_a_job(client, department_user, bearer):
    job = service.start("test.count", params={"n": 4}, user=department_user)
    r = client.get(f"/api/v1/jobs/{job.pk}", **bearer(department_user))
    assert r.status_code == 200 and r.json()["status"] == "queued" and r.json()["kind"] == "test.count"
    r = client.post(f"/api/v1/jobs/{job.pk}/retry", **bearer(department_user))
    assert r.status_code == 409
    r = client.post(f"/api/v1/jobs/{job.pk}/cancel", **bearer(department_user))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert client.get("/api/v1/jobs/777777", **bearer(department_user)).status_code == 404


def test_cancelled_is_an_exception_a_handler_does_not_swallow_by_accident():
    assert not issubclass(Cancelled, DomainError)


@pytest.mark.django_db
def test_the_job_panel_speaks_english_through_the_language_switch(client, department_user):
    job = service.start("test.count", params={"n": 4}, user=department_user)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="RuntimeError: x", finished_at=timezone.now(),
                                         started_at=timezone.now(), attempts=1)
    client.force_login(department_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Background job" in html and "Failed" in html and "Retry" in html and "attempt 1" in html
    assert "重试" not in html and "失败" not in html


@pytest.mark.django_db(transaction=True)
def test_the_job_page_links_back_to_the_page_that_started_it(client, department_user):
    job = service.start("test.count", params={"n": 1}, user=department_user, page="/monitoring/import/")
    client.force_login(department_user)
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert '<a href="/monitoring/import/">返回发起任务的页面</a>' in html


@pytest.mark.parametrize("page", ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)"])
def test_a_jobs_page_is_a_path_on_this_site(page):
    with pytest.raises(ValueError, match="path on this site"):
        service.start("test.count", params={"n": 1}, page=page)


@pytest.mark.django_db
def test_the_department_reaches_the_job_list_from_its_work_links(client, department_user):
    from steppe.web.worklinks import work_links

    urls = {link["label"]: link["url"] for link in work_links(department_user)}
    assert urls["后台任务"] == "/jobs/"
    client.force_login(department_user)
    assert client.get(urls["后台任务"]).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_failing_email_waits_longer_before_each_further_attempt(settings, monkeypatch):
    """No worker sleeps between attempts: the retry goes back on the queue with a run_after that
    doubles (60 s, then 120 s), and the third failure is the last."""
    from django.tasks import task_backends

    from steppe.core.jobs.runner import RETRY_WAIT, run_job

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # defers, never runs
    settings.STEPPE_JOBS_RETRY_SECONDS = 60

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.send_mail", smtp_down)
    queue = task_backends["default"]
    job = service.start("core.email", params={"to": ["a@example.org"], "subject": "s", "body": "b"})
    assert len(queue.results) == 1 and queue.results[0].task.run_after is None  # the first attempt: at once
    waits = []
    for attempt in (1, 2):
        before = timezone.now()
        assert run_job.call(job.pk) == "retry"
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED and job.attempts == attempt and job.message == RETRY_WAIT
        assert "smtp down" in job.error and job.task_id == queue.results[-1].id
        waits.append(round((queue.results[-1].task.run_after - before).total_seconds()))
    assert waits == [60, 120]
    assert run_job.call(job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 3 and len(queue.results) == 3


def test_the_task_log_prints_each_state_once(settings, capsys):
    """django.tasks logs each state change; with DEBUG on Django's own "django" logger has a console
    handler too, and the line came out twice (there and through the root's console)."""
    import logging

    from django.utils.log import configure_logging

    settings.DEBUG = True
    logging_settings = {**settings.LOGGING, "loggers": {**settings.LOGGING["loggers"]}}
    logging_settings["loggers"]["django.tasks"] = {**logging_settings["loggers"]["django.tasks"], "level": "INFO"}
    configure_logging(settings.LOGGING_CONFIG, logging_settings)  # handlers built now write to capsys' stderr
    try:
        logging.getLogger("django.tasks").info("Task id=%s path=%s state=%s", "t1", "steppe.run_job", "RUNNING")
        err = capsys.readouterr().err
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert err.count("Task id=t1 path=steppe.run_job state=RUNNING") == 1


def _tx_progress(ctx, *, seen_in: str):
    """Reports progress inside its own transaction, reading the job row each time as another process would."""
    from django.db import connection, transaction

    with transaction.atomic():
        for i in range(1, 4):
            ctx.progress(i, 10, "正在写入数据库", force=True)
            other = connection.get_new_connection(connection.get_connection_params())
            try:
                with other.cursor() as cur:
                    cur.execute("SELECT done, total FROM core_job WHERE id = %s", [ctx.job.pk])
                    CALLS.append({seen_in: tuple(cur.fetchone())})
            finally:
                other.close()
    return {}


registry.job_kind("test.tx_progress", _tx_progress, label="事务内进度")


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_works_transaction_is_seen_outside_it_on_postgresql():
    """An import writes its rows in one transaction; on PostgreSQL its row count (done / total) is
    written beside it through a second connection, so the page shows it during the write step."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: the figures wait for the transaction's end")
    job = service.start("test.tx_progress", params={"seen_in": "other"})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert CALLS == [{"other": (1, 10)}, {"other": (2, 10)}, {"other": (3, 10)}]

"""A 200,000-row statistics import started from the page, run by a real worker process (issue 9's
done-when): it finishes after the web server is killed (-9) mid-way and restarted; a job whose
worker is killed is seen as failed with the reason and a retry finishes it; and the same import
runs on the Redis queue with an RQ worker. Real server and worker processes on a file database.

Mid-way is made certain, not hoped for: the worker is frozen (SIGSTOP) once the job is running,
the server is killed while it is frozen, then the worker goes on (SIGCONT)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 200_000
STEPPE = [sys.executable, "-c", "import sys; from steppe.cli import main; main(sys.argv[1:])"]
PASSWORD = "pass-word-123"
pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="signals"),
    # the processes use their own file database: once per `make test` (the SQLite pass) is enough
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite pass"),
]


def _env(var: Path, tasks_url: str = "db") -> dict:
    drop = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPPE_") and k not in drop}
    env.update(STEPPE_VAR_DIR=str(var), STEPPE_DEBUG="1", STEPPE_TESTING="0", STEPPE_TASKS_URL=tasks_url,
               DATABASE_URL="", STEPPE_LOG_LEVEL="ERROR")
    return env


@pytest.fixture(scope="module")
def template_var(tmp_path_factory):
    """A migrated file database with the regions, the indicators and a department account."""
    var = tmp_path_factory.mktemp("jobs-template")
    env = _env(var) | {"DJANGO_SETTINGS_MODULE": "steppe.settings", "STEPPE_CLI_COMMAND": "migrate"}
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from steppe.core.regions import regions_load\n"
        "from steppe.core.services import user_create\n"
        "from steppe.stats.services import indicators_load\n"
        "call_command('migrate', verbosity=0); regions_load(); indicators_load()\n"
        f"user_create(username='dept', role='department', password={PASSWORD!r})\n"
    )  # one process, not four: each start of Django costs seconds on a busy machine
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, timeout=600)
    return var


@pytest.fixture
def var(template_var, tmp_path):
    out = tmp_path / "var"
    shutil.copytree(template_var, out)
    return out


def _csv(db: Path) -> bytes:
    """ROWS distinct observations (region x indicator x year x source), generated in a second."""
    import polars as pl

    con = sqlite3.connect(db)
    regions = [r[0] for r in con.execute("select code from core_region")]
    inds = list(con.execute("select code, unit from stats_indicator"))
    con.close()
    years = [str(y) for y in range(1990, 2026)]
    per_source = len(regions) * len(inds) * len(years)
    sources = -(-ROWS // per_source)
    grid = (
        pl.DataFrame({"region": regions})
        .join(pl.DataFrame({"indicator": [i[0] for i in inds], "unit": [i[1] for i in inds]}), how="cross")
        .join(pl.DataFrame({"year": years}), how="cross")
        .join(pl.DataFrame({"s": list(range(sources))}), how="cross")
        .head(ROWS)
    )
    df = grid.with_columns(
        (pl.int_range(pl.len()) % 997 + 1).cast(pl.Utf8).alias("value"),
        ("测试公报 第" + pl.col("s").cast(pl.Utf8) + "号").alias("source_title"),
    ).select("region", "indicator", "year", "value", "unit", "source_title")
    assert df.height == ROWS
    return df.write_csv().encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env, port):
        self.env, self.port, self.proc = env, port, None

    def start(self):
        self.proc = subprocess.Popen([*STEPPE, "runserver", f"127.0.0.1:{self.port}", "--noreload"], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                assert self.proc.poll() is None, "the server exited"
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def _worker(env):
    return subprocess.Popen([*STEPPE, "worker", "--interval", "0.2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGCONT)
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _login(server):
    import requests

    s = requests.Session()
    s.get(server.url("/accounts/login/"), timeout=30)
    r = s.post(server.url("/accounts/login/"), data={"username": "dept", "password": PASSWORD,
               "csrfmiddlewaretoken": s.cookies["csrftoken"]}, timeout=30, allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    return s


def _start_import(s, server, data: bytes) -> int:
    """Upload (the page's preview, a dry run), then confirm: the page answers with the job."""
    r = s.post(server.url("/monitoring/import/"), files={"file": ("big.csv", data, "text/csv")},
               data={"csrfmiddlewaretoken": s.cookies["csrftoken"]}, timeout=300)
    assert r.status_code == 200, r.text[:2000]
    token = re.search(r'name="confirm" value="([^"]+)"', r.text).group(1)
    assert f"共 {ROWS} 行" in r.text.replace(",", "")
    r = s.post(server.url("/monitoring/import/"), data={"confirm": token, "csrfmiddlewaretoken": s.cookies["csrftoken"]},
               timeout=60, allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    return int(re.search(r"\?job=(\d+)$", r.headers["Location"]).group(1))


def _job(db: Path, job_id: int) -> dict:
    con = sqlite3.connect(db, timeout=30)
    con.row_factory = sqlite3.Row
    row = dict(con.execute("select * from core_job where id = ?", [job_id]).fetchone())
    con.close()
    return row


def _wait(pred, what, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _panel_status(s, server, job_id) -> str:
    html = s.get(server.url(f"/jobs/{job_id}/panel"), timeout=60).text
    return re.search(r'data-job-status="(\w+)"', html).group(1), html


def _observations(db: Path) -> int:
    con = sqlite3.connect(db, timeout=30)
    n = con.execute("select count(*) from stats_observation where source_id in "
                    "(select id from stats_source where title like '测试公报%')").fetchone()[0]
    con.close()
    return n


class Live:
    """A file database with the 200,000-row file, a server, a worker, the department signed in and the
    page's import started (`job_id`). Tests replace `server` and `worker` as they kill them."""

    def __init__(self, var: Path, tasks_url: str):
        self.env = _env(var, tasks_url=tasks_url)
        self.db = var / "steppe.sqlite3"
        self.server: Server | None = None
        self.worker: subprocess.Popen | None = None

    def start(self) -> Live:
        data = _csv(self.db)
        self.server = Server(self.env, _free_port())
        self.server.start()
        self.worker = _worker(self.env)
        self.s = _login(self.server)
        self.job_id = _start_import(self.s, self.server, data)
        return self

    def job(self) -> dict:
        return _job(self.db, self.job_id)

    def panel(self):
        return _panel_status(self.s, self.server, self.job_id)

    def finished(self, what="the job to finish"):
        return _wait(lambda: (st := self.panel())[0] in ("succeeded", "failed") and st, what)

    def stop(self):
        if self.worker is not None:
            _stop(self.worker)
        if self.server is not None and self.server.proc is not None and self.server.proc.poll() is None:
            self.server.kill9()


@pytest.fixture
def live(var):
    """`live(tasks_url)`: the start-up every test here shares (one place), stopped after the test."""
    started: list[Live] = []

    def start(tasks_url: str = "db") -> Live:
        started.append(Live(var, tasks_url))  # registered first: a start-up that fails half-way is stopped too
        return started[-1].start()

    yield start
    for lv in started:
        lv.stop()


def test_an_import_started_from_the_page_finishes_after_the_server_is_killed_and_restarted(live):
    lv = live()
    _wait(lambda: lv.job()["status"] == "running", "the worker to take the job")
    lv.worker.send_signal(signal.SIGSTOP)  # frozen mid-way: running, not finished
    at_kill = lv.job()
    lv.server.kill9()
    assert at_kill["status"] == "running" and at_kill["finished_at"] is None
    lv.server = Server(lv.env, _free_port()).start()  # a new server process (port, memory: all new)
    lv.worker.send_signal(signal.SIGCONT)
    status = lv.finished()
    assert status[0] == "succeeded", status[1]
    assert "导入完成" in status[1] and f"新增 {ROWS}" in status[1]
    job = lv.job()
    assert job["attempts"] == 1 and job["worker"].endswith(f":{lv.worker.pid}")
    assert _observations(lv.db) == ROWS


def test_a_job_whose_worker_was_killed_is_failed_with_the_reason_and_a_retry_finishes_it(live):
    lv = live()
    _wait(lambda: lv.job()["status"] == "running", "the worker to take the job")
    lv.worker.send_signal(signal.SIGSTOP)
    lv.worker.send_signal(signal.SIGKILL)
    lv.worker.wait(timeout=30)
    status, html = lv.panel()  # the page sees the worker is gone
    assert status == "failed" and "已不存在" in html and str(lv.worker.pid) in html
    assert _observations(lv.db) == 0  # all or nothing: the killed run wrote nothing
    r = lv.s.post(lv.server.url(f"/jobs/{lv.job_id}/retry"), data={"csrfmiddlewaretoken": lv.s.cookies["csrftoken"]},
                  timeout=60, allow_redirects=False)
    assert r.status_code == 302
    assert lv.job()["status"] == "queued"
    lv.worker = _worker(lv.env)
    status = lv.finished("the retried job to finish")
    assert status[0] == "succeeded", status[1]
    assert lv.job()["attempts"] == 2 and _observations(lv.db) == ROWS


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379")
def test_the_same_import_runs_on_the_redis_queue_with_an_rq_worker(live):
    import redis

    url = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(url).flushdb()
    try:
        lv = live(url)
        status = lv.finished()
        assert status[0] == "succeeded", status[1]
        job = lv.job()
        assert job["backend"] == "default" and job["task_id"]
        # the task went through Redis: RQ kept its job under the same id, finished
        from rq.job import Job as RQJob

        rq_job = RQJob.fetch(job["task_id"], connection=redis.Redis.from_url(url))
        assert rq_job.get_status() == "finished"
        assert _observations(lv.db) == ROWS
    finally:
        redis.Redis.from_url(url).flushdb()

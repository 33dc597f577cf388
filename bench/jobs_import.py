"""A 200,000-row statistics import through the job system (core.jobs): queued as the page queues
it, run by a real `steppe worker` process on the database queue (or Redis with
STEPPE_TASKS_URL=redis://...), into a fresh SQLite database.

Usage: .venv/bin/python bench/jobs_import.py [ROWS]
Prints: the time from queueing to done as the page sees it, the worker's own run time (the job's
started_at to finished_at), the wait before a worker took it, and rows per second.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main():
    rows_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    tmp = Path(tempfile.mkdtemp(prefix="steppe-bench-jobs-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "STEPPE_TESTING"}}
    env.update(STEPPE_VAR_DIR=str(tmp), STEPPE_DEBUG="1", DATABASE_URL="", STEPPE_TESTING="0",
               STEPPE_TASKS_URL=os.environ.get("STEPPE_TASKS_URL", "db"), STEPPE_LOG_LEVEL="ERROR",
               DJANGO_SETTINGS_MODULE="steppe.settings")
    os.environ.update(env)
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command

    from steppe.core.jobs import service
    from steppe.core.jobs.models import Job
    from steppe.core.models import Region
    from steppe.core.regions import regions_load
    from steppe.stats.jobs import save_upload, start_import
    from steppe.stats.models import Indicator
    from steppe.stats.services import indicators_load

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load()
    indicators_load()
    print(f"fresh database in {time.perf_counter() - t:.1f} s: {tmp / 'steppe.sqlite3'}; queue {env['STEPPE_TASKS_URL']}")
    regions = list(Region.objects.values_list("code", flat=True))
    inds = list(Indicator.objects.values_list("code", "unit"))
    years = [str(y) for y in range(1950, 2026)]
    per_source = len(regions) * len(inds) * len(years)
    t = time.perf_counter()
    grid = (
        pl.DataFrame({"region": regions})
        .join(pl.DataFrame({"indicator": [i[0] for i in inds], "unit": [i[1] for i in inds]}), how="cross")
        .join(pl.DataFrame({"year": years}), how="cross")
        .join(pl.DataFrame({"s": list(range(-(-rows_wanted // per_source)))}), how="cross")
        .head(rows_wanted)
    )
    data = (
        grid.with_columns(
            (pl.int_range(pl.len()) % 997 + 1).cast(pl.Utf8).alias("value"),
            ("统计公报 第" + pl.col("s").cast(pl.Utf8) + "号").alias("source_title"),
        )
        .select("region", "indicator", "year", "value", "unit", "source_title")
        .write_csv()
        .encode()
    )
    print(f"generated {grid.height:,} rows ({len(data) / 1e6:.1f} MB CSV) in {time.perf_counter() - t:.1f} s")
    worker = subprocess.Popen(
        [sys.executable, "-c", "import sys; from steppe.cli import main; main(sys.argv[1:])", "worker",
         "--interval", "0.1", "--no-periodic"], env=env,
    )
    try:
        time.sleep(8)  # the worker process starts (Django, the apps) before the clock runs
        t0 = time.perf_counter()
        job = start_import(path=save_upload(data, "bench.csv"), name="bench.csv", rows=grid.height, user=None,
                           via="page")
        while True:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        assert job.status == Job.Status.SUCCEEDED, (job.status, job.error)
        run = (job.finished_at - job.started_at).total_seconds()
        wait = (job.started_at - job.created_at).total_seconds()
        print(f"job {job.pk}: {job.result['added']:,} rows added; queued to done {wall:.1f} s "
              f"({grid.height / wall:,.0f} rows/s); worker run {run:.1f} s ({grid.height / run:,.0f} rows/s); "
              f"waited {wait:.2f} s for a worker")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        service.prune(keep_days=0)


if __name__ == "__main__":
    main()

"""The shared search index at province scale (issue 10): build, load, first and steady searches.

    DATABASE_URL=postgres://… .venv/bin/python bench/search_index.py [--rounds 20] [--keep]

Against a database holding ``steppe synthetic fill`` (50,000 achievements, 20,000 demands), in one
process, through Django's test client (no network, no gunicorn: the search's own cost):

1. with no version on disk: the first searches (page and API) answer from the database fallback,
   and queue the ``transfer.reindex`` job;
2. the job's work, timed: a full build written as a version (``search.reindex(full=True)``);
3. a fresh "process" (its index forgotten) loads that version on its first search: page, then API;
4. steady searches, page and API, ``--rounds`` each over the bench queries: p50/p95.

The versions it writes go to a temporary folder (``STEPPE_SEARCH_INDEX_DIR``) removed at the end
unless ``--keep``; the jobs it queues are deleted. Prints figures; asserts nothing about time.
Without a PostgreSQL DATABASE_URL holding the fill it says so and exits 0 (``make bench``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

QUERIES = ["稀土永磁", "煤制烯烃", "乳酸菌", "风电机组", "草原修复", "沙棘", "工业互联网", "电解铝"]


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20, help="steady searches of each kind (default 20)")
    ap.add_argument("--keep", action="store_true", help="keep the written index folder")
    a = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            "bench/search_index.py: skipped (needs DATABASE_URL=postgres://… holding `steppe synthetic fill`)"
        )
        return
    folder = Path(tempfile.mkdtemp(prefix="steppe-bench-search-"))
    os.environ["STEPPE_SEARCH_INDEX_DIR"] = str(folder)
    os.environ.setdefault("STEPPE_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    # production settings, served over plain HTTP to this process's own test client
    os.environ.update(
        STEPPE_DEBUG="0", ALLOWED_HOSTS="127.0.0.1", STEPPE_SSL_REDIRECT="0", STEPPE_HSTS_SECONDS="0"
    )
    os.environ.pop("STEPPE_TESTING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.test import Client

    from steppe.core.jobs.models import Job
    from steppe.transfer import search
    from steppe.web import synthetic

    if not synthetic.is_filled():
        raise SystemExit("bench/search_index.py: this database holds no synthetic fill")
    jobs_before = set(Job.objects.filter(kind=search.JOB_KIND).values_list("pk", flat=True))
    client = Client(HTTP_HOST="127.0.0.1")

    def get(path: str) -> tuple[float, int, str]:
        t0 = time.perf_counter()
        r = client.get(path)
        ms = (time.perf_counter() - t0) * 1000
        source = r.json().get("source", "") if path.startswith("/api/") and r.status_code == 200 else ""
        return ms, r.status_code, source

    page = "/transfer/search/?q={}"
    api = "/api/v1/transfer/search?q={}"
    try:
        client.get("/api/v1/indicators")  # the process's URL configuration and apps, outside the figures
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; index folder {folder}")
        live = search._live_count()
        print(f"live records: {live:,}; indexed in the process when at most {search.inline_max():,}")

        search.forget_process_index()
        for name, template in (("page", page), ("api", api)):
            ms, status, source = get(template.format(quote(QUERIES[0])))
            print(f"no index yet, first search ({name}): {ms:.0f} ms, {status} {source or ''}".rstrip())
        fallback = [get(api.format(quote(q)))[0] for q in QUERIES]
        print(f"no index yet, database fallback (api, {len(QUERIES)} queries): p50 {pct(fallback, 50):.0f} ms,"
              f" p95 {pct(fallback, 95):.0f} ms")  # fmt: skip
        queued = Job.objects.filter(kind=search.JOB_KIND, status=Job.Status.QUEUED).exclude(
            pk__in=jobs_before
        )
        print(f"transfer.reindex jobs queued by those searches: {queued.count()}")

        t0 = time.perf_counter()
        summary = search.reindex(full=True)
        print(f"job transfer.reindex (full build, written): {time.perf_counter() - t0:.1f} s,"
              f" {summary['documents']:,} documents, version {summary['version']}")  # fmt: skip
        size = sum(
            p.stat().st_size for p in (search.index_root() / summary["version"]).rglob("*") if p.is_file()
        )
        print(f"version on disk: {size / 1e6:.0f} MB")
        t0 = time.perf_counter()
        again = search.reindex()
        print(
            f"job transfer.reindex (update, nothing changed): {time.perf_counter() - t0:.1f} s ({again['source']})"
        )

        for name, template in (("page", page), ("api", api)):
            search.forget_process_index()  # a fresh server process: its first search loads the version
            ms, status, source = get(template.format(quote(QUERIES[1])))
            print(
                f"first search of a process, index on disk ({name}): {ms:.0f} ms, {status} {source}".rstrip()
            )
        t0 = time.perf_counter()
        search.forget_process_index()
        search.get_index()
        print(f"load of the version alone (get_index): {(time.perf_counter() - t0) * 1000:.0f} ms")

        for name, template in (("page", page), ("api", api)):
            lat = [get(template.format(quote(QUERIES[i % len(QUERIES)])))[0] for i in range(a.rounds)]
            print(f"steady search ({name}, {a.rounds}): p50 {pct(lat, 50):.0f} ms, p95 {pct(lat, 95):.0f} ms")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        Job.objects.filter(kind=search.JOB_KIND).exclude(pk__in=jobs_before).delete()
        if not a.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The first request after a statistics data change (cold) beside the next one (warm).

Usage:
  DATABASE_URL=postgres://… .venv/bin/python bench/stats_cold.py [PATH …] [--profile] [--top 30]
        [--warm-job]

For each PATH (default: the indicator page of a few plan-target indicators and the observations
API) it starts a new statistics cache generation (``stats.cache.invalidate()``, what every import
does), requests the path once (cold) and once more (warm), and prints both times and query counts.
``--warm-job`` does the ``stats.warm`` job's work (stats/jobs.py) between the change and the cold
request, as the job worker does after an import: what a visitor then waits. ``--profile`` adds cProfile's
top functions by cumulative time for the cold request. Without DATABASE_URL it says so and exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

DEFAULT = [
    "/monitoring/indicators/rd_expenditure/",
    "/monitoring/indicators/rd_intensity/",
    "/monitoring/indicators/tech_smes/",
    "/api/v1/observations?indicator=rd_intensity",
    "/api/v1/observations?indicator=high_tech_enterprises",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--warm-job", action="store_true", help="run the stats.warm job before the cold request")
    a = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            "bench/stats_cold.py: skipped (needs DATABASE_URL=postgres://… holding `steppe synthetic fill`)"
        )
        return
    os.environ.update(
        {"STEPPE_DEBUG": "0", "STEPPE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "testserver,127.0.0.1"}
    )
    os.environ.pop("STEPPE_TESTING", None)
    os.environ["STEPPE_STATS_WARM"] = "0"  # the changes made here queue no job on the database's queue
    os.environ.setdefault("STEPPE_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steppe.stats import cache as stats_cache

    c = Client()
    print(f"load average {os.getloadavg()[0]:.2f}")
    for path in a.paths or DEFAULT:
        c.get(path)  # imports, templates, connections: not what a data change costs
        stats_cache.invalidate()
        job_ms = None
        if a.warm_job:  # the job's work, run here (no job is queued: STEPPE_STATS_WARM=0 below)
            from steppe.stats.views import warm

            t0 = time.perf_counter()
            warm()
            job_ms = (time.perf_counter() - t0) * 1000
        figures = []
        for label in ("cold", "warm"):
            prof = cProfile.Profile() if a.profile and label == "cold" else None
            with CaptureQueriesContext(connection) as q:
                if prof:
                    prof.enable()
                t0 = time.perf_counter()
                r = c.get(path)
                ms = (time.perf_counter() - t0) * 1000
                if prof:
                    prof.disable()
            figures.append(f"{label} {ms:7.1f} ms {len(q.captured_queries):3d} q")
            if prof:
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(a.top)
                profile_text = out.getvalue()
        job = f"  (job {job_ms:.0f} ms)" if job_ms is not None else ""
        print(f"{'  '.join(figures)}  {r.status_code}  {path}{job}")
        if a.profile:
            print(profile_text)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

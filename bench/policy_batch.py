"""Batch run over 100,000 generated enterprises with three years of data, from the database
and back (goal < 60 s on SQLite).

    .venv/bin/python bench/policy_batch.py [--count 100000] [--db /tmp/policy-bench.sqlite3]

Uses a fresh SQLite file (never the shared database): migrates, loads the regions, generates
the enterprises (`steppe policy generate`), then times `steppe policy run` (read every
enterprise-year, evaluate all rules, score innovation points, store one PolicyResult per
enterprise with its trace, notify, summarise by league). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--db", default=None, help="SQLite file to create (default: a temporary file)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="policy-bench-")
    db = args.db or os.path.join(tmp, "bench.sqlite3")
    if os.path.exists(db):
        os.remove(db)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("STEPPE_TESTING", "1")
    os.environ.setdefault("STEPPE_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from steppe.core.regions import regions_load
    from steppe.policy.models import Notification, PolicyResult
    from steppe.policy.services import enterprises_generate, policy_run

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load()
    t1 = time.perf_counter()
    enterprises_generate(args.count, year=args.year, seed=1)
    t2 = time.perf_counter()
    stages: list[tuple[float, str]] = []
    run = policy_run(args.year, progress=lambda m: stages.append((time.perf_counter(), m)))
    t3 = time.perf_counter()
    print(f"database: {db}")
    print(f"migrate + regions: {t1 - t0:.1f} s")
    print(
        f"generate {args.count:,} enterprises × 3 years ({3 * args.count:,} enterprise-years) into SQLite: {t2 - t1:.1f} s"
    )
    for at, msg in stages:
        print(f"  [{at - t2:6.1f} s] {msg}")
    print(f"batch run from the database and back ({run.total:,} enterprises): {t3 - t2:.1f} s")
    tot = run.summary["total"]
    print(
        f"  results {PolicyResult.objects.count():,}; notifications {Notification.objects.count():,}; "
        f"TSME would qualify {tot['tsme_eligible']:,}; HTE yes {tot['hte_yes']:,}, depends {tot['hte_depends']:,}; "
        f"white list {tot['white_list']:,}; estimated value {tot['value']['total']:,.0f} 万元"
    )
    t4 = time.perf_counter()
    policy_run(args.year)
    print(f"re-run of the same year (replaces results): {time.perf_counter() - t4:.1f} s")


if __name__ == "__main__":
    main()

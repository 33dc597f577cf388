"""One request at a time: where a page's time goes, on a database holding the synthetic fill.

Usage:
  DATABASE_URL=postgres://… .venv/bin/python bench/page_timing.py PERSONA PATH [PATH …]
        [--runs 3] [--profile] [--top 25]
  DATABASE_URL=postgres://… .venv/bin/python bench/page_timing.py --slow   # load.py's slow pages

PERSONA is one of load.py's personas (public, department, bureau, enterprise, bank, broker; also
institution). Each PATH is requested ``--runs`` times in this process with production settings
(no debug) after one warm-up request; it prints the best time, the database time and the query
count of the best run, and the response size. ``--profile`` adds cProfile's top functions by
cumulative time for one more request. Timings on a busy machine mean little: it prints the load
average beside them. Without DATABASE_URL or the fill it says so and exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import MIX, PERSONA_USERS, fill  # noqa: E402

PERSONAS = {**PERSONA_USERS, "institution": "syn-institution-001"}
SLOW = {  # the pages over 100 ms at p95 in the last load run (docs/operations.md, "Measured")
    "public": ["indicator page", "api observations"],
    "department": [
        "supervision overview",
        "to-do",
        "policy runs",
        "contracts list",
        "round page",
        "review queue",
    ],
    "bureau": ["review queue"],
    "enterprise": ["my records"],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("persona", nargs="?")
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--slow", action="store_true", help="the pages load.py last found slow, per persona")
    a = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            "bench/page_timing.py: skipped (needs DATABASE_URL=postgres://… holding `steppe synthetic fill`)"
        )
        return
    os.environ.update(
        {"STEPPE_DEBUG": "0", "STEPPE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "testserver,127.0.0.1"}
    )
    os.environ.pop("STEPPE_TESTING", None)
    os.environ.setdefault("STEPPE_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    import random

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from load import prepare

    _cookies, ids = prepare()
    rng = random.Random(0)
    if a.slow:
        jobs = [(p, fill(t, ids, rng)) for p, names in SLOW.items() for n, t in MIX[p][1] if n in names]
    else:
        if a.persona not in PERSONAS and a.persona != "public":
            raise SystemExit(f"unknown persona {a.persona!r}: one of public, {', '.join(PERSONAS)}")
        jobs = [(a.persona, fill(p, ids, rng)) for p in a.paths]
    from steppe.core.models import User

    clients: dict[str, Client] = {}
    print(f"load average {os.getloadavg()[0]:.2f}")
    for persona, path in jobs:
        if persona not in clients:
            c = Client()
            if persona != "public":
                c.force_login(User.objects.get(username=PERSONAS[persona]))
            clients[persona] = c
        c = clients[persona]
        r = c.get(path)
        best = None
        for _ in range(a.runs):
            with CaptureQueriesContext(connection) as q:
                t0 = time.perf_counter()
                r = c.get(path)
                ms = (time.perf_counter() - t0) * 1000
            db = sum(float(x["time"]) for x in q.captured_queries) * 1000
            if best is None or ms < best[0]:
                best = (ms, db, len(q.captured_queries))
        assert best is not None
        print(f"{best[0]:7.1f} ms  db {best[1]:6.1f} ms  {best[2]:3d} q  {len(r.content) / 1024:6.1f} kB  "
              f"{r.status_code}  [{persona}] {path}")  # fmt: skip
        if a.profile:
            prof = cProfile.Profile()
            prof.enable()
            c.get(path)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(a.top)
            print(out.getvalue())
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

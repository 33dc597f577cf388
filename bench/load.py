"""Province-scale load: a mix of roles through the main pages and API lists (issue 10).

Usage:
  DATABASE_URL=postgres://… .venv/bin/steppe synthetic fill          # once (about 7 minutes)
  DATABASE_URL=postgres://… .venv/bin/python bench/load.py [--users 50] [--seconds 120]
        [--workers 4] [--timeout 600] [--think 1.0-3.0] [--only NAME,…] [--url http://host:port]

Starts gunicorn (production settings, ``--workers`` sync workers) and a job worker (``steppe
worker``, as ``make serve`` does; both stopped at the end) on a free loopback port against
DATABASE_URL (a PostgreSQL database holding ``steppe synthetic fill``), opens a session for each
persona (anonymous public, the department, a league bureau, an enterprise, a bank, a broker),
warms every URL, then runs ``--users`` concurrent virtual users for ``--seconds``: each picks
its persona's pages at random and waits a think time between requests (locust's usual model).
``--only`` takes personas or page names (``--only "transfer search,api search"``: only those
pages, warmed and measured). Before the warm-up it times the first search of each kind, sent to
every worker at once (``first searches``): what the first visitors after a restart wait.
Prints p50/p95 latency, error count and requests per page, and the table in Markdown for
docs/operations.md. Goal: p95 < 100 ms on every page and list, zero errors. Only the given URL
(127.0.0.1 by default) is contacted. Without DATABASE_URL or the fill it says so and exits 0
(``make bench`` runs every benchmark).

A virtual user is a thread with its own connection (http.client): waiting is I/O, so 50 threads
cost the client little; the clients share the machine's cores with gunicorn and PostgreSQL.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from importlib import import_module
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

# persona -> (weight among the virtual users, [(page name, path template)])
MIX: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "public": (
        30,
        [
            ("home", "/"),
            ("plan", "/plan/"),
            ("monitoring dashboard", "/monitoring/"),
            ("indicator page", "/monitoring/indicators/{indicator}/"),
            ("region page", "/monitoring/regions/150200/"),
            ("transfer search", "/transfer/search/?q={query}"),
            ("achievement page", "/transfer/achievements/{achievement}/"),
            ("demand page", "/transfer/demands/{demand}/"),
            ("policy calculator", "/policy/"),
            ("register list", "/registers/platforms/"),
            ("challenges list", "/supervision/challenges/"),
            ("challenge page", "/supervision/challenges/{challenge}/"),
            ("api indicators", "/api/v1/indicators"),
            ("api observations", "/api/v1/observations?indicator={indicator}"),
            ("api achievements", "/api/v1/transfer/achievements"),
            ("api demands", "/api/v1/transfer/demands"),
            ("api search", "/api/v1/transfer/search?q={query}"),
            ("api challenges", "/api/v1/challenges"),
            ("api turnover", "/api/v1/transfer/figures/turnover"),
            ("api experts", "/api/v1/transfer/experts"),
            ("api brokers", "/api/v1/transfer/brokers"),
        ],
    ),
    "department": (
        15,
        [
            ("supervision overview", "/supervision/overview/"),
            ("to-do", "/supervision/todo/"),
            ("rounds list", "/supervision/rounds/"),
            ("round page", "/supervision/rounds/2025-12/"),
            ("measure page", "/supervision/measures/{measure}/"),
            ("review queue", "/transfer/review/"),
            ("contracts list", "/transfer/contracts/"),
            ("transfer figures", "/transfer/figures/"),
            ("enterprise register", "/policy/enterprises/"),
            ("enterprise file", "/policy/enterprises/{enterprise}/"),
            ("policy runs", "/policy/runs/"),
            ("submissions", "/monitoring/submissions/"),
            ("organisations", "/accounts/organisations/"),
            ("api contracts", "/api/v1/transfer/contracts"),
            ("api reports", "/api/v1/reports"),
            ("api measures", "/api/v1/measures"),
            ("api rounds", "/api/v1/rounds"),
            ("api enterprises", "/api/v1/policy/enterprises"),
            ("api organisations", "/api/v1/organisations"),
            ("api audit", "/api/v1/supervision/audit"),
        ],
    ),
    "bureau": (
        15,
        [
            ("bureau home", "/monitoring/bureau/"),
            ("cascade", "/monitoring/cascade/"),
            ("league measures", "/supervision/league/"),
            ("enterprise register", "/policy/enterprises/"),
            ("review queue", "/transfer/review/"),
            ("register list", "/registers/platforms/"),
            ("api reports", "/api/v1/reports"),
            ("api enterprises", "/api/v1/policy/enterprises"),
        ],
    ),
    "enterprise": (
        20,
        [
            ("my records", "/transfer/mine/"),
            ("policy calculator", "/policy/"),
            ("inbox", "/inbox/"),
            ("my organisation", "/accounts/my/"),
            ("transfer search", "/transfer/search/?q={query}"),
            ("api interests", "/api/v1/transfer/interests"),
            ("api notifications", "/api/v1/notifications"),
            ("api achievements", "/api/v1/transfer/achievements"),
        ],
    ),
    "bank": (
        10,
        [
            ("white list", "/policy/white-list/"),
            ("register list", "/registers/loans/"),
            ("api white list", "/api/v1/policy/white-list"),
        ],
    ),
    "broker": (
        10,
        [
            ("broker desk", "/transfer/broker/"),
            ("transfer search", "/transfer/search/?q={query}"),
            ("experts", "/transfer/experts/"),
            ("scenarios", "/transfer/scenarios/"),
            ("api interests", "/api/v1/transfer/interests"),
        ],
    ),
}
PERSONA_USERS = {
    "department": "syn-department",
    "bureau": "syn-bureau-150200",
    "enterprise": "syn-enterprise-001",
    "bank": "syn-bank-001",
    "broker": "syn-broker-001",
}
QUERIES = ["稀土永磁", "煤制烯烃", "乳酸菌", "风电机组", "草原修复", "沙棘", "工业互联网", "电解铝"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def prepare() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Session cookies per persona and sample ids for the path templates (read through Django)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    # the sessions written here must verify in gunicorn: one key for both (set in main)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend

    from steppe.challenges.models import Challenge
    from steppe.core.models import User
    from steppe.plans.models import Measure
    from steppe.policy.models import Enterprise
    from steppe.stats.models import Indicator
    from steppe.transfer.models import Achievement, Demand, ListingStatus
    from steppe.web import synthetic

    if not synthetic.is_filled():
        raise SystemExit(
            "bench/load.py: this database holds no synthetic fill; run `steppe synthetic fill` first"
        )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    # the backend that loads users (the first one may only throttle logins)
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(b), "get_user"))
    cookies = {"public": ""}
    for persona, username in PERSONA_USERS.items():
        user = User.objects.get(username=username)
        s = store()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = backend
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        cookies[persona] = f"{settings.SESSION_COOKIE_NAME}={s.session_key}"
    published = dict(status=ListingStatus.PUBLISHED)
    ids = {
        "achievement": [
            str(x) for x in Achievement.objects.filter(**published).values_list("public_id", flat=True)[:200]
        ],
        "demand": [
            str(x) for x in Demand.objects.filter(**published).values_list("public_id", flat=True)[:200]
        ],
        "enterprise": [str(x) for x in Enterprise.objects.values_list("public_id", flat=True)[:200]],
        "challenge": list(Challenge.objects.exclude(state="draft").values_list("code", flat=True)[:100]),
        "measure": list(Measure.objects.filter(active=True).values_list("code", flat=True)),
        "indicator": list(Indicator.objects.filter(plan_target=True).values_list("code", flat=True)),
        "query": [quote(q) for q in QUERIES],
    }
    from django.db import connections

    connections.close_all()
    return cookies, ids


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}

    def add(self, name: str, ms: float, ok: bool, why: str = "") -> None:
        with self.lock:
            self.lat[name].append(ms)
            if not ok:
                self.errors[name] += 1
                self.samples.setdefault(name, why)


def fetch(host: str, port: int, path: str, cookie: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def fill(template: str, ids: dict[str, list[str]], rng: random.Random) -> str:
    out = template
    for key, values in ids.items():
        if "{" + key + "}" in out:
            out = out.replace("{" + key + "}", rng.choice(values))
    return out


def virtual_user(persona, host, port, cookie, ids, deadline, think, stats, seed, only=None):
    rng = random.Random(seed)
    pages = [(n, t) for n, t in MIX[persona][1] if not only or persona in only or n in only]
    time.sleep(rng.uniform(0, think[1]))  # users arrive spread over the first think time
    while time.monotonic() < deadline:
        name, template = rng.choice(pages)
        path = fill(template, ids, rng)
        t0 = time.perf_counter()
        try:
            status, _body = fetch(host, port, path, cookie)
            ok, why = status == 200, f"{status} {path}"
        except OSError as exc:
            ok, why = False, f"{type(exc).__name__} {path}"
        stats.add(f"{name} [{persona}]", (time.perf_counter() - t0) * 1000, ok, why)
        time.sleep(rng.uniform(*think))


def first_searches(host, port, workers: int) -> list[str]:
    """The first searches after a start, one of each kind per worker at once: (latency, status) each.

    Before the shared index, each worker built its own index on its first search (tens of seconds
    at province scale, past gunicorn's 30 s timeout); these are what the first visitors waited."""
    out = []
    for name, template in (
        ("transfer search", "/transfer/search/?q={q}"),
        ("api search", "/api/v1/transfer/search?q={q}"),
    ):
        results: list[str] = []

        def go(template=template, results=results, i=0):
            t0 = time.perf_counter()
            try:
                status, _ = fetch(host, port, template.format(q=quote(QUERIES[i % len(QUERIES)])), "", 600)
                what = str(status)
            except OSError as exc:
                what = type(exc).__name__
            results.append(f"{(time.perf_counter() - t0) * 1000:.0f} ms {what}")

        threads = [threading.Thread(target=go, kwargs={"i": i}) for i in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out.append(f"{name}: " + ", ".join(sorted(results, key=lambda r: float(r.split()[0]))))
    return out


def warm(host, port, cookies, ids, rounds: int, workers: int, only: set[str] | None = None) -> list[str]:
    """Every page a few times (each worker's caches): not measured."""
    problems = []
    rng = random.Random(1)
    # every worker answers a search before anything else (it loads the shared index, or built its
    # own before issue 10's shared index)
    searches = [
        threading.Thread(target=fetch, args=(host, port, f"/transfer/search/?q={quote(QUERIES[0])}", "", 600))
        for _ in range(2 * workers)
    ]  # fmt: skip
    for t in searches:
        t.start()
    for t in searches:
        t.join()
    jobs = [(p, t) for p, (_w, pages) in MIX.items() for n, t in pages if not only or n in only or p in only]
    for _ in range(rounds):
        threads = []
        for persona, template in jobs:
            path = fill(template, ids, rng)

            def go(persona=persona, path=path):
                try:
                    status, _ = fetch(host, port, path, cookies[persona], 600)
                    if status != 200:
                        problems.append(f"{status} {persona} {path}")
                except OSError as exc:
                    problems.append(f"{exc} {persona} {path}")

            threads.append(threading.Thread(target=go))
        for i in range(0, len(threads), 8):
            batch = threads[i : i + 8]
            for t in batch:
                t.start()
            for t in batch:
                t.join()
    return problems


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    ap.add_argument(
        "--timeout",
        type=int,
        default=600,
        help="gunicorn's worker timeout in seconds (default 600; gunicorn's own default is 30)",
    )
    ap.add_argument(
        "--think", default="1.0-3.0", help="seconds between a user's requests, uniform (default 1.0-3.0)"
    )
    ap.add_argument("--url", help="an already running server instead of starting gunicorn")
    ap.add_argument("--warm", type=int, default=3, help="warm-up passes over every page (default 3)")
    ap.add_argument("--only", help="comma-separated personas or page names to run (default all)")
    a = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/load.py: skipped (needs DATABASE_URL=postgres://… holding `steppe synthetic fill`)")
        return
    think = tuple(float(x) for x in a.think.split("-"))
    os.environ.setdefault("STEPPE_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    cookies, ids = prepare()
    server = worker = None
    if a.url:
        parts = urlsplit(a.url)
        host, port = parts.hostname, parts.port or 80
    else:
        host, port = HOST, free_port()
        env = {**os.environ, "STEPPE_DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "STEPPE_SSL_REDIRECT": "0", "STEPPE_HSTS_SECONDS": "0",
               "STEPPE_SECURE_COOKIES": "0"}  # fmt: skip
        env.pop("STEPPE_TESTING", None)
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "steppe.wsgi:application", "--preload", "--bind", f"{host}:{port}",
             "--workers", str(a.workers), "--log-level", "warning", "--timeout", str(a.timeout)],
            env=env, cwd=str(ROOT),
        )  # fmt: skip
        # the job worker beside it, as `make serve` runs in production: imports, and the jobs that
        # compute pages ahead after a data change (stats.warm), run there, not in a request. Not the
        # nightly periodic work (search reindex, prune...): on a copy of the fill it would be due at
        # once and the run would measure a reindex, which production does at night
        worker = subprocess.Popen([str(VENV_BIN / "steppe"), "worker", "--no-periodic"], env=env, cwd=str(ROOT),
                                  stdout=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                fetch(host, port, "/api/v1/indicators", "")
                break
            except OSError:
                time.sleep(0.2)
        only = set(a.only.split(",")) if a.only else None
        if not a.url:
            for line in first_searches(host, port, a.workers):
                print("first searches,", line)
        t = time.perf_counter()
        problems = warm(host, port, cookies, ids, a.warm, a.workers, only)
        n_pages = sum(
            1 for p, (_w, pages) in MIX.items() for n, _t in pages if not only or n in only or p in only
        )
        print(f"warmed {n_pages} pages x {a.warm} in {time.perf_counter() - t:.1f} s")
        for p in sorted(set(problems))[:20]:
            print("  warm-up:", p)
        personas = [p for p in MIX if not only or p in only or any(n in only for n, _t in MIX[p][1])]
        weights = [MIX[p][0] for p in personas]
        rng = random.Random(0)
        assigned = rng.choices(personas, weights=weights, k=a.users)
        stats = Stats()
        deadline = time.monotonic() + a.seconds
        users = [
            threading.Thread(target=virtual_user, args=(p, host, port, cookies[p], ids, deadline, think, stats, i, only))
            for i, p in enumerate(assigned)
        ]  # fmt: skip
        t0 = time.perf_counter()
        load0 = os.getloadavg()[0]
        for u in users:
            u.start()
        for u in users:
            u.join()
        elapsed = time.perf_counter() - t0
        load1 = os.getloadavg()[0]
    finally:
        for proc in (server, worker):  # the worker finishes its current job on SIGTERM, then stops
            if proc:
                proc.terminate()
        for proc in (server, worker):
            if proc:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    total = sum(len(v) for v in stats.lat.values())
    errors = sum(stats.errors.values())
    mix = ", ".join(f"{p} {assigned.count(p)}" for p in personas)
    print(f"\n{a.users} users ({mix}), think {a.think} s, {elapsed:.0f} s, gunicorn {a.workers} workers"
          f"{' and a job worker' if worker else ''};"
          f" {total} requests ({total / elapsed:.1f}/s), {errors} errors; load average {load0:.1f} -> {load1:.1f}"
          f" on {os.cpu_count()} cores")  # fmt: skip
    all_lat = [x for v in stats.lat.values() for x in v]
    if all_lat:
        print(f"all requests: p50 {pct(all_lat, 50):.0f} ms, p95 {pct(all_lat, 95):.0f} ms")
    print("\n| page | p50 ms | p95 ms | errors | requests |\n|---|---:|---:|---:|---:|")
    for name in sorted(stats.lat, key=lambda n: -pct(stats.lat[n], 95)):
        v = stats.lat[name]
        flag = " **over**" if pct(v, 95) >= 100 else ""
        print(f"| {name}{flag} | {pct(v, 50):.0f} | {pct(v, 95):.0f} | {stats.errors[name]} | {len(v)} |")
    for name, why in sorted(stats.samples.items()):
        print(f"error sample: {name}: {why}")


if __name__ == "__main__":
    main()

"""The monitoring dashboard under 20 concurrent clients, beside a bare view, against gunicorn (2 workers).

Usage: .venv/bin/python bench/stats_dashboard.py [--seconds 10] [--connections 20]
Prepares a SQLite database in a temporary folder (regions, the built-in plan, the published
statistics), starts gunicorn on a free loopback port, warms both URLs, then loads each for a
fixed time with wrk (if installed: `apt-get install wrk`) or else a small bounded asyncio load
generator, and prints p50/p95/p99 latency and throughput. Only 127.0.0.1 is ever contacted.
Goals (issue 3): dashboard p95 < 50 ms and at least 1/10 of the bare view's throughput.
"""

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DASHBOARD = "/monitoring/"
BARE = "/monitoring/_bare"

WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


SESSION_SNIPPET = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from steppe.core.services import user_create
user, _, _ = user_create(username="bench-dept", role="department", password="bench-pass-123", unit="自治区科技厅")
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print("SESSION", s.session_key)
"""


def prepare(env: dict) -> str:
    """Prepares the database; returns the session key of a logged-in department user."""
    steppe = str(VENV_BIN / "steppe")
    for args in (
        ["migrate", "-v0"],
        ["regions", "load"],
        ["plan", "load-builtin"],
        ["stats", "load-published"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([steppe, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(
        [steppe, "shell", "-c", SESSION_SNIPPET], env=env, check=True, capture_output=True, text=True
    ).stdout
    return next(ln.split()[1] for ln in out.splitlines() if ln.startswith("SESSION"))


async def _one_client(port, path, deadline, lat, errors, cookie=""):
    reader, writer = await asyncio.open_connection(HOST, port)
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    req = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{extra}Connection: keep-alive\r\n\r\n".encode()
    try:
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            writer.write(req)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            close = False
            for line in head.split(b"\r\n"):
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
                if k.lower() == b"connection" and v.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(head[:20])
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
    finally:
        writer.close()


def python_load(port, path, seconds, connections, cookie=""):
    lat, errors = [], []

    async def main():
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *[_one_client(port, path, deadline, lat, errors, cookie) for _ in range(connections)]
        )

    t = time.perf_counter()
    asyncio.run(main())
    dur = time.perf_counter() - t
    lat.sort()
    q = statistics.quantiles(lat, n=100)
    return {
        "requests": len(lat),
        "rps": len(lat) / dur,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "errors": len(errors),
        "tool": "python asyncio",
    }


def wrk_load(port, path, seconds, connections, lua, cookie=""):
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            *headers,
            "-s",
            lua,
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    _, reqs, dur_us, p50, p95, p99, errs = line.split()
    return {
        "requests": int(reqs),
        "rps": int(reqs) / (int(dur_us) / 1e6),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(errs),
        "tool": "wrk",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument(
        "--python-load", action="store_true", help="use the asyncio load generator even if wrk exists"
    )
    ap.add_argument(
        "--session-engine",
        default="",
        help="run the server with this SESSION_ENGINE (e.g. django.contrib.sessions.backends.cached_db) "
        "through a settings shim in the temporary folder, to see what the session store costs",
    )
    a = ap.parse_args()
    seconds = max(1, min(a.seconds, 60))
    connections = max(1, min(a.connections, 100))
    tmp = Path(tempfile.mkdtemp(prefix="steppe-bench-dash-"))
    env = {
        **os.environ,
        "STEPPE_VAR_DIR": str(tmp),
        "DATABASE_URL": "",
        "STEPPE_DEBUG": "0",
        "STEPPE_SECRET_KEY": "bench-only-" + os.urandom(8).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("STEPPE_TESTING", None)
    if a.session_engine:
        (tmp / "bench_settings.py").write_text(
            f"from steppe.settings import *  # noqa: F403\nSESSION_ENGINE = {a.session_engine!r}\n"
        )
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tmp), env.get("PYTHONPATH", "")) if p)
        print(f"SESSION_ENGINE = {a.session_engine}")
    t = time.perf_counter()
    session = prepare(env)
    cookie = f"sessionid={session}"
    print(f"prepared database in {time.perf_counter() - t:.1f} s ({tmp})")
    port = free_port()
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "steppe.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(ROOT),
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection((HOST, port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        import urllib.request

        for path, ck in ((DASHBOARD, ""), (BARE, ""), (DASHBOARD, cookie)):
            for _ in range(6):  # warm both workers' caches
                req = urllib.request.Request(
                    f"http://{HOST}:{port}{path}", headers={"Cookie": ck} if ck else {}
                )
                with urllib.request.urlopen(req, timeout=30) as r:
                    assert r.status == 200, (path, r.status)
                    if ck:
                        assert b"bench-dept" in r.read(), "the session cookie did not log in"
        use_wrk = shutil.which("wrk") and not a.python_load
        lua = tmp / "p95.lua"
        lua.write_text(WRK_LUA)
        results = {}
        runs = (
            ("bare view", BARE, ""),
            ("dashboard", DASHBOARD, ""),
            ("dashboard, logged in", DASHBOARD, cookie),
        )
        for label, path, ck in runs:
            if use_wrk:
                results[label] = wrk_load(port, path, seconds, connections, str(lua), ck)
            else:
                results[label] = python_load(port, path, seconds, connections, ck)
            r = results[label]
            print(
                f"{label:<21} {path:<16} {r['rps']:7.0f} req/s   p50 {r['p50']:6.1f} ms   p95 {r['p95']:6.1f} ms   "
                f"p99 {r['p99']:6.1f} ms   requests {r['requests']}   errors {r['errors']}   "
                f"({r['tool']}, {connections} connections, {seconds} s)"
            )
        bare = results["bare view"]["rps"]
        for label in ("dashboard", "dashboard, logged in"):
            r = results[label]
            print(
                f"{label}: throughput {r['rps'] / bare:.2f} x bare view (goal >= 0.10), p95 {r['p95']:.1f} ms (goal < 50 ms)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

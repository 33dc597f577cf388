"""Supervision on the real plan (89 measures, 96 report forms for 19 lead units), with a history of
past rounds: how long the department's overview, a lead unit's to-do list, the round figures,
opening a round and the reminder command take, and how many queries each makes.

    .venv/bin/python bench/supervision.py [--history 12] [--db /tmp/supervision-bench.sqlite3]

Uses a fresh SQLite file (never the shared database): migrates, loads the regions and the built-in
plan, creates one account per lead unit, then opens --history past rounds (every unit answers
each, the department accepts) plus a current one answered by half the units, with one milestone
per measure. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def timed(fn, repeat: int = 5):
    """(median seconds, queries of one run, result)."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    # a wrapper, not CaptureQueriesContext: a test-client request resets connection.queries
    with connection.execute_wrapper(counter):
        result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), count[0], result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--history", type=int, default=12, help="past rounds, every form answered and accepted")
    ap.add_argument("--db", default=None, help="SQLite file to create (default: a temporary file)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="supervision-bench-")
    db = args.db or os.path.join(tmp, "bench.sqlite3")
    if os.path.exists(db):
        os.remove(db)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("STEPPE_TESTING", "1")
    os.environ.setdefault("STEPPE_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steppe.settings")
    os.environ["STEPPE_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from steppe.core.regions import regions_load
    from steppe.core.services import user_create
    from steppe.plans.models import MeasureUnit
    from steppe.plans.services import plan_load_builtin
    from steppe.supervision import queries, services
    from steppe.supervision.models import ProgressReport

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load()
    plan_load_builtin()
    dept, _, _ = user_create(username="bench-dept", role="department", unit="自治区科技厅", password="x" * 12)
    unit_ids = sorted(set(MeasureUnit.objects.filter(role="lead").values_list("unit_id", flat=True)))
    from steppe.core.models import Unit

    users = {}
    for i, unit in enumerate(Unit.objects.filter(pk__in=unit_ids).order_by("pk")):
        if unit.name == "自治区科技厅":
            users[unit.pk] = dept
        else:
            users[unit.pk], _, _ = user_create(
                username=f"bench-unit-{i}", role="lead_unit", unit=unit.name, password="x" * 12
            )
    # one league bureau: it reports, in each round, on the measures naming its league (or every league)
    bureau, _, _ = user_create(username="bench-baotou", role="bureau", unit="包头市科学技术局", region="150200",
                               password="x" * 12)
    users[bureau.unit_id] = bureau
    t1 = time.perf_counter()

    good = {"status": "in_progress", "progress": 40, "done": "推进中", "next_steps": "继续"}
    today = timezone.localdate()
    for k in range(args.history):
        period = f"{2020 + k // 4}-Q{k % 4 + 1}"
        # a past round: opened with a due date to come, then dated back (round_open refuses a past one)
        opened_past = services.round_open(actor=dept, period=period, due_on=today + timedelta(days=1))
        type(opened_past.round).objects.filter(pk=opened_past.round.pk).update(
            due_on=today - timedelta(days=400 - 30 * k)
        )
        for rep in ProgressReport.objects.filter(round__period=period).select_related("unit"):
            rep = services.report_submit(actor=users[rep.unit_id], report=rep, data=good)
            services.report_review(actor=dept, report=rep, accept=True)
        services.round_close(actor=dept, round=rep.round)
    t2 = time.perf_counter()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        opened = services.round_open(actor=dept, period="2030-Q1", due_on=today + timedelta(days=2))
        open_s = time.perf_counter() - t
    open_q = len(ctx.captured_queries)
    current = opened.round
    for i, rep in enumerate(current.reports.select_related("unit").order_by("pk")):
        if i % 2 == 0:
            services.report_submit(actor=users[rep.unit_id], report=rep, data=good)
    for m_link in MeasureUnit.objects.filter(role="lead").select_related("measure")[:89]:
        services.milestone_create(
            actor=users[m_link.unit_id],
            measure=m_link.measure,
            deliverable="阶段成果",
            planned_on=today + timedelta(days=1),
        )
    reports_total = ProgressReport.objects.count()
    t3 = time.perf_counter()

    biggest = max(users.values(), key=lambda u: MeasureUnit.objects.filter(unit_id=u.unit_id).count())
    figures = [
        ("overview (department, all measures)", lambda: queries.overview(dept)),
        ("to-do list (unit with most measures)", lambda: queries.todo(biggest)),
        ("round figures per unit and action", lambda: queries.round_completeness(current)),
        ("collect obligations for reminders", lambda: services.collect_obligations(today=today)),
    ]
    print(f"database: {db}")
    print(f"setup (migrate, regions, plan, {len(users)} unit accounts): {t1 - t0:.1f} s")
    print(
        f"{args.history} past rounds answered and accepted: {t2 - t1:.1f} s; {reports_total:,} reports in all"
    )
    print(f"round open (96 forms, pre-filled from history): {open_s * 1000:.0f} ms, {open_q} queries")
    print(f"current round half answered, 89 milestones: {t3 - t2:.1f} s")
    for label, fn in figures:
        s, q, _ = timed(fn)
        print(f"{label}: {s * 1000:.1f} ms, {q} queries")

    with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
        client = Client()
        client.force_login(dept)
        for path in (
            "/supervision/overview/",
            f"/supervision/rounds/{current.period}/",
            "/supervision/todo/",
        ):
            s, q, r = timed(lambda path=path: client.get(path))
            print(f"page {path}: {s * 1000:.0f} ms, {q} queries, {len(r.content) // 1024} KB")
        from steppe.core.models import ApiToken

        _, raw = ApiToken.objects.issue(biggest, name="bench")
        s, q, r = timed(lambda: client.get("/api/v1/measures?mine=true", HTTP_AUTHORIZATION=f"Bearer {raw}"))
        print(f"API /measures?mine=true ({len(r.json())} measures): {s * 1000:.0f} ms, {q} queries")

    t = time.perf_counter()
    first = services.reminders_send(today=today)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    again = services.reminders_send(today=today)
    again_s = time.perf_counter() - t
    print(f"remind, first run: {first_s * 1000:.0f} ms, sent {first}")
    print(f"remind, rerun the same day: {again_s * 1000:.0f} ms, sent {again}")


if __name__ == "__main__":
    main()

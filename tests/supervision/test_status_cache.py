"""The measures' statuses are kept in the shared cache (supervision.queries.statuses, under
supervision's generation): a read after any write that changes a status shows the change at once,
and a read with nothing changed judges no report or milestone again."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steppe.supervision import queries, services
from steppe.supervision.models import ProgressReport
from steppe.supervision.status import Status

pytestmark = pytest.mark.django_db


def _row(user, measure):
    return next(r for r in queries.measure_rows(user) if r.measure.pk == measure.pk)


def _fresh(measure):
    """The status judged now from the database, bypassing the cache."""
    m = queries._with_status_data(type(measure).objects.filter(pk=measure.pk))
    return queries._judge(list(m), timezone.localdate())[measure.pk][0].status


def test_every_kind_of_write_shows_in_the_next_read(dept, unit_a_user, measure):
    today = timezone.localdate()
    before = _row(dept, measure).status  # cached from here on (no report yet on a plan begun in 2026: at risk)
    assert before == Status.AT_RISK == _fresh(measure)

    # a milestone past its date: late
    ms = services.milestone_create(actor=unit_a_user, measure=measure, deliverable="完成实验室主体建设",
                                   planned_on=today - timedelta(days=10))  # fmt: skip
    assert _row(dept, measure).status == Status.LATE == _fresh(measure)

    # the milestone done: on schedule again
    services.milestone_complete(actor=unit_a_user, milestone=ms, done_on=today - timedelta(days=1),
                                evidence_note="验收报告")  # fmt: skip
    assert _row(dept, measure).status == before == _fresh(measure)

    # the measure's deadline (a plan load saves the measure) moved into the past: late
    measure.due_on = today - timedelta(days=1)
    measure.save()
    assert _row(dept, measure).status == Status.LATE == _fresh(measure)
    measure.due_on = today + timedelta(days=300)
    measure.save()
    assert _row(dept, measure).status == before

    # a report outside any round, completed, then accepted by the department: done
    report = services.measure_report_progress(actor=unit_a_user, measure=measure,
                                              data={"status": "completed", "progress": 100, "done": "已建成并通过验收"})  # fmt: skip
    services.report_review(actor=dept, report=report, accept=True)
    assert _row(dept, measure).status == Status.DONE == _fresh(measure)

    # the report deleted (an operator in the admin): judged without it
    ProgressReport.objects.filter(pk=report.pk).delete()
    assert _row(dept, measure).status == before == _fresh(measure)


def test_a_round_opened_is_judged_at_once_for_recurring_measures(dept, unit_a_user, measure):
    measure.type, measure.frequency = "recurring", "per_round"
    measure.save()
    today = timezone.localdate()
    assert _row(dept, measure).periods == []
    services.round_open(actor=dept, period="2026-Q4", due_on=today + timedelta(days=20))
    assert [p.key for p in _row(dept, measure).periods] == ["2026-Q4"]


def test_a_read_with_nothing_changed_judges_nothing_again(dept, unit_a_user, measure):
    services.milestone_create(actor=unit_a_user, measure=measure, deliverable="中期检查",
                              planned_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    queries.measure_rows(dept)
    with CaptureQueriesContext(connection) as q:
        rows = queries.measure_rows(dept)
    assert len(rows) == 3
    read = " ".join(x["sql"] for x in q.captured_queries)
    assert "supervision_progressreport" not in read and "supervision_milestone" not in read

"""Supervision reads a measure's type (plan format 2): a recurring measure is done per period, a register
measure shows its count, a project carrier lists its projects; the alignment uses the explicit links."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from steppe.supervision import periods, queries, services
from steppe.supervision.models import ProgressReport, ProgressRound
from steppe.supervision.status import Status

pytestmark = pytest.mark.django_db

D = date


# ---------------------------------------------------------------- pure: periods


def test_a_round_falls_in_the_period_of_the_measures_frequency():
    assert periods.period_key("per_round", "2026-Q4") == "2026-Q4"
    assert periods.period_key("quarterly", "2026-11") == "2026-Q4"
    assert periods.period_key("half_yearly", "2026-05") == "2026-H1"
    assert periods.period_key("half_yearly", "2026-Q3") == "2026-H2"
    assert periods.period_key("yearly", "2026-Q2") == "2026"
    assert periods.period_key("monthly", "2026-11") == "2026-11"
    with pytest.raises(ValueError, match="2026-13"):
        periods.period_key("yearly", "2026-13")


def test_each_period_has_its_own_state():
    today = D(2026, 12, 4)
    forms = [
        periods.Form("2026-Q1", D(2026, 3, 31), D(2026, 4, 5), D(2026, 3, 20), "甲"),  # reported
        periods.Form("2026-Q2", D(2026, 6, 30), None, None, "甲"),  # due passed, nothing: missed
        periods.Form("2026-Q3", D(2026, 9, 30), None, D(2026, 9, 1), "甲"),
        periods.Form("2026-Q3", D(2026, 9, 30), None, None, "乙"),  # one of two: partial
        periods.Form("2026-Q4", D(2026, 12, 31), None, None, "甲"),  # still running: open
    ]
    got = periods.periods("per_round", forms, today=today)
    assert [(p.key, p.state) for p in got] == [
        ("2026-Q1", "reported"), ("2026-Q2", "missed"), ("2026-Q3", "partial"), ("2026-Q4", "open"),
    ]
    assert got[2].missing_units == ["乙"] and (got[2].submitted, got[2].forms) == (1, 2)
    # yearly: the four rounds are one period, still open in December
    (year,) = periods.periods("yearly", forms, today=today)
    assert (year.key, year.state, year.forms, year.submitted) == ("2026", "open", 5, 2)


def test_a_recurring_measure_is_late_when_its_last_finished_period_was_missed_and_never_done():
    today = D(2026, 12, 4)
    missed = periods.periods("per_round", [periods.Form("2026-Q3", D(2026, 9, 30))], today=today)
    result = periods.recurring_status(missed, today=today)
    assert result.status == Status.LATE and "2026-Q3" in result.reasons[0].message
    reported = periods.periods(
        "per_round", [periods.Form("2026-Q3", D(2026, 9, 30), submitted_on=D(2026, 9, 2))], today=today
    )
    assert periods.recurring_status(reported, today=today).status == Status.ON_SCHEDULE
    # the open period due within 14 days and not reported: at risk
    soon = periods.periods("per_round", [periods.Form("2026-Q4", D(2026, 12, 10))], today=today)
    assert periods.recurring_status(soon, today=today).status == Status.AT_RISK


# ---------------------------------------------------------------- with the database


@pytest.fixture
def recurring(sup_plan):
    m = sup_plan.measures.get(code="A2-01")
    m.type, m.frequency = "recurring", "per_round"
    m.save()
    return m


def _round(dept, period, due):
    services.round_open(actor=dept, period=period, due_on=timezone.localdate() + timedelta(days=30))
    ProgressRound.objects.filter(period=period).update(due_on=due)
    return ProgressRound.objects.get(period=period)


def _submit(user, rnd, measure, **data):
    rep = ProgressReport.objects.get(round=rnd, measure=measure, unit=user.unit)
    body = {"status": "in_progress", "progress": 50, "done": "本期发布场景清单一批"} | data
    return services.report_submit(actor=user, report=rep, data=body)


def test_a_recurring_measure_is_judged_per_round_and_its_page_shows_each_period(
    client, dept, unit_a_user, recurring
):
    today = timezone.localdate()
    past = _round(dept, "2025-Q3", today - timedelta(days=60))
    _submit(unit_a_user, past, recurring, status="completed", progress=100)
    rep = ProgressReport.objects.get(round=past, measure=recurring)
    services.report_review(actor=dept, report=rep, accept=True)
    # a completed and accepted report does not finish a recurring measure
    row = next(r for r in queries.measure_rows(dept) if r.measure.pk == recurring.pk)
    assert row.status == Status.ON_SCHEDULE
    # the next round passes without a report: that period is missed, the measure is late
    _round(dept, "2025-Q4", today - timedelta(days=2))
    row = next(r for r in queries.measure_rows(dept) if r.measure.pk == recurring.pk)
    assert row.status == Status.LATE and "2025-Q4" in row.result.reasons[0].message
    # the current round is open
    _round(dept, "2026-Q1", today + timedelta(days=40))
    client.force_login(unit_a_user)
    page = client.get(f"/supervision/measures/{recurring.code}/").content.decode()
    assert 'data-period="2025-Q3" data-state="reported"' in page
    assert 'data-period="2025-Q4" data-state="missed"' in page
    assert 'data-period="2026-Q1" data-state="open"' in page
    assert "常态化工作" in page and "每轮调度" in page
    client.cookies["django_language"] = "en"
    en = client.get(f"/supervision/measures/{recurring.code}/").content.decode()
    assert "Reported" in en and "Missed" in en and "漏报" not in en.split('id="periods"')[1][:3000]


def test_the_round_page_shows_whether_a_recurring_measure_was_reported_for_its_period(
    client, dept, unit_a_user, recurring
):
    rnd = _round(dept, "2025-Q4", timezone.localdate() - timedelta(days=2))
    client.force_login(dept)
    page = client.get(f"/supervision/rounds/{rnd.period}/").content.decode()
    section = page.split('id="recurring"')[1]
    assert recurring.code in section and 'data-state="missed"' in section.split("</table>")[0]
    _submit(unit_a_user, rnd, recurring)
    page = client.get(f"/supervision/rounds/{rnd.period}/").content.decode()
    assert 'data-state="reported"' in page.split('id="recurring"')[1].split("</table>")[0]


def test_a_recurring_measure_is_not_urged_for_its_overall_deadline(dept, unit_a_user, recurring):
    recurring.due_on = timezone.localdate() - timedelta(days=30)
    recurring.save()
    obligations, _ = services.collect_obligations(today=timezone.localdate())
    assert f"measure:{recurring.pk}" not in {o.ref for o in obligations}
    other = recurring.plan.measures.get(code="A1-01")
    assert f"measure:{other.pk}" in {o.ref for o in obligations}


def test_a_register_measure_shows_its_count_in_the_overview(client, dept, sup_plan):
    from steppe.core.registry import MeasureRecords, measure_records

    m = sup_plan.measures.get(code="A1-01")
    m.type = "register"
    m.save()

    def provider(codes):
        return {"A1-01": [MeasureRecords("platforms", "创新平台", 3, ((3, "重点实验室", 2024),))]} if "A1-01" in codes else {}

    with measure_records.override(test=provider):
        client.force_login(dept)
        page = client.get("/supervision/overview/").content.decode()
        assert "3 条登记" in page
        detail = client.get("/supervision/measures/A1-01/").content.decode()
        assert "3 个重点实验室" in detail and "3 条登记" in detail


def test_the_alignment_pairs_measures_with_the_targets_they_name(dept, unit_a_user, sup_plan, monkeypatch):
    a101 = sup_plan.measures.get(code="A1-01")
    a102 = sup_plan.measures.get(code="A1-02")
    t1 = sup_plan.targets.get(code="T1")
    a102.targets.add(t1)  # A1-02 names T1; A1-01 shares T1's indicator but names no target
    for m in (a101, a102):
        services.milestone_create(
            actor=dept, measure=m, deliverable="方案", planned_on=timezone.localdate() - timedelta(days=1)
        )
    monkeypatch.setattr(queries, "_attainment_by_target", lambda plan: {"T1": "on_track"})
    data = queries.alignment(dept)
    assert [(r.measure.code, [t.code for t in tags]) for r, tags in data["late_on_course"]] == [("A1-02", ["T1"])]
    assert data["measures_with_targets"] == 1

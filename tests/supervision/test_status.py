from datetime import date

import pytest

from steppe.supervision.status import (
    MilestoneState,
    ReportState,
    ReportStatus,
    Status,
    StatusRule,
    expected_progress,
    measure_status,
    worst,
)

START = date(2026, 1, 1)
DUE = date(2026, 12, 31)


def codes(result):
    return [r.code for r in result.reasons]


def test_expected_progress_is_linear_and_clamped():
    assert expected_progress(start_on=START, due_on=date(2026, 1, 11), today=date(2026, 1, 6)) == 50
    assert expected_progress(start_on=START, due_on=DUE, today=date(2025, 6, 1)) == 0
    assert expected_progress(start_on=START, due_on=DUE, today=date(2027, 6, 1)) == 100
    assert expected_progress(start_on=None, due_on=DUE, today=START) is None
    assert expected_progress(start_on=DUE, due_on=START, today=START) is None


def test_it_is_on_schedule_when_progress_keeps_up():
    r = measure_status(
        today=date(2026, 7, 1),
        start_on=START,
        due_on=DUE,
        reports=[ReportState(ReportStatus.IN_PROGRESS, 45, date(2026, 6, 30))],
    )
    assert r.status == Status.ON_SCHEDULE
    assert r.reasons == ()
    assert r.expected_progress == 50 and r.reported_progress == 45


def test_it_is_late_when_a_milestone_passed_undone():
    r = measure_status(
        today=date(2026, 7, 1),
        start_on=START,
        due_on=DUE,
        milestones=[MilestoneState(date(2026, 6, 30), None, "方案印发")],
        reports=[ReportState(ReportStatus.IN_PROGRESS, 90, date(2026, 6, 30))],
    )
    assert r.status == Status.LATE
    assert codes(r) == ["milestone_overdue"]
    assert "方案印发" in r.reasons[0].message


def test_a_milestone_done_on_time_is_not_late_but_one_done_after_today_is():
    m = MilestoneState(date(2026, 6, 30), date(2026, 6, 29))
    ok = measure_status(today=date(2026, 7, 1), due_on=DUE, milestones=[m])
    assert ok.status == Status.ON_SCHEDULE
    later = MilestoneState(date(2026, 6, 30), date(2026, 7, 10))
    assert measure_status(today=date(2026, 7, 1), due_on=DUE, milestones=[later]).status == Status.LATE


def test_it_is_late_when_the_due_date_passed_without_done():
    r = measure_status(
        today=date(2027, 1, 1),
        due_on=DUE,
        reports=[ReportState(ReportStatus.COMPLETED, 100, date(2026, 12, 30), accepted=False)],
    )
    assert r.status == Status.LATE
    assert codes(r) == ["measure_overdue"]


def test_it_is_done_only_when_reported_completed_and_accepted():
    reports = [ReportState(ReportStatus.COMPLETED, 100, date(2026, 12, 1), accepted=True)]
    r = measure_status(today=date(2027, 3, 1), due_on=DUE, reports=reports)
    assert r.status == Status.DONE
    # the same report, if it is written after the day we look at, does not count yet
    before = measure_status(today=date(2026, 11, 30), start_on=START, due_on=DUE, reports=reports)
    assert before.status == Status.AT_RISK
    assert before.reported_progress is None


def test_behind_the_linear_schedule_by_more_than_the_threshold_is_at_risk():
    today = date(2026, 7, 2)  # expected 50 %
    behind = measure_status(
        today=today, start_on=START, due_on=DUE, reports=[ReportState("in_progress", 29, date(2026, 7, 1))]
    )
    assert behind.status == Status.AT_RISK
    assert codes(behind) == ["behind_schedule"]
    at_threshold = measure_status(
        today=today, start_on=START, due_on=DUE, reports=[ReportState("in_progress", 30, date(2026, 7, 1))]
    )
    assert at_threshold.status == Status.ON_SCHEDULE
    lenient = measure_status(
        today=today,
        start_on=START,
        due_on=DUE,
        reports=[ReportState("in_progress", 29, date(2026, 7, 1))],
        rule=StatusRule(behind_points=40),
    )
    assert lenient.status == Status.ON_SCHEDULE


def test_problems_with_a_milestone_due_soon_is_at_risk():
    ms = [MilestoneState(date(2026, 3, 10))]
    rep = [ReportState(ReportStatus.PROBLEMS, 10, date(2026, 3, 1))]
    r = measure_status(today=date(2026, 3, 1), start_on=START, due_on=DUE, milestones=ms, reports=rep)
    assert r.status == Status.AT_RISK
    assert codes(r) == ["problems_near_due"]
    far = measure_status(today=date(2026, 2, 1), start_on=START, due_on=DUE, milestones=ms, reports=rep)
    assert far.status == Status.ON_SCHEDULE


def test_no_due_date_and_no_milestones_is_on_schedule():
    assert measure_status(today=date(2026, 1, 1), due_on=None).status == Status.ON_SCHEDULE


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([Status.DONE, Status.ON_SCHEDULE], Status.ON_SCHEDULE),
        ([Status.DONE, Status.LATE, Status.AT_RISK], Status.LATE),
        ([Status.DONE], Status.DONE),
        ([], None),
    ],
)
def test_a_group_shows_its_worst_member(items, expected):
    assert worst(items) == expected

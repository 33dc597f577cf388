"""定期调度: a round opened, answered by two lead units, one late and escalated; reminders sent once."""

from datetime import UTC, date, datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.models import AuditEntry, Notification
from steppe.supervision import queries, services
from steppe.supervision.models import ProgressReport, ProgressRound

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 4):
    """Freeze the clock at a day (04:00 UTC = noon in Asia/Shanghai)."""
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    )


def remind(today: str) -> str:
    out = StringIO()
    call_command("supervise", "remind", "--today", today, stdout=out)
    return out.getvalue()


def report_of(user, code):
    return ProgressReport.objects.get(unit=user.unit, measure__code=code)


GOOD = {"status": "in_progress", "progress": 40, "done": "完成选址", "problems": "", "next_steps": "开工建设"}


def test_a_round_answered_by_two_units_one_late_and_escalated(
    dept, unit_a_user, unit_b_user, django_capture_on_commit_callbacks
):
    with at(date(2026, 12, 20)):
        out = StringIO()
        call_command("supervise", "round", "open", "--period", "2026-Q4", "--due", "2026-12-31", stdout=out)
    assert "3 report forms for 2 lead units" in out.getvalue()
    rnd = ProgressRound.objects.get(period="2026-Q4")
    assert rnd.reports.count() == 3

    # unit A answers both its measures on time
    with at(date(2026, 12, 22)):
        for code in ("A1-01", "A2-01"):
            services.report_submit(actor=unit_a_user, report=report_of(unit_a_user, code), data=GOOD)

    # three days before the due date unit B is reminded, once
    with django_capture_on_commit_callbacks(execute=True):
        assert remind("2026-12-28").startswith("sent 1 reminders and 0 escalations")
    assert remind("2026-12-28").startswith("sent 0 reminders and 0 escalations")
    assert remind("2026-12-30").startswith("sent 0 reminders and 0 escalations")
    note = Notification.objects.get(kind="reminder")
    assert note.recipient == unit_b_user and "A1-02" in note.body and "1 项" in note.title
    assert [m.to for m in mail.outbox] == [["b@example.org"]]

    # past the due date: 催办 to unit B, once
    assert remind("2027-01-02").startswith("sent 0 reminders and 1 escalations (1 催办, 0 通报)")
    assert remind("2027-01-02").startswith("sent 0 reminders and 0 escalations")
    # past the grace period: 通报 to the department and unit B, once
    assert remind("2027-01-09").startswith("sent 0 reminders and 2 escalations (0 催办, 2 通报)")
    assert remind("2027-01-09").startswith("sent 0 reminders and 0 escalations")
    assert set(Notification.objects.filter(kind="notice").values_list("recipient__username", flat=True)) == {
        "sup-dept",
        "unit-b",
    }
    assert queries.late_unit_list(today=date(2027, 1, 9)) == [("单位乙", 1)]
    # unit A was never reminded
    assert not Notification.objects.filter(
        recipient=unit_a_user, kind__in=["reminder", "urge", "notice"]
    ).exists()

    # unit B answers late
    with at(date(2027, 1, 10)):
        services.report_submit(
            actor=unit_b_user,
            report=report_of(unit_b_user, "A1-02"),
            data={**GOOD, "status": "problems", "problems": "用地审批滞后"},
        )
    assert remind("2027-01-20").startswith("sent 0 reminders and 0 escalations")
    assert queries.late_unit_list(today=date(2027, 1, 20)) == []

    c = queries.round_completeness(rnd, today=date(2027, 1, 20))
    units = {u.key: u for u in c["units"]}
    assert (units["单位甲"].submitted, units["单位甲"].on_time, units["单位甲"].late) == (2, 2, 0)
    assert (units["单位乙"].submitted, units["单位乙"].on_time, units["单位乙"].late) == (1, 0, 1)
    assert c["total"].completeness == 100.0 and c["total"].timeliness == pytest.approx(66.7)
    actions = {a.key: a for a in c["actions"]}
    assert actions["A1"].late == 1 and actions["A2"].on_time == 1


def test_a_return_and_resubmission_keep_history(dept, unit_a_user):
    with at(date(2026, 12, 1)):
        services.round_open(actor=dept, period="2026-12", due_on=date(2026, 12, 31))
        report = report_of(unit_a_user, "A1-01")
        services.report_submit(actor=unit_a_user, report=report, data=GOOD)
        with pytest.raises(DomainError) as exc:
            services.report_review(actor=dept, report=report, accept=False, comment="")
        assert exc.value.code == services.ERR_RETURN_NEEDS_COMMENT
        services.report_review(actor=dept, report=report, accept=False, comment="请补充佐证材料")
        report.refresh_from_db()
        assert report.state == "returned" and report.editable
        services.report_submit(
            actor=unit_a_user, report=report, data={**GOOD, "progress": 45, "done": "完成选址并立项"}
        )
        services.report_review(actor=dept, report=report, accept=True)
    report.refresh_from_db()
    assert report.state == "accepted" and report.version == 2
    versions = list(report.versions.values_list("number", "progress", "outcome", "review_comment"))
    assert versions == [(1, 40, "returned", "请补充佐证材料"), (2, 45, "accepted", "")]
    actions = list(
        AuditEntry.objects.filter(object_type="supervision.progressreport").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(["report.submit", "report.return", "report.submit", "report.accept"])
    assert Notification.objects.filter(recipient=unit_a_user, kind="review").count() == 2


def test_the_next_round_is_prefilled_from_the_last_report(dept, unit_a_user):
    with at(date(2026, 10, 1)):
        services.round_open(actor=dept, period="2026-Q3", due_on=date(2026, 10, 15))
        services.report_submit(actor=unit_a_user, report=report_of(unit_a_user, "A1-01"), data=GOOD)
    with at(date(2027, 1, 1)):
        services.round_open(actor=dept, period="2026-Q4", due_on=date(2027, 1, 15))
    new = ProgressReport.objects.get(round__period="2026-Q4", measure__code="A1-01")
    assert (new.state, new.status, new.progress, new.done, new.next_steps) == (
        "draft",
        "in_progress",
        40,
        "完成选址",
        "开工建设",
    )


def test_opening_a_round_twice_or_with_a_bad_period_changes_nothing(dept, sup_plan):
    services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    with pytest.raises(DomainError) as exc:
        services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    assert exc.value.code == services.ERR_ROUND_EXISTS
    with pytest.raises(ValidationFailed, match="period"):
        services.round_open(actor=dept, period="2026-Q5", due_on="2026-12-31")
    with pytest.raises(ValidationFailed, match="due"):
        services.round_open(actor=dept, period="2027-Q1", due_on="2027-02-30")
    assert ProgressRound.objects.count() == 1 and ProgressReport.objects.count() == 3


def test_only_the_department_opens_rounds(unit_a_user):
    with pytest.raises(DomainError) as exc:
        services.round_open(actor=unit_a_user, period="2026-Q4", due_on="2026-12-31")
    assert exc.value.status == 403
    assert not ProgressRound.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**GOOD, "status": "finished"}, "status"),
        ({**GOOD, "progress": 120}, "progress"),
        ({**GOOD, "progress": "abc"}, "progress"),
        ({**GOOD, "status": "completed", "progress": 80}, "progress"),
        ({**GOOD, "status": "problems", "problems": ""}, "problems"),
    ],
)
def test_a_bad_report_names_the_field_and_changes_nothing(dept, unit_a_user, data, field):
    services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    report = report_of(unit_a_user, "A1-01")
    with pytest.raises(ValidationFailed) as exc:
        services.report_submit(actor=unit_a_user, report=report, data=data)
    assert field in [e["field"] for e in exc.value.data["errors"]]
    report.refresh_from_db()
    assert report.state == "draft" and report.version == 0 and not report.versions.exists()


def test_the_remind_command_refuses_a_bad_date(sup_plan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        remind("2026-13-01")


def test_one_recipient_gets_one_message_per_kind_listing_its_items(dept, unit_a_user, unit_b_user):
    from steppe.supervision.models import ReminderClaim

    with at(date(2026, 12, 20)):
        services.round_open(actor=dept, period="2026-Q4", due_on=date(2026, 12, 31))
    assert remind("2027-01-02").startswith(
        "sent 0 reminders and 2 escalations (2 催办, 0 通报)"
    )  # unit A, unit B
    urge = Notification.objects.get(recipient=unit_a_user, kind="urge")
    assert "2 项" in urge.title and "A1-01" in urge.body and "A2-01" in urge.body
    assert ReminderClaim.objects.filter(notification=urge).count() == 2
    notice_out = remind("2027-01-09")
    assert notice_out.startswith("sent 0 reminders and 3 escalations (0 催办, 3 通报)")  # dept digest, A, B
    digest = Notification.objects.get(recipient=dept, kind="notice")
    assert "单位甲" in digest.title and "单位乙" in digest.title and "3 项" in digest.title

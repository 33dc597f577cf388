from datetime import date

import pytest

from steppe.supervision.reminders import (
    Obligation,
    ReminderKind,
    ReminderPolicy,
    late_units,
    reminders_due,
)

DUE = date(2026, 12, 31)


def kinds(obligation, today, **kw):
    return [d.kind for d in reminders_due([obligation], today=today, **kw)]


def test_a_reminder_is_due_three_days_before_and_on_the_day():
    o = Obligation("report:1", "unit-a", DUE)
    assert kinds(o, date(2026, 12, 27)) == []
    assert kinds(o, date(2026, 12, 28)) == [ReminderKind.REMINDER]
    assert kinds(o, DUE) == [ReminderKind.REMINDER]


def test_the_reminder_window_follows_the_policy():
    o = Obligation("report:1", "unit-a", DUE)
    assert kinds(o, date(2026, 12, 21), policy=ReminderPolicy(remind_days_before=10)) == [
        ReminderKind.REMINDER
    ]


def test_past_due_is_urged_then_noticed_after_the_grace_period():
    o = Obligation("report:1", "unit-a", DUE)
    assert kinds(o, date(2027, 1, 1)) == [ReminderKind.URGE]
    assert kinds(o, date(2027, 1, 7)) == [ReminderKind.URGE]  # 7 days late: still in grace
    assert kinds(o, date(2027, 1, 8)) == [ReminderKind.URGE, ReminderKind.NOTICE]


def test_a_fulfilled_obligation_gets_nothing_unless_fulfilled_after_today():
    done = Obligation("report:1", "unit-a", DUE, done_on=date(2026, 12, 29))
    assert kinds(done, date(2027, 2, 1)) == []
    assert kinds(done, date(2026, 12, 29)) == []
    assert kinds(done, date(2026, 12, 28)) == [ReminderKind.REMINDER]


def test_keys_name_kind_object_owner_and_due_date_so_reruns_claim_the_same_key():
    o = Obligation("milestone:4", "unit-b", DUE)
    first = reminders_due([o], today=date(2026, 12, 28))
    second = reminders_due([o], today=date(2026, 12, 30))
    assert first[0].key == second[0].key == "reminder|milestone:4|unit-b|2026-12-31"
    moved = Obligation("milestone:4", "unit-b", date(2027, 1, 2))
    assert reminders_due([moved], today=date(2026, 12, 30))[0].key != first[0].key


def test_late_units_lists_owners_past_the_grace_period_oldest_first():
    obligations = [
        Obligation("report:1", "unit-a", date(2026, 12, 31)),
        Obligation("report:2", "unit-a", date(2026, 12, 1)),
        Obligation("report:3", "unit-b", date(2027, 1, 5)),  # within grace on 2027-01-10
        Obligation("report:4", "unit-c", date(2026, 12, 1), done_on=date(2026, 12, 2)),
    ]
    late = late_units(obligations, today=date(2027, 1, 10))
    assert list(late) == ["unit-a"]
    assert [o.ref for o in late["unit-a"]] == ["report:2", "report:1"]


def test_a_negative_policy_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="grace_days"):
        ReminderPolicy(grace_days=-1)

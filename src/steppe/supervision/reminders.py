"""Which reminders and escalations are due on a date.

Pure module: it takes plain obligations (a report or a milestone some unit owes by a date) and
returns what should be sent. The database layer (``services.reminders_send``) expands owners to
users, claims each message with :attr:`Due.key` plus the recipient, and sends it, so a rerun on
the same day or a later day sends nothing twice.

The rule (docs/supervision.md):

* **reminder** (提醒) - the obligation is open and its due date is ``today`` or within
  ``policy.remind_days_before`` days (3 by default).
* **urge** (催办) - the obligation is open and its due date has passed.
* **notice** (通报) - the obligation is still open ``policy.grace_days`` days (7 by default) after
  its due date: the owner goes on the 通报 list of late units sent to the department.

An obligation fulfilled on or before ``today`` is not open. One fulfilled after ``today`` is open
on ``today``, so ``--today`` can replay the past. If the command did not run in the reminder
window, no late reminder is sent: the urge replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ReminderKind(StrEnum):
    REMINDER = "reminder"
    URGE = "urge"  # 催办
    NOTICE = "notice"  # 通报


REMINDER_LABELS = {
    ReminderKind.REMINDER: "到期提醒",
    ReminderKind.URGE: "催办",
    ReminderKind.NOTICE: "通报",
}
REMINDER_LABELS_EN = {
    ReminderKind.REMINDER: "Due reminder",
    ReminderKind.URGE: "Overdue reminder",
    ReminderKind.NOTICE: "Overdue notice",
}


@dataclass(frozen=True)
class Obligation:
    """Something ``owner`` must deliver by ``due_on``.

    ``ref`` is a stable identifier of the thing owed (e.g. ``"report:17"``, ``"milestone:4"``);
    ``owner`` an opaque key of the unit that owes it.
    """

    ref: str
    owner: str
    due_on: date
    done_on: date | None = None
    label: str = ""

    def open_on(self, today: date) -> bool:
        return self.done_on is None or self.done_on > today


@dataclass(frozen=True)
class ReminderPolicy:
    remind_days_before: int = 3
    grace_days: int = 7

    def __post_init__(self) -> None:
        if self.remind_days_before < 0:
            raise ValueError("remind_days_before: must be 0 or more")
        if self.grace_days < 0:
            raise ValueError("grace_days: must be 0 or more")


DEFAULT_POLICY = ReminderPolicy()


@dataclass(frozen=True)
class Due:
    kind: ReminderKind
    obligation: Obligation

    @property
    def key(self) -> str:
        """Claim key without the recipient: kind, object, owner and due date."""
        o = self.obligation
        return f"{self.kind}|{o.ref}|{o.owner}|{o.due_on.isoformat()}"


def reminders_due(
    obligations: Iterable[Obligation], *, today: date, policy: ReminderPolicy = DEFAULT_POLICY
) -> list[Due]:
    """Every reminder, urge and notice that applies on ``today`` (idempotency is the caller's)."""
    out: list[Due] = []
    for o in obligations:
        if not o.open_on(today):
            continue
        days_left = (o.due_on - today).days
        if 0 <= days_left <= policy.remind_days_before:
            out.append(Due(ReminderKind.REMINDER, o))
        elif days_left < 0:
            out.append(Due(ReminderKind.URGE, o))
            if -days_left > policy.grace_days:
                out.append(Due(ReminderKind.NOTICE, o))
    order = {ReminderKind.REMINDER: 0, ReminderKind.URGE: 1, ReminderKind.NOTICE: 2}
    out.sort(key=lambda d: (order[d.kind], d.obligation.due_on, d.obligation.owner, d.obligation.ref))
    return out


def late_units(
    obligations: Iterable[Obligation], *, today: date, policy: ReminderPolicy = DEFAULT_POLICY
) -> dict[str, list[Obligation]]:
    """The 通报 list: owner -> its obligations still open past the grace period, oldest first."""
    cutoff = today - timedelta(days=policy.grace_days)
    late: dict[str, list[Obligation]] = {}
    for o in obligations:
        if o.open_on(today) and o.due_on < cutoff:
            late.setdefault(o.owner, []).append(o)
    for items in late.values():
        items.sort(key=lambda o: (o.due_on, o.ref))
    return dict(sorted(late.items()))

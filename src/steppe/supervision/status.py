"""A measure's status on a given date, from its milestones and its latest report.

Pure module: plain data in, plain data out, no Django. The pages, the API, the reminder
command and the tests all call :func:`measure_status`.

The rule (documented in docs/supervision.md, and each result carries its reasons):

1. **done** - the latest report says ``completed`` and the department has accepted it.
2. **late** - otherwise, if any milestone's planned date is before ``today`` and it has no done
   date (or was done only after ``today``), or the measure's due date is before ``today``.
3. **at_risk** - otherwise, if
   a. the reported % done is behind the linear schedule from ``start_on`` to ``due_on`` by more
      than ``behind_points`` points (no report counts as 0 %), or
   b. the latest report says ``problems`` and an open milestone (or the measure itself) is due
      within ``soon_days`` days, or
   c. the latest report says ``completed`` but the department has not accepted it and the due
      date is within ``soon_days`` days (it may still be returned).
4. **on_schedule** - everything else.

A report counts as of its ``reported_on`` date: a report written after ``today`` is ignored, so
the status can be recomputed for any past date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    ON_SCHEDULE = "on_schedule"
    AT_RISK = "at_risk"
    LATE = "late"
    DONE = "done"


#: Simplified Chinese labels and traffic-light colours, shared by pages and reports.
STATUS_LABELS = {
    Status.ON_SCHEDULE: "按计划推进",
    Status.AT_RISK: "存在风险",
    Status.LATE: "滞后",
    Status.DONE: "已完成",
}
STATUS_LIGHTS = {
    Status.ON_SCHEDULE: "green",
    Status.AT_RISK: "amber",
    Status.LATE: "red",
    Status.DONE: "blue",
}
#: Sort order: late items first.
STATUS_ORDER = {Status.LATE: 0, Status.AT_RISK: 1, Status.ON_SCHEDULE: 2, Status.DONE: 3}


class ReportStatus(StrEnum):
    """What the lead unit says in a progress report."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PROBLEMS = "problems"
    COMPLETED = "completed"


REPORT_STATUS_LABELS = {
    ReportStatus.NOT_STARTED: "尚未启动",
    ReportStatus.IN_PROGRESS: "正常推进",
    ReportStatus.PROBLEMS: "遇到困难",
    ReportStatus.COMPLETED: "已完成",
}


@dataclass(frozen=True)
class MilestoneState:
    planned_on: date
    done_on: date | None = None
    label: str = ""

    def open_on(self, today: date) -> bool:
        return self.done_on is None or self.done_on > today


@dataclass(frozen=True)
class ReportState:
    status: ReportStatus | str
    progress: int  # % done, 0..100
    reported_on: date
    accepted: bool = False


@dataclass(frozen=True)
class StatusRule:
    behind_points: int = 20
    soon_days: int = 14


DEFAULT_RULE = StatusRule()


@dataclass(frozen=True)
class Reason:
    """Why a measure has its status: `message` in Chinese, `en` in English (pages show the one of the
    page's language, the API and the command line both). Two fields, not one "中文 English" string:
    a milestone's name is the unit's own (Chinese) text and would sit inside the English part."""

    code: str
    message: str
    en: str = ""

    @property
    def both(self) -> str:
        return f"{self.message} {self.en}" if self.en else self.message


@dataclass(frozen=True)
class StatusResult:
    status: Status
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    expected_progress: int | None = None
    reported_progress: int | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def light(self) -> str:
        return STATUS_LIGHTS[self.status]


def expected_progress(*, start_on: date | None, due_on: date | None, today: date) -> int | None:
    """Linear schedule: % of the time from start to due that has elapsed on ``today`` (0..100)."""
    if start_on is None or due_on is None or due_on <= start_on:
        return None
    elapsed = (today - start_on).days
    total = (due_on - start_on).days
    return max(0, min(100, round(100 * elapsed / total)))


def latest_report(reports: Iterable[ReportState], today: date) -> ReportState | None:
    known = [r for r in reports if r.reported_on <= today]
    return max(known, key=lambda r: r.reported_on) if known else None


def measure_status(
    *,
    today: date,
    due_on: date | None,
    start_on: date | None = None,
    milestones: Sequence[MilestoneState] = (),
    reports: Iterable[ReportState] = (),
    rule: StatusRule = DEFAULT_RULE,
) -> StatusResult:
    """Apply the rule in the module docstring."""
    report = latest_report(reports, today)
    reported = report.progress if report else None
    expected = expected_progress(start_on=start_on, due_on=due_on, today=today)

    def result(status: Status, reasons: list[Reason]) -> StatusResult:
        return StatusResult(status, tuple(reasons), expected, reported)

    if report and report.status == ReportStatus.COMPLETED and report.accepted:
        return result(Status.DONE, [Reason("reported_done", "最近一次报告为已完成并已被审核通过",
                                           "The latest report says completed and was accepted")])

    late: list[Reason] = []
    for m in milestones:
        if m.open_on(today) and m.planned_on < today:
            name = f"“{m.label}”" if m.label else ""
            late.append(
                Reason("milestone_overdue", f"里程碑{name}计划于 {m.planned_on.isoformat()} 完成，尚未完成",
                       f"Milestone {name} was due on {m.planned_on.isoformat()} and is not done".replace("  ", " "))
            )
    if due_on is not None and due_on < today:
        late.append(Reason("measure_overdue", f"举措完成时限 {due_on.isoformat()} 已过，尚未完成",
                           f"The measure was due on {due_on.isoformat()} and is not done"))
    if late:
        return result(Status.LATE, late)

    risks: list[Reason] = []
    if expected is not None and (reported or 0) < expected - rule.behind_points:
        risks.append(
            Reason(
                "behind_schedule",
                f"完成进度 {reported or 0}% 落后于按时间线性推算的 {expected}% 超过 {rule.behind_points} 个百分点",
                f"Progress {reported or 0}% is more than {rule.behind_points} points behind the {expected}% "
                "the timeline expects",
            )
        )
    upcoming = [m.planned_on for m in milestones if m.open_on(today)]
    if due_on is not None:
        upcoming.append(due_on)
    soon = [d for d in upcoming if 0 <= (d - today).days <= rule.soon_days]
    if report and report.status == ReportStatus.PROBLEMS and soon:
        risks.append(
            Reason("problems_near_due", f"最近一次报告反映存在困难，且 {min(soon).isoformat()} 即将到期",
                   f"The latest report names problems and {min(soon).isoformat()} is near")
        )
    if (
        report
        and report.status == ReportStatus.COMPLETED
        and not report.accepted
        and due_on is not None
        and 0 <= (due_on - today).days <= rule.soon_days
    ):
        risks.append(Reason("completion_unaccepted", "报告已完成但尚未审核通过，完成时限临近",
                            "Reported completed but not yet accepted, and the deadline is near"))
    if risks:
        return result(Status.AT_RISK, risks)
    return result(Status.ON_SCHEDULE, [])


def worst(statuses: Iterable[Status]) -> Status | None:
    """The traffic light of a group (an action or a unit): its worst member; None if empty."""
    items = list(statuses)
    if not items:
        return None
    return min(items, key=lambda s: STATUS_ORDER[s])

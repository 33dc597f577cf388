"""Recurring measures (format 2 ``type: recurring``): done per period, never once and for all.

Pure module: plain data in, plain data out, no Django. A recurring measure's ``frequency`` maps each
progress round to a period of the measure (``per_round``: the round itself; ``quarterly``: the
round's quarter; ``half_yearly``: its half year; ``yearly``: its year; ``monthly``: the round's
month, or the round's quarter for a quarterly round). A period holds the report forms of the rounds
that fall in it; its state:

* **reported** (已报告): every form of the period was submitted (or accepted);
* **partial** (部分报告): some were, some were not, and the period is over;
* **missed** (漏报): none was submitted and the period is over (its last round closed, or its
  latest due date passed);
* **open** (本期待报): the period is still running and not every form is in.

The measure's status (docs/supervision.md) reads the periods: **late** when the latest period that
is over was missed; **at risk** when it was only partly reported, or the open period's due date
falls within ``soon_days`` and its forms are not all in; **on schedule** otherwise. It is never
**done**: the work starts again in the next period. Periods exist where rounds were held; a time
without rounds has no period to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .status import Reason, Status, StatusResult

PERIOD_RE = re.compile(r"^(?P<year>20\d\d)-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2]))$")

FREQUENCIES = ("per_round", "monthly", "quarterly", "half_yearly", "yearly")


class PeriodState(StrEnum):
    REPORTED = "reported"
    PARTIAL = "partial"
    MISSED = "missed"
    OPEN = "open"


PERIOD_STATE_LABELS = {
    PeriodState.REPORTED: "已报告",
    PeriodState.PARTIAL: "部分报告",
    PeriodState.MISSED: "漏报",
    PeriodState.OPEN: "本期待报",
}


def period_key(frequency: str, round_period: str) -> str:
    """The measure's period a round falls in: ``2026-Q4`` (per round, quarterly), ``2026-11`` (monthly),
    ``2026-H2`` (half-yearly), ``2026`` (yearly). An unknown frequency counts per round."""
    m = PERIOD_RE.match(round_period or "")
    if m is None:
        raise ValueError(f"period: “{round_period}” is not a round period (2026-Q4 or 2026-11)")
    year, quarter, month = m["year"], m["quarter"], m["month"]
    if quarter is None:
        quarter = str((int(month) - 1) // 3 + 1)
    if frequency == "yearly":
        return year
    if frequency == "half_yearly":
        return f"{year}-H{1 if int(quarter) <= 2 else 2}"
    if frequency == "quarterly":
        return f"{year}-Q{quarter}"
    return round_period  # per_round, and monthly (a quarterly round asks for its quarter)


@dataclass(frozen=True)
class Form:
    """One report form of a recurring measure in one round (plain data for :func:`periods`)."""

    round_period: str
    due_on: date
    round_closed_on: date | None = None
    submitted_on: date | None = None  # first submission
    unit: str = ""


@dataclass
class Period:
    key: str
    due_on: date  # the latest due date of its rounds
    rounds: list[str] = field(default_factory=list)
    forms: int = 0
    submitted: int = 0
    on_time: int = 0
    state: PeriodState = PeriodState.OPEN
    missing_units: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return PERIOD_STATE_LABELS[self.state]


def periods(frequency: str, forms: Iterable[Form], *, today: date) -> list[Period]:
    """The measure's periods, oldest first, each with its state on ``today``."""
    by_key: dict[str, Period] = {}
    over: dict[str, bool] = {}
    for f in forms:
        key = period_key(frequency, f.round_period)
        p = by_key.get(key)
        if p is None:
            p = by_key[key] = Period(key, f.due_on)
            over[key] = True
        p.due_on = max(p.due_on, f.due_on)
        if f.round_period not in p.rounds:
            p.rounds.append(f.round_period)
        p.forms += 1
        done = f.submitted_on is not None and f.submitted_on <= today
        if done:
            p.submitted += 1
            p.on_time += f.submitted_on <= f.due_on
        elif f.unit and f.unit not in p.missing_units:
            p.missing_units.append(f.unit)
        # a period is over once every one of its rounds is closed or past its due date
        round_over = (f.round_closed_on is not None and f.round_closed_on <= today) or f.due_on < today
        over[key] = over[key] and round_over
    out = sorted(by_key.values(), key=lambda p: (p.due_on, p.key))
    for p in out:
        if p.forms and p.submitted == p.forms:
            p.state = PeriodState.REPORTED
        elif not over[p.key]:
            p.state = PeriodState.OPEN
        elif p.submitted:
            p.state = PeriodState.PARTIAL
        else:
            p.state = PeriodState.MISSED
    return out


def recurring_status(items: list[Period], *, today: date, soon_days: int = 14) -> StatusResult:
    """The status of a recurring measure from its periods (the rule in the module docstring)."""
    finished = [p for p in items if p.state != PeriodState.OPEN]
    missed = [p for p in finished if p.state == PeriodState.MISSED]
    if finished and finished[-1].state == PeriodState.MISSED:
        reasons = [Reason("period_missed", f"常态化工作：周期 {finished[-1].key} 未报告",
                          f"Recurring work: period {finished[-1].key} was not reported")]
        if len(missed) > 1:
            reasons.append(Reason("periods_missed", f"共 {len(missed)} 个周期未报告", f"{len(missed)} periods not reported"))
        return StatusResult(Status.LATE, tuple(reasons))
    risks = []
    if finished and finished[-1].state == PeriodState.PARTIAL:
        p = finished[-1]
        risks.append(Reason("period_partial", f"常态化工作：周期 {p.key} 仅 {p.submitted}/{p.forms} 份报告提交",
                             f"Recurring work: period {p.key} has only {p.submitted}/{p.forms} reports submitted"))
    for p in items:
        if p.state == PeriodState.OPEN and p.submitted < p.forms and 0 <= (p.due_on - today).days <= soon_days:
            risks.append(Reason("period_due_soon", f"常态化工作：周期 {p.key} 的报告将于 {p.due_on.isoformat()} 到期，尚未提交",
                             f"Recurring work: the report of period {p.key} is due on {p.due_on.isoformat()}, "
                             "not yet submitted"))
    if risks:
        return StatusResult(Status.AT_RISK, tuple(risks))
    if not items:
        return StatusResult(Status.ON_SCHEDULE, (Reason("no_period", "常态化工作：尚无调度周期，按周期报告",
                                                             "Recurring work: no period yet; reported per period"),))
    return StatusResult(Status.ON_SCHEDULE, (Reason("recurring", "常态化工作按周期完成，不会一次性完成",
                                                         "Recurring work is done period by period, never at once"),))

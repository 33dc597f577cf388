"""What each kind of job does, and the periodic schedule; apps fill both in `AppConfig.ready`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class JobKind:
    name: str  # e.g. "stats.import"
    handler: Callable  # handler(ctx, **params) -> dict (the result summary, JSON)
    label: object  # shown on pages (a lazy translation)
    # a template rendering the result summary on the page that started it ({{ job }}, {{ result }})
    result_template: str = ""
    # cleans up after a job of this kind is pruned (e.g. an uploaded file): cleanup(job)
    cleanup: Callable | None = None
    # an unexpected error queues the job again until it has run this many times
    max_attempts: int = 1
    # recorded in the audit trail when the job fails for good (e.g. core.after_commit.failed)
    failure_action: str = ""


@dataclass(frozen=True)
class Periodic:
    """A job started once per period: every `every`, or daily at `at` (local time) when given."""

    name: str
    kind: str
    every: dt.timedelta = dt.timedelta(days=1)
    at: dt.time | None = None
    params: dict = field(default_factory=dict)

    def period(self, now: dt.datetime) -> str | None:
        """The key of the period `now` falls in, or None when not yet due today."""
        if self.at is not None:
            local = timezone.localtime(now)
            if local.time() < self.at:
                return None
            return local.date().isoformat()
        seconds = int(self.every.total_seconds())
        return str(int(now.timestamp()) // seconds)


_kinds: dict[str, JobKind] = {}
_periodic: dict[str, Periodic] = {}


def job_kind(name: str, handler: Callable, *, label, result_template: str = "", cleanup=None,
             max_attempts: int = 1, failure_action: str = "") -> JobKind:
    kind = JobKind(name, handler, label, result_template, cleanup, max_attempts, failure_action)
    _kinds[name] = kind
    return kind


def get_kind(name: str) -> JobKind | None:
    return _kinds.get(name)


def kinds() -> dict[str, JobKind]:
    return dict(_kinds)


def periodic(name: str, kind: str, *, every: dt.timedelta = dt.timedelta(days=1), at: dt.time | None = None,
             params: dict | None = None) -> Periodic:
    p = Periodic(name, kind, every, at, params or {})
    _periodic[name] = p
    return p


def daily_at(name: str) -> dt.time:
    """The time of day the daily periodic task `name` starts: settings.STEPPE_PERIODIC_AT, set by the
    environment (STEPPE_REMINDERS_AT, ...; docs/operations.md), checked when the settings load."""
    from django.conf import settings

    return settings.STEPPE_PERIODIC_AT[name]


def periodic_tasks() -> list[Periodic]:
    return list(_periodic.values())

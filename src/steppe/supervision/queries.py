"""Reads shared by pages and the API: statuses, the overview, completeness, to-do lists, alignment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from steppe.core.models import AuditEntry
from steppe.core.notifications import unread_count
from steppe.plans.models import Measure, MeasureUnit
from steppe.stats import attainment as att
from steppe.stats import queries as stats_queries
from steppe.stats.i18n import pick

from . import extensions
from . import permissions as perms
from .models import Milestone, ProgressReport, ProgressRound
from .status import (
    STATUS_LABELS,
    STATUS_LIGHTS,
    STATUS_ORDER,
    MilestoneState,
    ReportState,
    Status,
    StatusResult,
    measure_status,
    worst,
)


@dataclass
class MeasureRow:
    measure: Measure
    result: StatusResult
    lead_units: list = field(default_factory=list)

    @property
    def status(self) -> Status:
        return self.result.status


def _with_status_data(qs: QuerySet[Measure]) -> QuerySet[Measure]:
    return qs.select_related("action", "plan").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("planned_on")),
        Prefetch(
            "progress_reports",
            # the status reads these columns only; the texts of years of reports stay in the database
            queryset=ProgressReport.objects.filter(submitted_at__isnull=False)
            .only("id", "measure", "status", "progress", "submitted_at", "state")
            .order_by("submitted_at"),
        ),
        Prefetch("unit_links", queryset=MeasureUnit.objects.select_related("unit")),
    )


def status_of(measure: Measure, today: date) -> StatusResult:
    """Status of one measure (uses prefetched milestones and reports when present)."""
    milestones = [MilestoneState(m.planned_on, m.done_on, m.deliverable) for m in measure.milestones.all()]
    reports = [
        ReportState(
            r.status,
            r.progress,
            timezone.localdate(r.submitted_at),
            accepted=r.state == ProgressReport.State.ACCEPTED,
        )
        for r in measure.progress_reports.all()
        if r.submitted_at
    ]
    start = date(measure.plan.period_start, 1, 1) if measure.plan.period_start else None
    return measure_status(
        today=today, due_on=measure.due_on, start_on=start, milestones=milestones, reports=reports
    )


def measure_rows(user, *, today: date | None = None) -> list[MeasureRow]:
    """Every measure the user may see with its status, late items first (then by code)."""
    today = today or timezone.localdate()
    rows = []
    for m in _with_status_data(perms.measures_visible_to(user)):
        leads = [link.unit for link in m.unit_links.all() if link.role == MeasureUnit.Role.LEAD]
        rows.append(MeasureRow(m, status_of(m, today), leads))
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], r.measure.plan_id, r.measure.order, r.measure.code))
    return rows


@dataclass
class Group:
    key: str
    label: str
    rows: list[MeasureRow] = field(default_factory=list)

    @property
    def status(self) -> Status | None:
        return worst(r.status for r in self.rows)

    @property
    def light(self) -> str:
        return STATUS_LIGHTS[self.status] if self.status else "grey"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status] if self.status else "无举措"

    @property
    def counts(self) -> dict[str, int]:
        c = {s.value: 0 for s in Status}
        for r in self.rows:
            c[r.status.value] += 1
        return c


def _sorted_groups(groups: dict[str, Group]) -> list[Group]:
    """Worst status first; within it, the group with more measures in that status first."""

    def key(g: Group):
        worst_count = g.counts[g.status.value] if g.status else 0
        return (STATUS_ORDER.get(g.status, 9), -worst_count, g.key)

    return sorted(groups.values(), key=key)


def overview(user, *, today: date | None = None) -> dict:
    """Traffic lights per action and per lead unit, and all measures with late ones first."""
    rows = measure_rows(user, today=today)
    by_action: dict[str, Group] = {}
    by_unit: dict[str, Group] = {}
    for r in rows:
        a = r.measure.action
        by_action.setdefault(a.code, Group(a.code, f"{a.code} {a.title}")).rows.append(r)
        for u in r.lead_units or [None]:
            key = u.name if u else "（未明确牵头单位）"
            by_unit.setdefault(key, Group(key, key)).rows.append(r)
    totals = {s.value: 0 for s in Status}
    for r in rows:
        totals[r.status.value] += 1
    return {
        "rows": rows,
        "actions": _sorted_groups(by_action),
        "units": _sorted_groups(by_unit),
        "totals": totals,
    }


# ---------------------------------------------------------------- rounds


@dataclass
class Completeness:
    key: str
    total: int = 0
    submitted: int = 0
    accepted: int = 0
    returned: int = 0
    on_time: int = 0
    late: int = 0  # submitted after the due date, or still missing after it

    @property
    def completeness(self) -> float:
        return round(100 * self.submitted / self.total, 1) if self.total else 0.0

    @property
    def timeliness(self) -> float:
        return round(100 * self.on_time / self.total, 1) if self.total else 0.0


def round_completeness(rnd: ProgressRound, *, today: date | None = None) -> dict:
    """Completeness (% submitted) and timeliness (% first submitted by the due date), per unit and per action."""
    today = today or timezone.localdate()
    per_unit: dict[str, Completeness] = {}
    per_action: dict[str, Completeness] = {}
    total = Completeness("合计")
    for r in rnd.reports.select_related("unit", "measure__action"):
        first = timezone.localdate(r.first_submitted_at) if r.first_submitted_at else None
        submitted = r.state in (ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED)
        for c in (
            per_unit.setdefault(r.unit.name, Completeness(r.unit.name)),
            per_action.setdefault(r.measure.action.code, Completeness(r.measure.action.code)),
            total,
        ):
            c.total += 1
            c.submitted += submitted
            c.accepted += r.state == ProgressReport.State.ACCEPTED
            c.returned += r.state == ProgressReport.State.RETURNED
            if first and first <= rnd.due_on:
                c.on_time += 1
            elif (first and first > rnd.due_on) or (not first and today > rnd.due_on):
                c.late += 1
    return {
        "units": sorted(per_unit.values(), key=lambda c: (c.completeness, c.key)),
        "actions": sorted(per_action.values(), key=lambda c: c.key),
        "total": total,
    }


# ---------------------------------------------------------------- a lead unit's to-do list


def todo(user, *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    unit_id = perms.user_unit_id(user)
    reports = (
        (
            ProgressReport.objects.filter(
                unit_id=unit_id,
                round__closed_at__isnull=True,
                round__isnull=False,
                state__in=[ProgressReport.State.DRAFT, ProgressReport.State.RETURNED],
            )
            .select_related("round", "measure")
            .order_by("round__due_on", "measure__order")
        )
        if unit_id
        else ProgressReport.objects.none()
    )
    milestones = (
        Milestone.objects.filter(unit_id=unit_id, done_on__isnull=True)
        .select_related("measure")
        .order_by("planned_on")
        if unit_id
        else Milestone.objects.none()
    )
    return {
        "today": today,
        "reports": [(r, (r.round.due_on - today).days) for r in reports],
        "milestones": [(m, (m.planned_on - today).days) for m in milestones],
        # blocks higher apps add (揭榜挂帅: 军令状 to sign, milestones due), each with its template
        "sections": [
            (section.template, ctx)
            for section in extensions.todo_sections
            if (ctx := section.context(user=user, unit_id=unit_id, today=today))
        ],
        "unread": unread_count(user),
    }


# ---------------------------------------------------------------- measures and targets together

# attainment statuses (steppe.stats.attainment) that mean a target is on or off course
ON_COURSE = {att.ACHIEVED, att.ON_TRACK}
OFF_COURSE = {att.ACCELERATION_NEEDED, att.LIMITED_PROGRESS, att.DETERIORATING}


def _attainment_by_indicator(plan) -> dict[str, str]:
    """indicator code -> attainment status code (worst over the plan's targets for it), from the
    monitoring app; indicators without data are left out."""
    return _index_attainment(stats_queries.plan_attainment(plan, with_leagues=False))


_RANK = {att.DETERIORATING: 0, att.LIMITED_PROGRESS: 1, att.ACCELERATION_NEEDED: 2, att.ON_TRACK: 3, att.ACHIEVED: 4}


def _index_attainment(items) -> dict[str, str]:
    """Keep the worst status per indicator code; items are ``TargetAttainment`` (target.indicator,
    result.status). A target without data (or without a result) says nothing about its indicator."""
    out: dict[str, str] = {}
    for it in items:
        code, status = it.target.indicator, it.result.status if it.result is not None else None
        if not code or status not in _RANK:
            continue
        prev = out.get(code)
        if prev is None or _RANK[status] < _RANK[prev]:
            out[code] = status
    return out


@dataclass
class IndicatorTag:
    """An indicator as pages show it: its name from the monitoring app when known, else its code."""

    code: str
    name: str
    status: str | None = None

    @property
    def status_label(self) -> str:
        """The monitoring app's own label of the status, in the page's language."""
        return pick(att.STATUS_LABELS[self.status]) if self.status in att.STATUS_LABELS else ""

    def __str__(self) -> str:
        return self.code


def indicator_names(codes) -> dict[str, str]:
    """code -> name in the page's language, from the monitoring app's indicator register."""
    return stats_queries.indicator_names(codes)


def indicator_tags(codes, statuses: dict[str, str] | None = None) -> list[IndicatorTag]:
    names = indicator_names(codes)
    return [IndicatorTag(c, names.get(c, c), (statuses or {}).get(c)) for c in codes]


def alignment(user, *, today: date | None = None) -> dict:
    """Measures on schedule whose targets are off course, and late measures whose targets are on course."""
    rows = [r for r in measure_rows(user, today=today) if r.measure.indicators]
    plans = {r.measure.plan_id: r.measure.plan for r in rows}
    by_indicator: dict[str, str] = {}
    for plan in plans.values():
        by_indicator.update(_attainment_by_indicator(plan))
    available = bool(by_indicator)
    on_schedule_off_course, late_on_course = [], []
    if available:
        for r in rows:
            statuses = {i: by_indicator.get(i) for i in r.measure.indicators}
            off = [i for i, s in statuses.items() if s in OFF_COURSE]
            on = [i for i, s in statuses.items() if s in ON_COURSE]
            if r.status in (Status.ON_SCHEDULE, Status.DONE) and off:
                on_schedule_off_course.append((r, off))
            elif r.status in (Status.LATE, Status.AT_RISK) and on and not off:
                late_on_course.append((r, on))
        names = indicator_names(i for _, inds in on_schedule_off_course + late_on_course for i in inds)
        on_schedule_off_course = [
            (r, [IndicatorTag(i, names.get(i, i), by_indicator.get(i)) for i in inds])
            for r, inds in on_schedule_off_course
        ]
        late_on_course = [
            (r, [IndicatorTag(i, names.get(i, i), by_indicator.get(i)) for i in inds])
            for r, inds in late_on_course
        ]
    return {
        "available": available,
        "on_schedule_off_course": on_schedule_off_course,
        "late_on_course": late_on_course,
        "measures_with_indicators": len(rows),
    }


def late_unit_list(*, today: date | None = None) -> list[tuple[str, int]]:
    """The 通报 list as shown on pages: unit name and number of its obligations past the grace period."""
    from .reminders import DEFAULT_POLICY, late_units
    from .services import collect_obligations

    today = today or timezone.localdate()
    obligations, _ = collect_obligations(today=today)
    from steppe.core.models import Unit

    names = dict(Unit.objects.values_list("pk", "name"))
    return [
        (names.get(int(k), k), len(v))
        for k, v in late_units(obligations, today=today, policy=DEFAULT_POLICY).items()
    ]


# ---------------------------------------------------------------- the audit trail


def audit_entries() -> QuerySet[AuditEntry]:
    """Audit entries of measures, of supervision's records and of the apps that build on it."""
    q = Q(object_type="plans.measure") | Q(object_type__startswith="supervision.")
    for prefix in extensions.audited_apps:
        q |= Q(object_type__startswith=prefix)
    return AuditEntry.objects.filter(q)

"""Reads shared by pages and the API: statuses, the overview, completeness, to-do lists, alignment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps as django_apps
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from steppe.core.cache import Generation
from steppe.core.models import AuditEntry
from steppe.core.notifications import unread_count
from steppe.core.registry import MEASURE_RECORDS, records_for_measures
from steppe.plans.models import Measure, MeasureUnit
from steppe.stats import attainment as att
from steppe.stats import cache as stats_cache
from steppe.stats import queries as stats_queries
from steppe.stats.i18n import pick

from . import extensions
from . import periods as periods_mod
from . import permissions as perms
from .models import Milestone, ProgressReport, ProgressRound, TargetReport
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
    periods: list = field(default_factory=list)  # `recurring` measures: each period and its state
    register_count: int | None = None  # `register` measures: records the registers hold for it
    projects: list = field(default_factory=list)  # `project` measures: what hangs on it

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


def recurring_forms(measure_ids) -> dict[int, list[periods_mod.Form]]:
    """The report forms of recurring measures in every round, per measure (one query)."""
    out: dict[int, list[periods_mod.Form]] = {}
    ids = list(measure_ids)
    if not ids:
        return out
    rows = ProgressReport.objects.filter(measure_id__in=ids, round__isnull=False).values_list(
        "measure_id", "unit__name", "first_submitted_at", "round__period", "round__due_on", "round__closed_at"
    )
    for measure_id, unit, first, period, due, closed in rows:
        out.setdefault(measure_id, []).append(
            periods_mod.Form(
                period,
                due,
                timezone.localdate(closed) if closed else None,
                timezone.localdate(first) if first else None,
                unit,
            )
        )
    return out


def measure_periods(measure: Measure, forms: list | None = None, *, today: date | None = None) -> list:
    """A recurring measure's periods with their states (empty for other types)."""
    if measure.type != "recurring":
        return []
    today = today or timezone.localdate()
    if forms is None:
        forms = recurring_forms([measure.pk]).get(measure.pk, [])
    return periods_mod.periods(measure.frequency or "per_round", forms, today=today)


def status_of(measure: Measure, today: date, forms: list | None = None) -> StatusResult:
    """Status of one measure (uses prefetched milestones and reports when present).

    A recurring measure is judged per period (``periods.recurring_status``), never done once and for all."""
    if measure.type == "recurring":
        return periods_mod.recurring_status(measure_periods(measure, forms, today=today), today=today)
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


# Every measure's status, worked out from its milestones, reports and rounds, is kept in the
# shared cache for the day under supervision's generation (core.cache): the overview, the to-do
# list, the league page and the measures API read it instead of judging ~100 measures from
# thousands of reports on every request. What the status reads retires it (SupervisionConfig.ready
# watches those models; the services' bulk writes call STATUS_CACHE.invalidate()).
STATUS_CACHE = Generation("supervision")


def _judge(measures: list[Measure], today: date) -> dict[int, tuple[StatusResult, list]]:
    """Status and periods of each of ``measures`` (prefetched with ``_with_status_data``)."""
    forms = recurring_forms(m.pk for m in measures if m.type == "recurring")
    return {m.pk: (status_of(m, today, forms.get(m.pk, [])), measure_periods(m, forms.get(m.pk, []), today=today))
            for m in measures}  # fmt: skip


def statuses(today: date) -> dict[int, tuple[StatusResult, list]]:
    """Every measure's (status, periods) on ``today``: computed once per generation and day."""
    return STATUS_CACHE.remember(
        ("statuses", today.isoformat()), lambda: _judge(list(_with_status_data(Measure.objects.all())), today)
    )


def measure_rows(user, *, today: date | None = None, measures: QuerySet[Measure] | None = None) -> list[MeasureRow]:
    """Every measure the user may see (or those of ``measures``) with its status, late items first."""
    today = today or timezone.localdate()
    qs = perms.measures_visible_to(user) if measures is None else measures
    measures_ = list(qs.select_related("action", "plan").prefetch_related(
        Prefetch("unit_links", queryset=MeasureUnit.objects.select_related("unit"))))  # fmt: skip
    judged = statuses(today)
    missing = [m.pk for m in measures_ if m.pk not in judged]
    if missing:  # created since the cache was filled, within this transaction: judged here
        judged = {**judged, **_judge(list(_with_status_data(Measure.objects.filter(pk__in=missing))), today)}
    rows = []
    for m in measures_:
        leads = [link.unit for link in m.unit_links.all() if link.role == MeasureUnit.Role.LEAD]
        result, periods = judged[m.pk]
        rows.append(MeasureRow(m, result, leads, periods=periods))
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], r.measure.plan_id, r.measure.order, r.measure.code))
    return rows


@dataclass
class Line:
    """A measure as the lists show it (overview, to-do, league page), in plain values - no model
    instances - with its status and what its type carries: the same for every reader, so the list of
    all active measures is kept in the cache (``lines``)."""

    pk: int
    code: str
    title: str
    title_en: str
    type: str
    frequency: str
    due_on: date
    plan_id: int
    order: int
    action_code: str
    action_title: str
    result: StatusResult
    leads: list[tuple[int, str]] = field(default_factory=list)  # lead units (id, name), in the plan's order
    periods: list = field(default_factory=list)
    register_count: int | None = None  # `register` measures: records the registers hold for it
    project_count: int = 0  # `project` measures: projects that hang on it

    @property
    def status(self) -> Status:
        return self.result.status


def _lines(today: date) -> list[Line]:
    measures = list(Measure.objects.filter(active=True).values_list(
        "pk", "code", "title", "title_en", "type", "frequency", "due_on", "plan_id", "order", "action__code",
        "action__title"))  # fmt: skip
    judged = statuses(today)
    leads: dict[int, list[tuple[int, str]]] = {}
    for measure_id, unit_id, name in (
        MeasureUnit.objects.filter(role=MeasureUnit.Role.LEAD, measure__active=True)
        .order_by("measure_id", "role", "id").values_list("measure_id", "unit_id", "unit__name")
    ):  # fmt: skip
        leads.setdefault(measure_id, []).append((unit_id, name))
    out = []
    for values in measures:  # in Line's field order
        result, periods = judged[values[0]]
        out.append(Line(*values, result, leads.get(values[0], []), periods))
    registers = [x for x in out if x.type == "register"]
    if registers:
        records = records_for_measures([x.code for x in registers])
        for x in registers:
            x.register_count = sum(r.count for r in records.get(x.code, []))
    carriers = [x for x in out if x.type == "project"]
    if carriers:
        projects = extensions.projects_for_measures(x.pk for x in carriers)
        for x in carriers:
            x.project_count = len(projects.get(x.pk, []))
    out.sort(key=lambda x: (STATUS_ORDER[x.status], x.plan_id, x.order, x.code))
    return out


def lines(user, *, today: date | None = None, measures: QuerySet[Measure] | None = None) -> list[Line]:
    """The active measures ``user`` may see (or the active ones of ``measures``) as ``Line``s, late ones first.

    All of them are kept in the cache for the day under supervision's generation and the registers'
    (``core.registry.MEASURE_RECORDS``: a record filed, reviewed or linked shows at once); a reader
    other than the department asks the database only which of them it sees."""
    today = today or timezone.localdate()
    key = ("lines", today.isoformat(), MEASURE_RECORDS.current())
    every = STATUS_CACHE.remember(key, lambda: _lines(today))
    if measures is None:
        if perms.is_department(user):
            return every
        measures = perms.measures_visible_to(user)
    visible = set(measures.values_list("pk", flat=True))
    return [x for x in every if x.pk in visible]


def latest_reports(measure_ids) -> dict[int, ProgressReport]:
    """The latest submitted progress report of each measure (one query)."""
    out: dict[int, ProgressReport] = {}
    for r in (ProgressReport.objects.filter(measure_id__in=list(measure_ids), submitted_at__isnull=False)
              .select_related("unit").order_by("submitted_at", "pk")):
        out[r.measure_id] = r
    return out


def with_carriers(rows: list[MeasureRow]) -> list[MeasureRow]:
    """Fill what each measure's type asks supervision to show: a `register` measure's count (the
    records ``core.registry.measure_records`` providers hold for it) and a `project` measure's
    projects (``extensions.measure_projects``). Two calls per provider, whatever the number of rows."""
    registers = [r for r in rows if r.measure.type == "register"]
    if registers:
        records = records_for_measures([r.measure.code for r in registers])
        for r in registers:
            r.register_count = sum(x.count for x in records.get(r.measure.code, []))
    carriers = [r for r in rows if r.measure.type == "project"]
    if carriers:
        projects = extensions.projects_for_measures(r.measure.pk for r in carriers)
        for r in carriers:
            r.projects = projects.get(r.measure.pk, [])
    return rows


@dataclass
class Group:
    key: str
    label: str
    rows: list = field(default_factory=list)  # Lines (the overview) or MeasureRows

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
    """Traffic lights per action and per lead unit, and all measures (``Line``s) with late ones first."""
    rows = lines(user, today=today)
    by_action: dict[str, Group] = {}
    by_unit: dict[str, Group] = {}
    for r in rows:
        by_action.setdefault(r.action_code, Group(r.action_code, f"{r.action_code} {r.action_title}")).rows.append(r)
        for key in [name for _, name in r.leads] or ["（未明确牵头单位）"]:
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


def _count(c: Completeness, rnd: ProgressRound, state: str, first_submitted_at, today: date) -> None:
    first = timezone.localdate(first_submitted_at) if first_submitted_at else None
    c.total += 1
    c.submitted += state in (ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED)
    c.accepted += state == ProgressReport.State.ACCEPTED
    c.returned += state == ProgressReport.State.RETURNED
    if first and first <= rnd.due_on:
        c.on_time += 1
    elif (first and first > rnd.due_on) or (not first and today > rnd.due_on):
        c.late += 1


def rounds_totals(rounds, *, today: date | None = None) -> list[tuple[ProgressRound, Completeness]]:
    """Each round with its total completeness (``round_completeness(r)["total"]``), in one query
    for all of them (the rounds list pages them)."""
    today = today or timezone.localdate()
    rounds = list(rounds)
    totals = {r.pk: Completeness("合计") for r in rounds}
    by_pk = {r.pk: r for r in rounds}
    rows = ProgressReport.objects.filter(round__in=rounds).values_list("round_id", "state", "first_submitted_at")
    for round_id, state, first_submitted_at in rows:
        _count(totals[round_id], by_pk[round_id], state, first_submitted_at, today)
    return [(r, totals[r.pk]) for r in rounds]


def round_completeness(rnd: ProgressRound, *, today: date | None = None) -> dict:
    """Completeness (% submitted) and timeliness (% first submitted by the due date), per unit and per action."""
    today = today or timezone.localdate()
    per_unit: dict[str, Completeness] = {}
    per_action: dict[str, Completeness] = {}
    total = Completeness("合计")
    for unit, action, state, first_submitted_at in rnd.reports.values_list(
        "unit__name", "measure__action__code", "state", "first_submitted_at"
    ):  # plain values: a round holds a report per measure and lead unit
        for c in (
            per_unit.setdefault(unit, Completeness(unit)),
            per_action.setdefault(action, Completeness(action)),
            total,
        ):
            _count(c, rnd, state, first_submitted_at, today)
    return {
        "units": sorted(per_unit.values(), key=lambda c: (c.completeness, c.key)),
        "actions": sorted(per_action.values(), key=lambda c: c.key),
        "total": total,
    }


def round_page(rnd: ProgressRound, *, today: date | None = None) -> dict:
    """What a round's page shows - completeness per unit and action, its reports, its recurring measures,
    its target reports - the same for every reader: kept for the day under supervision's generation
    (reports, rounds, measures, actions, units, targets and target reports retire it)."""
    today = today or timezone.localdate()

    def compute() -> dict:
        target_reports, tc = round_target_reports(rnd, today=today)
        return {"c": round_completeness(rnd, today=today), "reports": round_reports(rnd),
                "recurring": round_recurring(rnd, today=today), "target_reports": target_reports, "tc": tc}  # fmt: skip

    return STATUS_CACHE.remember(("round", rnd.pk, today.isoformat()), compute)


def round_reports(rnd: ProgressRound) -> list[dict]:
    """The round's reports as its page lists them, in plain values (the texts stay in the database)."""
    return list(rnd.reports.order_by("state", "unit__name", "measure__code").values(
        "pk", "state", "progress", "submitted_at", "measure__code", "measure__title", "measure__title_en",
        "unit__name"))  # fmt: skip


def round_recurring(rnd: ProgressRound, *, today: date | None = None) -> list[tuple[Measure, object]]:
    """The recurring measures of a round, each with the state of the period this round falls in."""
    today = today or timezone.localdate()
    measures = list(
        Measure.objects.filter(progress_reports__round=rnd, type="recurring").distinct().order_by("plan_id", "order")
    )
    forms = recurring_forms(m.pk for m in measures)
    out = []
    for m in measures:
        key = periods_mod.period_key(m.frequency or "per_round", rnd.period)
        period = next(p for p in measure_periods(m, forms.get(m.pk, []), today=today) if p.key == key)
        out.append((m, period))
    return out


def round_target_reports(rnd: ProgressRound, *, today: date | None = None) -> tuple[list, Completeness]:
    """The round's reports on qualitative targets, with their completeness and timeliness."""
    today = today or timezone.localdate()
    items = list(rnd.target_reports.select_related("target", "unit").order_by("target__order", "unit__name"))
    c = Completeness("定性目标")
    for r in items:
        first = timezone.localdate(r.first_submitted_at) if r.first_submitted_at else None
        c.total += 1
        c.submitted += r.state in (TargetReport.State.SUBMITTED, TargetReport.State.ACCEPTED)
        c.accepted += r.state == TargetReport.State.ACCEPTED
        c.returned += r.state == TargetReport.State.RETURNED
        if first and first <= rnd.due_on:
            c.on_time += 1
        elif first or today > rnd.due_on:
            c.late += 1
    return items, c


def target_reports_by_round(target) -> list[TargetReport]:
    """Every report on a target, latest round first (the target's page)."""
    return list(
        TargetReport.objects.filter(target=target)
        .select_related("round", "unit", "submitted_by")
        .order_by("-round__due_on", "unit__name")
    )


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
    target_reports = (
        TargetReport.objects.filter(
            unit_id=unit_id,
            round__closed_at__isnull=True,
            state__in=[TargetReport.State.DRAFT, TargetReport.State.RETURNED],
        )
        .select_related("round", "target")
        .order_by("round__due_on", "target__order")
        if unit_id
        else TargetReport.objects.none()
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
        "target_reports": [(r, (r.round.due_on - today).days) for r in target_reports],
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


def _attainment_by_target(plan) -> dict[str, str]:
    """target code -> attainment status code, from the monitoring app; targets without data are left out."""
    return _index_attainment(stats_queries.plan_attainment(plan, with_leagues=False))


_RANK = {att.DETERIORATING: 0, att.LIMITED_PROGRESS: 1, att.ACCELERATION_NEEDED: 2, att.ON_TRACK: 3, att.ACHIEVED: 4}


def _index_attainment(items) -> dict[str, str]:
    """Each target's status by its code; items are ``TargetAttainment`` (target.code, result.status).
    A target without data (or without a result) is left out: it says nothing either way."""
    out: dict[str, str] = {}
    for it in items:
        code, status = it.target.code, it.result.status if it.result is not None else None
        if code and status in _RANK:
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


@dataclass
class TargetTag:
    """A target a measure drives (the plan file's explicit link), with its attainment status."""

    code: str
    name: str
    status: str | None = None

    @property
    def status_label(self) -> str:
        return pick(att.STATUS_LABELS[self.status]) if self.status in att.STATUS_LABELS else ""

    def __str__(self) -> str:
        return self.code


def measure_targets(measure_ids) -> dict[int, list[tuple[str, str]]]:
    """measure id -> [(target code, target name)] from the format 2 links (one query)."""
    out: dict[int, list[tuple[str, str]]] = {}
    links = Measure.targets.through.objects.filter(measure_id__in=list(measure_ids), target__active=True)
    for measure_id, code, name in links.order_by("target__order").values_list(
        "measure_id", "target__code", "target__name"
    ):
        out.setdefault(measure_id, []).append((code, name))
    return out


def alignment(user, *, today: date | None = None) -> dict:
    """Measures on schedule whose targets are off course, and late measures whose targets are on course.

    A measure's targets are the ones the plan file links it to (format 2 ``targets``), never guessed
    from a shared indicator code."""
    rows = measure_rows(user, today=today)
    linked = measure_targets(r.measure.pk for r in rows)
    rows = [r for r in rows if linked.get(r.measure.pk)]
    plans = {r.measure.plan_id: r.measure.plan for r in rows}
    by_target: dict[tuple[int, str], str] = {}
    for plan in plans.values():
        for code, status in _attainment_by_target(plan).items():
            by_target[(plan.pk, code)] = status
    available = bool(by_target)
    on_schedule_off_course, late_on_course = [], []
    if available:
        for r in rows:
            tags = [
                TargetTag(code, gettext(name), by_target.get((r.measure.plan_id, code)))
                for code, name in linked[r.measure.pk]
            ]
            off = [t for t in tags if t.status in OFF_COURSE]
            on = [t for t in tags if t.status in ON_COURSE]
            if r.status in (Status.ON_SCHEDULE, Status.DONE) and off:
                on_schedule_off_course.append((r, off))
            elif r.status in (Status.LATE, Status.AT_RISK) and on and not off:
                late_on_course.append((r, on))
    return {
        "available": available,
        "on_schedule_off_course": on_schedule_off_course,
        "late_on_course": late_on_course,
        "measures_with_targets": len(rows),
    }


def late_unit_list(*, today: date | None = None) -> list[tuple[str, int]]:
    """The 通报 list as shown on pages: unit (or league bureau) name and number of its obligations past
    the grace period."""
    from .reminders import DEFAULT_POLICY, late_units
    from .services import collect_obligations, owner_names

    today = today or timezone.localdate()

    def compute() -> list[tuple[str, int]]:
        obligations, _ = collect_obligations(today=today)
        late = late_units(obligations, today=today, policy=DEFAULT_POLICY)
        names = owner_names(late)
        return [(names.get(k, k), len(v)) for k, v in late.items()]

    # the same for every reader: kept for the day under supervision's generation (which also watches
    # target reports, reporting periods, regions and 揭榜挂帅's commitments) and the statistics' (the
    # leagues' submissions)
    return STATUS_CACHE.remember(("late units", today.isoformat(), stats_cache.generation()), compute)


# ---------------------------------------------------------------- the audit trail


def audit_entries() -> QuerySet[AuditEntry]:
    """Audit entries of measures, of supervision's records and of the apps that build on it."""
    q = Q(object_type="plans.measure") | Q(object_type__startswith="supervision.")
    for prefix in extensions.audited_apps:
        q |= Q(object_type__startswith=prefix)
    return AuditEntry.objects.filter(q)


def audit_types() -> list[str]:
    """The object types the audit trail may filter by: measures, supervision's and the audited apps'
    models (what ``audit_entries`` holds)."""
    prefixes = ["supervision.", *extensions.audited_apps]
    return ["plans.measure"] + sorted(
        f"{m._meta.app_label}.{m._meta.model_name}"
        for m in django_apps.get_models()
        if any(f"{m._meta.app_label}.".startswith(p) for p in prefixes)
    )

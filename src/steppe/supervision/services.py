"""Every supervision write: pages, API and CLI call these, never the models directly.

Each entry point runs in one transaction, checks its permission through ``permissions``, records
an audit entry (who, what, when, before, after, why) and raises ``DomainError`` on bad input
without changing anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from steppe.core.audit import audit_record, snapshot
from steppe.core.errors import DomainError
from steppe.core.models import Notification, Region, Unit, User
from steppe.core.notifications import notify
from steppe.core.roles import Role
from steppe.core.validation import invalid
from steppe.plans.models import Measure, MeasureUnit, Plan, Target
from steppe.plans.queries import league_measures
from steppe.stats import queries as stats_queries
from steppe.stats.models import ReportingPeriod

from . import extensions
from . import permissions as perms
from .models import (
    BaselineMilestone,
    Evidence,
    Milestone,
    ProgressReport,
    ProgressRound,
    ReminderClaim,
    ReportVersion,
    TargetReport,
)
from .reminders import (
    DEFAULT_POLICY,
    REMINDER_LABELS,
    REMINDER_LABELS_EN,
    Obligation,
    ReminderKind,
    ReminderPolicy,
    reminders_due,
)
from .status import ReportStatus
from .validation import (  # noqa: F401  (ERR_*: tests import them from here)
    ERR_DONE_REQUIRED,
    ERR_PROGRESS_REQUIRED,
    ERR_RETURN_NEEDS_COMMENT,
    ERR_ROUND_EXISTS,
    MilestoneChangeValidator,
    MilestoneDoneValidator,
    MilestoneValidator,
    ReportValidator,
    ReviewValidator,
    RoundValidator,
    TargetReportValidator,
)

log = logging.getLogger(__name__)

# Error messages tests import.
ERR_NOT_EDITABLE = "report_not_editable"
ERR_NOT_SUBMITTED = "report_not_submitted"
ERR_AWAITING_REVIEW = "report_awaiting_review"

# Evidence files (reports, milestones, and the 军令状 milestones of steppe.challenges): checked before anything is written.
EVIDENCE_MAX_FILES = 10
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

MEASURE_FIELDS = ["status", "progress", "done", "problems", "next_steps"]


def _today() -> date:
    return timezone.localdate()


def check_files(files) -> list:
    """Refuse evidence files by the field name ``files`` before anything is written."""
    files = list(files or ())
    if len(files) > EVIDENCE_MAX_FILES:
        raise invalid("files", gettext("最多上传 %(max)s 个文件，收到 %(n)s 个") % {"max": EVIDENCE_MAX_FILES, "n": len(files)})
    for f in files:
        name = _evidence_name(f)
        size = getattr(f, "size", None)
        if not size:
            raise invalid("files", gettext("文件“%(name)s”为空") % {"name": name})
        if size > EVIDENCE_MAX_BYTES:
            raise invalid("files", gettext("文件“%(name)s”超过 %(max)s MB（%(size)s MB）")
                          % {"name": name, "max": EVIDENCE_MAX_BYTES // (1024 * 1024), "size": f"{size / 1048576:.1f}"})
    return files


def _evidence_name(f) -> str:
    # a browser or client may send a path; keep the last part only
    name = re.split(r"[\\/]", str(getattr(f, "name", "") or ""))[-1].strip()
    return (name or "evidence")[:200]


def attach_evidence(files: Iterable, *, actor, **owner) -> list[Evidence]:
    """Store checked files as Evidence rows (``owner``: milestone= or report=, or nothing for a
    higher app that links them itself)."""
    out = []
    for f in check_files(files):
        name = _evidence_name(f)
        f.name = name
        out.append(Evidence.objects.create(file=f, name=name, uploaded_by=actor, **owner))
    return out


def unit_users(unit_id) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True).order_by("pk"))


def department_users() -> list[User]:
    return list(User.objects.filter(role=Role.DEPARTMENT, is_active=True).order_by("pk"))


# ---------------------------------------------------------------- milestones

MILESTONE_FIELDS = [
    "deliverable",
    "evidence_required",
    "planned_on",
    "done_on",
    "evidence_note",
    "unit_id",
    "seq",
]


def _check_milestone_writer(actor, measure: Measure) -> None:
    if not (perms.is_department(actor) or perms.leads_measure(actor, measure)):
        raise perms.NotFound(f"举措 {measure.code} 不存在或无权查看 Measure {measure.code} not found")


@transaction.atomic
def milestone_create(
    *,
    actor,
    measure: Measure,
    deliverable: str,
    planned_on,
    evidence_required: str = "",
    unit: Unit | None = None,
) -> Milestone:
    _check_milestone_writer(actor, measure)
    clean = MilestoneValidator.clean(
        {"deliverable": deliverable, "planned_on": planned_on, "evidence_required": evidence_required}
    )
    if unit is None:
        unit = actor.unit if perms.leads_measure(actor, measure) else (measure.lead_units() or [None])[0]
    seq = (measure.milestones.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    ms = Milestone.objects.create(
        measure=measure,
        unit=unit,
        seq=seq,
        deliverable=clean["deliverable"],
        evidence_required=clean["evidence_required"],
        planned_on=clean["planned_on"],
    )
    audit_record(actor=actor, action="milestone.create", obj=ms, after=snapshot(ms, MILESTONE_FIELDS))
    return ms


@transaction.atomic
def milestone_update(
    *, actor, milestone: Milestone, deliverable=None, planned_on=None, evidence_required=None, note: str = ""
) -> Milestone:
    """Change a milestone (None leaves a field as it is). Once approved (its baseline frozen), moving
    its date needs a reason (note)."""
    _check_milestone_writer(actor, milestone.measure)
    before = snapshot(milestone, MILESTONE_FIELDS)
    clean = MilestoneChangeValidator.clean(
        {"deliverable": deliverable, "planned_on": planned_on, "evidence_required": evidence_required, "note": note},
        milestone=milestone,
    )
    note = clean.pop("note")
    for k, v in clean.items():
        setattr(milestone, k, v)
    milestone.save()
    audit_record(
        actor=actor,
        action="milestone.update",
        obj=milestone,
        before=before,
        after=snapshot(milestone, MILESTONE_FIELDS),
        note=note,
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *, actor, milestone: Milestone, done_on, evidence_note: str = "", files=()
) -> Milestone:
    _check_milestone_writer(actor, milestone.measure)
    clean = MilestoneDoneValidator.clean(
        {"done_on": done_on, "evidence_note": evidence_note}, milestone=milestone, files=files, check_files=check_files,
        today=_today()
    )
    before = snapshot(milestone, MILESTONE_FIELDS)
    milestone.done_on = clean["done_on"]
    milestone.evidence_note = clean["evidence_note"]
    milestone.save()
    attach_evidence(clean["files"], actor=actor, milestone=milestone)
    audit_record(
        actor=actor,
        action="milestone.complete",
        obj=milestone,
        before=before,
        after=snapshot(milestone, MILESTONE_FIELDS),
    )
    return milestone


@transaction.atomic
def milestones_approve(*, actor, measure: Measure) -> int:
    """Approve a measure's milestones; the first approved set is frozen as its baseline. Returns rows frozen."""
    perms.require_department(actor)
    now = timezone.now()
    pending = list(measure.milestones.filter(approved_at__isnull=True))
    if not pending and not measure.milestones.exists():
        raise DomainError("no_milestones", f"举措 {measure.code} 还没有里程碑 The measure has no milestones")
    for ms in pending:
        ms.approved_at = now
        ms.save(update_fields=["approved_at"])
    frozen = 0
    if not measure.baseline_milestones.exists():
        rows = [
            BaselineMilestone(
                measure=measure,
                milestone=ms,
                seq=ms.seq,
                deliverable=ms.deliverable,
                planned_on=ms.planned_on,
                frozen_at=now,
                frozen_by=actor,
            )
            for ms in measure.milestones.all()
        ]
        BaselineMilestone.objects.bulk_create(rows)
        frozen = len(rows)
    audit_record(
        actor=actor,
        action="milestones.approve",
        obj=measure,
        after={"approved": [ms.pk for ms in pending], "baseline_frozen": frozen},
    )
    return frozen


# ---------------------------------------------------------------- progress rounds and reports

REPORT_FIELDS = ["state", "status", "progress", "done", "problems", "next_steps", "version", "review_comment"]


def _last_report(measure_id, unit_id, *, exclude_pk=None) -> ProgressReport | None:
    qs = ProgressReport.objects.filter(measure_id=measure_id, unit_id=unit_id, submitted_at__isnull=False)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-submitted_at", "-pk").first()


@dataclass
class RoundOpened:
    round: ProgressRound
    reports: int
    units: int
    target_reports: int = 0


@dataclass(frozen=True)
class _Link:
    measure_id: int
    unit_id: int
    measure: Measure


def league_bureaus() -> dict[int, Region]:
    """unit id -> league, for every unit whose active users include a league bureau's account."""
    out: dict[int, Region] = {}
    users = User.objects.filter(perms.LEAGUE_BUREAU_ACCOUNTS, is_active=True, unit__isnull=False).select_related("region")
    for u in users.order_by("pk"):
        if u.unit_id is not None and u.region is not None:  # both, by the filter
            out.setdefault(u.unit_id, u.region)
    return out


def _league_bureau_links(plan_code: str | None) -> list[_Link]:
    """(measure, bureau unit) for each active measure naming a league with a bureau, unless that unit
    already leads the measure."""
    out = []
    for unit_id, league in league_bureaus().items():
        plan = Plan.objects.filter(code=plan_code).first() if plan_code else None  # None: the current plan
        qs = league_measures(league, plan).exclude(unit_links__unit_id=unit_id, unit_links__role=MeasureUnit.Role.LEAD)
        out += [_Link(m.pk, unit_id, m) for m in qs.order_by("plan_id", "order")]
    return out


def _target_reports_for(rnd: ProgressRound, plan_code: str | None) -> list[TargetReport]:
    """One report per active target with lead units (the qualitative goals Q1–Q6) and lead unit,
    pre-filled from that unit's last submitted report on the target."""
    targets = Target.objects.filter(active=True, lead_units__isnull=False).prefetch_related("lead_units").distinct()
    if plan_code:
        targets = targets.filter(plan__code=plan_code)
    latest: dict[tuple[int, int], TargetReport] = {}
    for r in TargetReport.objects.filter(submitted_at__isnull=False).order_by("submitted_at", "pk"):
        latest[(r.target_id, r.unit_id)] = r
    rows = []
    for t in targets:
        for unit in t.lead_units.all():
            prev = latest.get((t.pk, unit.pk))
            rows.append(TargetReport(round=rnd, target=t, unit=unit, status=prev.status if prev else "",
                                     narrative=prev.narrative if prev else ""))
    return TargetReport.objects.bulk_create(rows)


@transaction.atomic
def round_open(*, actor, period: str, due_on, plan_code: str | None = None) -> RoundOpened:
    """Open a 定期调度 round: one report per active measure and lead unit, pre-filled from the last one."""
    perms.require_department(actor)
    clean = RoundValidator.clean({"period": period, "due": due_on, "plan": plan_code}, today=_today())
    period, due, plan_code = clean["period"], clean["due"], clean["plan"]
    rnd = ProgressRound.objects.create(period=period, due_on=due, opened_by=actor)
    links = MeasureUnit.objects.filter(role=MeasureUnit.Role.LEAD, measure__active=True).select_related(
        "measure"
    )
    if plan_code:
        links = links.filter(measure__plan__code=plan_code)
    # the pre-fill source: each (measure, unit)'s latest submitted report, in one query
    latest: dict[tuple[int, int | None], ProgressReport] = {}
    for r in ProgressReport.objects.filter(submitted_at__isnull=False).order_by("submitted_at", "pk"):
        latest[(r.measure_id, r.unit_id)] = r
    # a league bureau reports, beside the lead units, on each measure naming its league
    all_links: list[MeasureUnit | _Link] = [*links, *_league_bureau_links(plan_code)]
    rows = []
    for link in all_links:
        prev = latest.get((link.measure_id, link.unit_id))
        rows.append(
            ProgressReport(
                round=rnd,
                measure_id=link.measure_id,
                unit_id=link.unit_id,
                status=prev.status if prev else ReportStatus.NOT_STARTED,
                progress=prev.progress if prev else 0,
                done=prev.done if prev else "",
                problems=prev.problems if prev else "",
                next_steps=prev.next_steps if prev else "",
            )
        )
    ProgressReport.objects.bulk_create(rows)
    # the evidence files of the last report come along (the unit removes what no longer applies)
    carried = []
    prev_ids = {latest[(r.measure_id, r.unit_id)].pk: r for r in rows if (r.measure_id, r.unit_id) in latest}
    if prev_ids:
        for e in Evidence.objects.filter(report_id__in=list(prev_ids)):
            if e.report_id is None:  # (never: the filter names reports)
                continue
            carried.append(
                Evidence(
                    file=e.file.name,
                    name=e.name,
                    report=prev_ids[e.report_id],
                    uploaded_by_id=e.uploaded_by_id,
                    uploaded_at=e.uploaded_at,
                )
            )
        Evidence.objects.bulk_create(carried)
    target_rows = _target_reports_for(rnd, plan_code)
    units = {r.unit_id for r in rows} | {r.unit_id for r in target_rows}
    audit_record(
        actor=actor,
        action="round.open",
        obj=rnd,
        after={"period": period, "due_on": due, "reports": len(rows), "target_reports": len(target_rows),
               "units": len(units)},
    )
    url = "/supervision/todo/"
    per_unit: dict[int, list[str]] = {}
    for link in all_links:
        per_unit.setdefault(link.unit_id, []).append(f"- {link.measure.code} {link.measure.title}")
    for t in target_rows:
        per_unit.setdefault(t.unit_id, []).append(f"- {t.target.code} {t.target.name}（定性目标 qualitative target）")
    for unit_id in units:
        lines = per_unit.get(unit_id, [])
        notify(
            recipients=unit_users(unit_id),
            kind=Notification.Kind.INFO,
            title=f"{period} 定期调度已开启，请于 {due.isoformat()} 前填报 "
            f"The {period} round is open: report by {due.isoformat()}",
            body=f"请于 {due.isoformat()} 前填报以下 {len(lines)} 项举措的进展报告"
            f"（有上次报告的已按其预填）： Report on these {len(lines)} items by {due.isoformat()} "
            "(prefilled from the last report where there is one):\n" + "\n".join(lines),
            url=url,
        )
    return RoundOpened(rnd, len(rows), len(units), len(target_rows))


@transaction.atomic
def round_close(*, actor, round: ProgressRound) -> ProgressRound:
    perms.require_department(actor)
    if round.closed_at is None:
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="round.close", obj=round, after={"closed_at": round.closed_at})
    return round


# a progress report's fields: supervision.validation.ReportValidator (the page's and the API's)
clean_report_data = ReportValidator.clean


def _check_report_writer(actor, report: ProgressReport) -> None:
    if perms.user_unit_id(actor) != report.unit_id:
        raise perms.NotFound("报告不存在或无权查看 Report not found")


def _remove_evidence(report: ProgressReport, ids) -> list[str]:
    """Drop evidence files from an editable report (by id); returns their names. The stored file stays
    (an earlier report may still point at it)."""
    ids = [int(i) for i in ids or () if str(i).isdigit()]
    if not ids:
        return []
    gone = list(report.evidence.filter(pk__in=ids))
    Evidence.objects.filter(pk__in=[e.pk for e in gone]).delete()
    return [e.name for e in gone]


@transaction.atomic
def report_save_draft(
    *, actor, report: ProgressReport, data: dict, files=(), remove_evidence=()
) -> ProgressReport:
    _check_report_writer(actor, report)
    if not report.editable:
        raise DomainError(
            ERR_NOT_EDITABLE, "报告已提交，不能修改 The report is submitted and cannot be changed"
        )
    clean = ReportValidator.clean(data)
    files = check_files(files)
    for k, v in clean.items():
        setattr(report, k, v)
    report.save()
    _remove_evidence(report, remove_evidence)
    attach_evidence(files, actor=actor, report=report)
    return report


@transaction.atomic
def report_submit(
    *, actor, report: ProgressReport, data: dict | None = None, files=(), remove_evidence=()
) -> ProgressReport:
    """Submit (or resubmit after a return); each submission is kept as a ReportVersion."""
    _check_report_writer(actor, report)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.editable:
        raise DomainError(
            ERR_NOT_EDITABLE, "报告已提交，不能修改 The report is submitted and cannot be changed"
        )
    files = check_files(files)
    before = snapshot(report, REPORT_FIELDS)
    clean = ReportValidator.clean(
        data if data is not None else {f: getattr(report, f) for f in MEASURE_FIELDS}, submitting=True
    )
    now = timezone.now()
    for k, v in clean.items():
        setattr(report, k, v)
    report.version += 1
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.submitted_by = actor
    report.save()
    ReportVersion.objects.create(
        report=report, number=report.version, submitted_at=now, submitted_by=actor, **clean
    )
    removed = _remove_evidence(report, remove_evidence)
    attach_evidence(files, actor=actor, report=report)
    after = snapshot(report, REPORT_FIELDS)
    after["evidence"] = list(report.evidence.values_list("name", flat=True))
    if removed:
        after["evidence_removed"] = removed
    audit_record(actor=actor, action="report.submit", obj=report, before=before, after=after)
    return report


def _review(actor, report, *, accept: bool, comment: str, fields, action: str, what: tuple[str, str], url: str):
    """Accept or return a submitted report (a measure's progress report or a qualitative target's): the
    department only; a return needs a comment; the audit trail and the unit's inbox are told.
    `what` names it in the notice ("进展报告", "Progress report"); `action` prefixes the audit action."""
    perms.require_department(actor)
    model = type(report)
    related = "measure" if isinstance(report, ProgressReport) else "target"
    report = model.objects.select_for_update().select_related(related).get(pk=report.pk)
    if report.state != model.State.SUBMITTED:
        raise DomainError(ERR_NOT_SUBMITTED, "只能审核已提交的报告 Only a submitted report can be reviewed")
    clean = ReviewValidator.clean({"accept": accept, "comment": comment})
    accept, comment = clean["accept"], clean["comment"]
    before = snapshot(report, fields)
    report.state = model.State.ACCEPTED if accept else model.State.RETURNED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.review_comment = comment
    report.save()
    if isinstance(report, ProgressReport):
        report.versions.filter(number=report.version).update(outcome=report.state, review_comment=comment)
    audit_record(actor=actor, action=f"{action}.accept" if accept else f"{action}.return", obj=report,
                 before=before, after=snapshot(report, fields), note=comment)
    code = getattr(report, related).code
    zh, en = what
    notify(
        recipients=unit_users(report.unit_id),
        kind=Notification.Kind.REVIEW,
        title=f"{code} {zh}已审核通过 {en} {code} accepted" if accept
        else f"{code} {zh}被退回，请修改后重新提交 {en} {code} returned: please revise and resubmit",
        body=comment,
        url=url.format(pk=report.pk),
    )
    return report


def report_review(*, actor, report: ProgressReport, accept: bool, comment: str = "") -> ProgressReport:
    with transaction.atomic():
        return _review(actor, report, accept=accept, comment=comment, fields=REPORT_FIELDS, action="report",
                       what=("进展报告", "Progress report"), url="/supervision/reports/{pk}/")


@transaction.atomic
def measure_report_progress(*, actor, measure: Measure, data: dict, files=()) -> ProgressReport:
    """The script entry (POST /measures/{code}/reports): fill and submit the unit's report in the open round,
    or file a report outside any round when none is open (or the round's report is already accepted).

    While the unit's report in an open round awaits review, a second report is refused (409) rather
    than filed beside it, so the department never reviews one version while another sits unseen.
    """
    unit_id = perms.user_unit_id(actor)
    if unit_id is None or not perms.reports_on_measure(actor, measure):
        raise perms.NotFound(f"举措 {measure.code} 不存在或无权查看 Measure {measure.code} not found")
    clean = ReportValidator.clean(data, submitting=True)
    files = check_files(files)
    in_open_rounds = ProgressReport.objects.filter(
        measure=measure, unit_id=unit_id, round__closed_at__isnull=True, round__isnull=False
    ).select_related("round")
    report = (
        in_open_rounds.filter(state__in=[ProgressReport.State.DRAFT, ProgressReport.State.RETURNED])
        .order_by("-round__due_on")
        .first()
    )
    if report is None:
        waiting = in_open_rounds.filter(state=ProgressReport.State.SUBMITTED).first()
        if waiting is not None and waiting.round is not None:  # (a round, by the filter)
            raise DomainError(
                ERR_AWAITING_REVIEW,
                f"{measure.code} 在 {waiting.round.period} 调度中的报告（#{waiting.pk}）已提交，待审核；"
                "审核通过或退回后再报 The report in this round awaits review",
                status=409,
                data={"report": waiting.pk, "round": waiting.round.period},
            )
        report = ProgressReport.objects.create(measure=measure, unit_id=unit_id)
    return report_submit(actor=actor, report=report, data=clean, files=files)


# ---------------------------------------------------------------- reports on qualitative targets

TARGET_REPORT_FIELDS = ["state", "status", "narrative", "version", "review_comment"]
ERR_NO_OPEN_TARGET_FORM = "no_open_round"


def _target_report_for_writer(actor, report: TargetReport) -> TargetReport:
    if perms.user_unit_id(actor) != report.unit_id:
        raise perms.NotFound("报告不存在或无权查看 Report not found")
    report = TargetReport.objects.select_for_update().get(pk=report.pk)
    if not report.editable:
        raise DomainError(ERR_NOT_EDITABLE, "报告已提交，不能修改 The report is submitted and cannot be changed")
    return report


@transaction.atomic
def target_report_save_draft(*, actor, report: TargetReport, data: dict) -> TargetReport:
    report = _target_report_for_writer(actor, report)
    clean = TargetReportValidator.clean(data)
    for k, v in clean.items():
        setattr(report, k, v)
    report.save()
    return report


@transaction.atomic
def target_report_submit(*, actor, report: TargetReport, data: dict) -> TargetReport:
    """Submit (or resubmit after a return) a report on a qualitative target; a blank form is refused."""
    report = _target_report_for_writer(actor, report)
    before = snapshot(report, TARGET_REPORT_FIELDS)
    clean = TargetReportValidator.clean(data, submitting=True)
    now = timezone.now()
    for k, v in clean.items():
        setattr(report, k, v)
    report.version += 1
    report.state = TargetReport.State.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.submitted_by = actor
    report.save()
    audit_record(actor=actor, action="target_report.submit", obj=report, before=before,
                 after=snapshot(report, TARGET_REPORT_FIELDS))
    return report


@transaction.atomic
def target_report_progress(*, actor, target: Target, data: dict) -> TargetReport:
    """The script entry (POST /targets/{code}/reports): fill and submit the unit's report on a qualitative
    target in the open round - its draft or returned form, or a new one when the round has none for it.

    Refused: a caller that does not lead the target (404), a report of this round that awaits review or
    was accepted (409), no open round (409: qualitative targets are reported in rounds only).
    """
    unit_id = perms.user_unit_id(actor)
    if unit_id is None or not perms.reports_on_target(actor, target):
        raise perms.NotFound(f"目标 {target.code} 不存在或无权查看 Target {target.code} not found")
    clean = TargetReportValidator.clean(data, submitting=True)
    mine = TargetReport.objects.filter(target=target, unit_id=unit_id, round__closed_at__isnull=True)
    report = mine.filter(state__in=[TargetReport.State.DRAFT, TargetReport.State.RETURNED]).order_by(
        "-round__due_on").first()
    if report is None:
        rnd = ProgressRound.objects.filter(closed_at__isnull=True).exclude(
            pk__in=mine.values("round_id")).order_by("-due_on", "-pk").first()
        if rnd is None:
            done = mine.select_related("round").order_by("-round__due_on").first()
            if done is not None:
                raise DomainError(
                    ERR_AWAITING_REVIEW if done.state == TargetReport.State.SUBMITTED else ERR_NOT_EDITABLE,
                    f"{target.code} 在 {done.round.period} 调度中的报告（#{done.pk}）{done.get_state_display()}，"
                    "不能再报 The report in this round is already submitted",
                    status=409, data={"report": done.pk, "round": done.round.period},
                )
            raise DomainError(ERR_NO_OPEN_TARGET_FORM, "当前没有进行中的调度，定性目标在调度中报告 "
                              "No round is open: qualitative targets are reported in rounds", status=409)
        report = TargetReport.objects.create(round=rnd, target=target, unit_id=unit_id)
    return target_report_submit(actor=actor, report=report, data=clean)


def target_report_review(*, actor, report: TargetReport, accept: bool, comment: str = "") -> TargetReport:
    with transaction.atomic():
        return _review(actor, report, accept=accept, comment=comment, fields=TARGET_REPORT_FIELDS,
                       action="target_report", what=("定性目标报告", "Qualitative target report"),
                       url="/supervision/target-reports/{pk}/")


# ---------------------------------------------------------------- reminders and escalation


def collect_obligations(*, today: date) -> tuple[list[Obligation], dict[str, tuple[str, str]]]:
    """Everything some unit owes by a date: reports of open rounds, measures (their due date, until a
    `completed` report is accepted), milestones, and what higher apps register (challenge milestones).

    Returns the obligations and, per ref, (label, url) for the message.
    """
    obligations: list[Obligation] = []
    info: dict[str, tuple[str, str]] = {}
    reports = ProgressReport.objects.filter(
        round__closed_at__isnull=True, round__isnull=False
    ).select_related("round", "measure")
    for r in reports:
        if r.round is None:  # (never: the filter asks for a round)
            continue
        done_on = None
        if r.state in (ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED) and r.submitted_at:
            done_on = timezone.localdate(r.submitted_at)
        ref = f"report:{r.pk}"
        obligations.append(Obligation(ref, str(r.unit_id), r.round.due_on, done_on))
        info[ref] = (
            f"{r.round.period} 定期调度：{r.measure.code} {r.measure.title[:40]} 进展报告",
            f"/supervision/reports/{r.pk}/",
        )
    for tr in TargetReport.objects.filter(round__closed_at__isnull=True).select_related("round", "target"):
        done_on = None
        if tr.state in (TargetReport.State.SUBMITTED, TargetReport.State.ACCEPTED) and tr.submitted_at:
            done_on = timezone.localdate(tr.submitted_at)
        ref = f"target-report:{tr.pk}"
        obligations.append(Obligation(ref, str(tr.unit_id), tr.round.due_on, done_on))
        info[ref] = (
            f"{tr.round.period} 定期调度：定性目标 {tr.target.code} {tr.target.name[:40]} 进展报告",
            f"/supervision/target-reports/{tr.pk}/",
        )
    # each measure's own deadline, owed by each of its lead units until a `completed` report is accepted
    completed_on: dict[int, date] = {}
    for measure_id, reviewed_at in ProgressReport.objects.filter(
        status=ReportStatus.COMPLETED, state=ProgressReport.State.ACCEPTED, reviewed_at__isnull=False
    ).values_list("measure_id", "reviewed_at"):
        day = timezone.localdate(reviewed_at)
        completed_on[measure_id] = min(day, completed_on.get(measure_id, day))
    # (a recurring measure is never completed once and for all: its rounds' reports are what it owes)
    links = (
        MeasureUnit.objects.filter(role=MeasureUnit.Role.LEAD, measure__active=True, measure__due_on__isnull=False)
        .exclude(measure__type="recurring")
        .select_related("measure")
    )
    for link in links:
        m = link.measure
        ref = f"measure:{m.pk}"
        obligations.append(Obligation(ref, str(link.unit_id), m.due_on, completed_on.get(m.pk)))
        info[ref] = (f"举措 {m.code} {m.title[:40]} 完成时限", f"/supervision/measures/{m.code}/")
    for ms in Milestone.objects.filter(unit__isnull=False, measure__active=True).select_related("measure"):
        ref = f"milestone:{ms.pk}"
        obligations.append(Obligation(ref, str(ms.unit_id), ms.planned_on, ms.done_on))
        info[ref] = (f"{ms.measure.code} 里程碑：{ms.deliverable}", f"/supervision/measures/{ms.measure.code}/")
    for obligation, label, url in submission_obligations(today=today):
        obligations.append(obligation)
        info[obligation.ref] = (label, url)
    for source in extensions.obligation_sources:  # what higher apps register (揭榜挂帅 milestones)
        for obligation, label, url in source(today=today):
            obligations.append(obligation)
            info[obligation.ref] = (label, url)
    return obligations, info


LEAGUE_OWNER = "league:"


def submission_obligations(*, today: date) -> list[tuple[Obligation, str, str]]:
    """The statistics each league owes for each reporting period (``stats.ReportingPeriod``: the
    indicators every league reports for a year, by a date), owed by the league's bureau (owner
    ``league:CODE``) until every expected figure has arrived (accepted or awaiting review)."""
    out = []
    for period in ReportingPeriod.objects.order_by("year"):
        rows = stats_queries.completeness(period.year, today=today)
        names = stats_queries.indicator_names(c for row in rows for c in row.missing)
        for row in rows:
            if not row.missing:
                continue
            missing = "、".join(names.get(c, c) for c in row.missing)
            out.append((
                Obligation(f"stats-submission:{period.year}:{row.league.code}", LEAGUE_OWNER + row.league.code,
                           period.due_on, None),
                f"{period.year} 年统计数据报送（{row.league.name}）：尚缺 {missing}",
                "/monitoring/submissions/",
            ))
    return out


def owner_users(owner: str) -> list[User]:
    """Who receives what an owner owes: a unit's active users, or a league's bureau accounts."""
    if owner.startswith(LEAGUE_OWNER):
        return list(User.objects.filter(role=Role.BUREAU, is_active=True,
                                        region__code=owner.removeprefix(LEAGUE_OWNER)).order_by("pk"))
    return unit_users(owner)


def owner_names(owners) -> dict[str, str]:
    """owner key -> a name for messages and the 通报 list (a unit's name, or the league's bureau)."""
    owners = set(owners)
    units = {o for o in owners if not o.startswith(LEAGUE_OWNER)}
    leagues = {o.removeprefix(LEAGUE_OWNER) for o in owners - units}
    out = {str(pk): name for pk, name in Unit.objects.filter(pk__in=[int(o) for o in units]).values_list("pk", "name")}
    for code, name in Region.objects.filter(code__in=leagues).values_list("code", "name"):
        out[LEAGUE_OWNER + code] = f"{name}科技局"
    return out


def reminders_send(*, today: date | None = None, policy: ReminderPolicy = DEFAULT_POLICY) -> dict[str, int]:
    """Send every reminder, 催办 and 通报 due on ``today``.

    Each item is claimed per recipient with the key (kind, object, owner unit, due date, recipient) in
    ReminderClaim, so a rerun sends nothing twice. What one recipient newly gets of one kind goes out as
    ONE message (inbox + e-mail) listing the items; the 通报 to the department lists the late units.
    Returns the number of messages sent by kind.
    """
    today = today or _today()
    obligations, info = collect_obligations(today=today)
    dept = department_users()
    names = owner_names(o.owner for o in obligations)
    users_of: dict[str, list[User]] = {}
    # (recipient pk, kind) -> [(due, claim)]
    buckets: dict[tuple[int, str], list] = {}
    recipients_by_pk: dict[int, User] = {u.pk: u for u in dept}
    with transaction.atomic():
        for due in reminders_due(obligations, today=today, policy=policy):
            owner = due.obligation.owner
            if owner not in users_of:
                users_of[owner] = owner_users(owner)
            recipients = list(users_of[owner])
            if due.kind == ReminderKind.NOTICE:
                recipients = dept + [u for u in recipients if u.pk not in {d.pk for d in dept}]
            for user in recipients:
                recipients_by_pk[user.pk] = user
                try:
                    with transaction.atomic():
                        claim = ReminderClaim.objects.create(key=f"{due.key}|u{user.pk}")
                except IntegrityError:
                    continue  # sent by an earlier run
                buckets.setdefault((user.pk, due.kind.value), []).append((due, claim))
        counts = {k.value: 0 for k in ReminderKind}
        for (user_pk, kind), items in buckets.items():
            user = recipients_by_pk[user_pk]
            lines = []
            for due, _claim in items:
                o = due.obligation
                label, _url = info[o.ref]
                lines.append(f"- {names.get(o.owner, o.owner)}｜{label}｜{o.due_on.isoformat()}")
            n = len(items)
            # a bureau chased only for its league's statistics is sent to the submissions page
            todo_url = (
                "/monitoring/submissions/"
                if all(d.obligation.ref.startswith("stats-submission:") for d, _ in items)
                else "/supervision/todo/"
            )
            if kind == ReminderKind.REMINDER:
                title = (f"到期提醒：{n} 项事项将于 {policy.remind_days_before} 日内到期 "
                         f"Due reminder: {n} item(s) fall due within {policy.remind_days_before} days")
                url = todo_url
            elif kind == ReminderKind.URGE:
                title = f"催办：{n} 项事项已逾期，请尽快完成 Overdue: {n} item(s) are past due, please complete them"
                url = todo_url
            else:
                late = sorted({names.get(d.obligation.owner, d.obligation.owner) for d, _ in items})
                title = (f"通报：{'、'.join(late[:5])}{'等' if len(late) > 5 else ''} {len(late)} 个单位 {n} 项事项"
                         f"逾期超过 {policy.grace_days} 天 Notice: {n} item(s) of {len(late)} unit(s) are more "
                         f"than {policy.grace_days} days overdue")
                url = "/supervision/overview/" if user in dept else todo_url
            # the first line in both languages; the items (unit｜what｜due date) are the units' own names
            body = (f"{REMINDER_LABELS[ReminderKind(kind)]}（{today.isoformat()}），每项：单位｜事项｜到期日 "
                    f"{REMINDER_LABELS_EN[ReminderKind(kind)]} of {today.isoformat()}, each item: unit, item, due date\n"
                    + "\n".join(lines))
            (notification,) = notify(recipients=[user], kind=kind, title=title, body=body, url=url)
            ReminderClaim.objects.filter(pk__in=[c.pk for _, c in items]).update(notification=notification)
            counts[kind] += 1
    return counts

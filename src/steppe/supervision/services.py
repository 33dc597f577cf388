"""Every supervision write: pages, API and CLI call these, never the models directly.

Each entry point runs in one transaction, checks its permission through ``permissions``, records
an audit entry (who, what, when, before, after, why) and raises ``DomainError`` on bad input
without changing anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from steppe.core.audit import audit_record, snapshot
from steppe.core.errors import DomainError, Forbidden, ValidationFailed
from steppe.core.models import Unit, User
from steppe.core.roles import Role
from steppe.plans.models import Measure, MeasureUnit

from . import permissions as perms
from .models import (
    Application,
    BaselineMilestone,
    Challenge,
    ChallengeTarget,
    Commitment,
    CommitmentMilestone,
    Evidence,
    ExpertReview,
    Milestone,
    Notification,
    ProgressReport,
    ProgressRound,
    ReminderClaim,
    ReportVersion,
    Tranche,
    validate_period,
)
from .reminders import (
    DEFAULT_POLICY,
    REMINDER_LABELS,
    Obligation,
    ReminderKind,
    ReminderPolicy,
    reminders_due,
)
from .status import ReportStatus

log = logging.getLogger(__name__)

# Error messages tests import.
ERR_ROUND_EXISTS = "round_exists"
ERR_NOT_EDITABLE = "report_not_editable"
ERR_NOT_SUBMITTED = "report_not_submitted"
ERR_RETURN_NEEDS_COMMENT = "return_needs_comment"
ERR_INELIGIBLE = "ineligible"
ERR_CONFLICT_SCORE = "conflict_cannot_score"
ERR_WRONG_STATE = "wrong_state"
ERR_TOO_MANY_TEAMS = "too_many_teams"
ERR_NEEDS_NOTE = "decision_needs_reason"
ERR_AWAITING_REVIEW = "report_awaiting_review"

# Evidence files (reports, milestones, 军令状 milestones): checked before anything is written.
EVIDENCE_MAX_FILES = 10
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

MEASURE_FIELDS = ["status", "progress", "done", "problems", "next_steps"]


def _today() -> date:
    return timezone.localdate()


def _invalid(field: str, message: str):
    return ValidationFailed(f"{field}: {message}", [{"field": field, "message": message}])


def _need_note(note: str, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise DomainError(
            ERR_NEEDS_NOTE, f"note: {what}须说明理由 A reason is required", data={"field": "note"}
        )
    return note


def _parse_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise _invalid(field, f"“{value}” 不是有效日期，应写作 YYYY-MM-DD") from None


MAX_AMOUNT = Decimal("1e9")  # 万元: far above any budget, below the columns' 12 digits


def _decimal(
    value, field: str, *, positive: bool = True, places: int = 2, limit: Decimal = MAX_AMOUNT
) -> Decimal:
    """A finite Decimal within ±limit, rounded to ``places`` decimals (what the column stores)."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise _invalid(field, f"“{value}” 不是数字") from None
    if not d.is_finite():
        raise _invalid(field, f"“{value}” 不是数字")
    if positive and d <= 0:
        raise _invalid(field, "必须是正数")
    if abs(d) >= limit:
        raise _invalid(field, f"数值过大（应小于 {limit:,.0f}）")
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _text(value, field: str, max_length: int, *, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise _invalid(field, "应为文本")
    if required and not text:
        raise _invalid(field, "不能为空")
    if len(text) > max_length:
        raise _invalid(field, f"不能超过 {max_length} 字")
    return text


def check_files(files) -> list:
    """Refuse evidence files by the field name ``files`` before anything is written."""
    files = list(files or ())
    if len(files) > EVIDENCE_MAX_FILES:
        raise _invalid("files", f"最多上传 {EVIDENCE_MAX_FILES} 个文件，收到 {len(files)} 个")
    for f in files:
        name = _evidence_name(f)
        size = getattr(f, "size", None)
        if not size:
            raise _invalid("files", f"文件“{name}”为空")
        if size > EVIDENCE_MAX_BYTES:
            raise _invalid(
                "files",
                f"文件“{name}”超过 {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB（{size / 1048576:.1f} MB）",
            )
    return files


def _evidence_name(f) -> str:
    # a browser or client may send a path; keep the last part only
    name = re.split(r"[\\/]", str(getattr(f, "name", "") or ""))[-1].strip()
    return (name or "evidence")[:200]


def _attach(files: Iterable, *, actor, **owner) -> list[Evidence]:
    out = []
    for f in check_files(files):
        name = _evidence_name(f)
        f.name = name
        out.append(Evidence.objects.create(file=f, name=name, uploaded_by=actor, **owner))
    return out


def notify(
    *, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Inbox entries now, e-mail after commit (a mail failure never undoes the inbox entry)."""
    out = []
    for user in recipients:
        n = Notification.objects.create(recipient=user, kind=kind, title=title, body=body, url=url)
        out.append(n)
        if user.email:
            transaction.on_commit(lambda n=n, email=user.email: _email(n, email))
    return out


def _email(notification: Notification, address: str) -> None:
    body = notification.body
    if notification.url:
        body += f"\n\n{getattr(settings, 'STEPPE_BASE_URL', '')}{notification.url}"
    try:
        send_mail(f"[Steppe] {notification.title}", body, None, [address])
    except Exception:  # mail failure must not undo the claim; the inbox still has it
        log.exception("e-mail to %s failed", address)
        return
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())


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
    deliverable = _text(deliverable, "deliverable", 300)
    evidence_required = _text(evidence_required, "evidence_required", 2000, required=False)
    planned = _parse_date(planned_on, "planned_on")
    if unit is None:
        unit = actor.unit if perms.leads_measure(actor, measure) else (measure.lead_units() or [None])[0]
    seq = (measure.milestones.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    ms = Milestone.objects.create(
        measure=measure,
        unit=unit,
        seq=seq,
        deliverable=deliverable,
        evidence_required=evidence_required,
        planned_on=planned,
    )
    audit_record(actor=actor, action="milestone.create", obj=ms, after=snapshot(ms, MILESTONE_FIELDS))
    return ms


@transaction.atomic
def milestone_update(
    *, actor, milestone: Milestone, deliverable=None, planned_on=None, evidence_required=None, note: str = ""
) -> Milestone:
    """Change a milestone. Once approved (its baseline frozen), moving its date needs a reason (note)."""
    _check_milestone_writer(actor, milestone.measure)
    before = snapshot(milestone, MILESTONE_FIELDS)
    note = _text(note or "", "note", 2000, required=False)
    if deliverable is not None:
        milestone.deliverable = _text(deliverable, "deliverable", 300)
    if planned_on is not None:
        planned = _parse_date(planned_on, "planned_on")
        if planned != milestone.planned_on and milestone.approved_at and not note:
            raise _invalid("note", "已审定的里程碑调整计划日期须说明理由")
        milestone.planned_on = planned
    if evidence_required is not None:
        milestone.evidence_required = _text(evidence_required, "evidence_required", 2000, required=False)
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
    files = check_files(files)
    evidence_note = _text(evidence_note or "", "evidence_note", 5000, required=False)
    before = snapshot(milestone, MILESTONE_FIELDS)
    done = _parse_date(done_on, "done_on")
    if done > _today():
        raise _invalid("done_on", "完成日期不能晚于今天")
    if milestone.evidence_required and not (evidence_note.strip() or files or milestone.evidence.exists()):
        raise _invalid("evidence", f"本里程碑要求提供佐证材料：{milestone.evidence_required}")
    milestone.done_on = done
    milestone.evidence_note = evidence_note
    milestone.save()
    _attach(files, actor=actor, milestone=milestone)
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


@transaction.atomic
def round_open(*, actor, period: str, due_on, plan_code: str | None = None) -> RoundOpened:
    """Open a 定期调度 round: one report per active measure and lead unit, pre-filled from the last one."""
    perms.require_department(actor)
    period = (period or "").strip()
    try:
        validate_period(period)
    except ValidationError as exc:
        raise _invalid("period", exc.messages[0].split(": ", 1)[-1]) from None
    due = _parse_date(due_on, "due")
    if ProgressRound.objects.filter(period=period).exists():
        raise DomainError(
            ERR_ROUND_EXISTS,
            f"period: 调度周期 {period} 已经开启 Round {period} already exists",
            data={"field": "period"},
        )
    rnd = ProgressRound.objects.create(period=period, due_on=due, opened_by=actor)
    links = MeasureUnit.objects.filter(role=MeasureUnit.Role.LEAD, measure__active=True).select_related(
        "measure"
    )
    if plan_code:
        links = links.filter(measure__plan__code=plan_code)
    # the pre-fill source: each (measure, unit)'s latest submitted report, in one query
    latest: dict[tuple[int, int], ProgressReport] = {}
    for r in ProgressReport.objects.filter(submitted_at__isnull=False).order_by("submitted_at", "pk"):
        latest[(r.measure_id, r.unit_id)] = r
    rows = []
    for link in links:
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
    units = {r.unit_id for r in rows}
    audit_record(
        actor=actor,
        action="round.open",
        obj=rnd,
        after={"period": period, "due_on": due, "reports": len(rows), "units": len(units)},
    )
    url = "/supervision/todo/"
    per_unit: dict[int, list[str]] = {}
    for link in links:
        per_unit.setdefault(link.unit_id, []).append(f"- {link.measure.code} {link.measure.title}")
    for unit_id in units:
        lines = per_unit.get(unit_id, [])
        notify(
            recipients=unit_users(unit_id),
            kind=Notification.Kind.INFO,
            title=f"{period} 定期调度已开启，请于 {due.isoformat()} 前填报",
            body=f"请于 {due.isoformat()} 前填报以下 {len(lines)} 项举措的进展报告"
            f"（有上次报告的已按其预填）：\n" + "\n".join(lines),
            url=url,
        )
    return RoundOpened(rnd, len(rows), len(units))


@transaction.atomic
def round_close(*, actor, round: ProgressRound) -> ProgressRound:
    perms.require_department(actor)
    if round.closed_at is None:
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="round.close", obj=round, after={"closed_at": round.closed_at})
    return round


def clean_report_data(data: dict) -> dict:
    """Validate a report's fields; raise ValidationFailed naming every bad field."""
    errors = []
    out = {}
    status = data.get("status", None)
    if status not in {s.value for s in ReportStatus}:
        allowed = ", ".join(s.value for s in ReportStatus)
        errors.append({"field": "status", "message": f"“{status}” 不是有效状态，可选：{allowed}"})
    else:
        out["status"] = status
    progress = data.get("progress", None)
    p = None
    if isinstance(progress, int) and not isinstance(progress, bool):
        p = progress
    elif isinstance(progress, str) and progress.strip().isdigit():
        p = int(progress.strip())
    if p is None or not 0 <= p <= 100:
        errors.append({"field": "progress", "message": f"“{progress}” 应为 0 到 100 之间的整数"})
    else:
        out["progress"] = p
    for name in ("done", "problems", "next_steps"):
        value = data.get(name, "") or ""
        if not isinstance(value, str):
            errors.append({"field": name, "message": "应为文本"})
        elif len(value) > 5000:
            errors.append({"field": name, "message": "不能超过 5000 字"})
        else:
            out[name] = value.strip()
    if not errors:
        if out["status"] == ReportStatus.COMPLETED and out["progress"] != 100:
            errors.append({"field": "progress", "message": "状态为已完成时进度应为 100"})
        if out["status"] == ReportStatus.PROBLEMS and not out["problems"]:
            errors.append({"field": "problems", "message": "状态为遇到困难时请说明存在的问题"})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    return out


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
    clean = clean_report_data(data)
    files = check_files(files)
    for k, v in clean.items():
        setattr(report, k, v)
    report.save()
    _remove_evidence(report, remove_evidence)
    _attach(files, actor=actor, report=report)
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
    clean = clean_report_data(data if data is not None else {f: getattr(report, f) for f in MEASURE_FIELDS})
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
    _attach(files, actor=actor, report=report)
    after = snapshot(report, REPORT_FIELDS)
    after["evidence"] = list(report.evidence.values_list("name", flat=True))
    if removed:
        after["evidence_removed"] = removed
    audit_record(actor=actor, action="report.submit", obj=report, before=before, after=after)
    return report


@transaction.atomic
def report_review(*, actor, report: ProgressReport, accept: bool, comment: str = "") -> ProgressReport:
    perms.require_department(actor)
    report = ProgressReport.objects.select_for_update().select_related("measure").get(pk=report.pk)
    if report.state != ProgressReport.State.SUBMITTED:
        raise DomainError(ERR_NOT_SUBMITTED, "只能审核已提交的报告 Only a submitted report can be reviewed")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise DomainError(
            ERR_RETURN_NEEDS_COMMENT,
            "comment: 退回报告须填写意见 A return needs a comment",
            data={"field": "comment"},
        )
    before = snapshot(report, REPORT_FIELDS)
    report.state = ProgressReport.State.ACCEPTED if accept else ProgressReport.State.RETURNED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.review_comment = comment
    report.save()
    report.versions.filter(number=report.version).update(outcome=report.state, review_comment=comment)
    audit_record(
        actor=actor,
        action="report.accept" if accept else "report.return",
        obj=report,
        before=before,
        after=snapshot(report, REPORT_FIELDS),
        note=comment,
    )
    verdict = "已审核通过" if accept else "被退回，请修改后重新提交"
    notify(
        recipients=unit_users(report.unit_id),
        kind=Notification.Kind.REVIEW,
        title=f"{report.measure.code} 进展报告{verdict}",
        body=comment,
        url=f"/supervision/reports/{report.pk}/",
    )
    return report


@transaction.atomic
def measure_report_progress(*, actor, measure: Measure, data: dict, files=()) -> ProgressReport:
    """The script entry (POST /measures/{code}/reports): fill and submit the unit's report in the open round,
    or file a report outside any round when none is open (or the round's report is already accepted).

    While the unit's report in an open round awaits review, a second report is refused (409) rather
    than filed beside it, so the department never reviews one version while another sits unseen.
    """
    unit_id = perms.user_unit_id(actor)
    if unit_id is None or not perms.leads_measure(actor, measure):
        raise perms.NotFound(f"举措 {measure.code} 不存在或无权查看 Measure {measure.code} not found")
    clean = clean_report_data(data)
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
        if waiting is not None:
            raise DomainError(
                ERR_AWAITING_REVIEW,
                f"{measure.code} 在 {waiting.round.period} 调度中的报告（#{waiting.pk}）已提交，待审核；"
                "审核通过或退回后再报 The report in this round awaits review",
                status=409,
                data={"report": waiting.pk, "round": waiting.round.period},
            )
        report = ProgressReport.objects.create(measure=measure, unit_id=unit_id)
    return report_submit(actor=actor, report=report, data=clean, files=files)


# ---------------------------------------------------------------- reminders and escalation


def collect_obligations(*, today: date) -> tuple[list[Obligation], dict[str, tuple[str, str]]]:
    """Everything some unit owes by a date: reports of open rounds, measures (their due date, until a
    `completed` report is accepted), milestones, challenge milestones.

    Returns the obligations and, per ref, (label, url) for the message.
    """
    obligations: list[Obligation] = []
    info: dict[str, tuple[str, str]] = {}
    reports = ProgressReport.objects.filter(
        round__closed_at__isnull=True, round__isnull=False
    ).select_related("round", "measure")
    for r in reports:
        done_on = None
        if r.state in (ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED) and r.submitted_at:
            done_on = timezone.localdate(r.submitted_at)
        ref = f"report:{r.pk}"
        obligations.append(Obligation(ref, str(r.unit_id), r.round.due_on, done_on))
        info[ref] = (
            f"{r.round.period} 定期调度：{r.measure.code} {r.measure.title[:40]} 进展报告",
            f"/supervision/reports/{r.pk}/",
        )
    # each measure's own deadline, owed by each of its lead units until a `completed` report is accepted
    completed_on: dict[int, date] = {}
    for measure_id, reviewed_at in ProgressReport.objects.filter(
        status=ReportStatus.COMPLETED, state=ProgressReport.State.ACCEPTED, reviewed_at__isnull=False
    ).values_list("measure_id", "reviewed_at"):
        day = timezone.localdate(reviewed_at)
        completed_on[measure_id] = min(day, completed_on.get(measure_id, day))
    links = MeasureUnit.objects.filter(
        role=MeasureUnit.Role.LEAD, measure__active=True, measure__due_on__isnull=False
    ).select_related("measure")
    for link in links:
        m = link.measure
        ref = f"measure:{m.pk}"
        obligations.append(Obligation(ref, str(link.unit_id), m.due_on, completed_on.get(m.pk)))
        info[ref] = (f"举措 {m.code} {m.title[:40]} 完成时限", f"/supervision/measures/{m.code}/")
    for m in Milestone.objects.filter(unit__isnull=False, measure__active=True).select_related("measure"):
        ref = f"milestone:{m.pk}"
        obligations.append(Obligation(ref, str(m.unit_id), m.planned_on, m.done_on))
        info[ref] = (f"{m.measure.code} 里程碑：{m.deliverable}", f"/supervision/measures/{m.measure.code}/")
    cms = CommitmentMilestone.objects.filter(commitment__state=Commitment.State.ACTIVE).select_related(
        "commitment__application__challenge"
    )
    for cm in cms:
        app = cm.commitment.application
        done_on = timezone.localdate(cm.submitted_at) if cm.submitted_at else None
        if cm.state == CommitmentMilestone.State.FAILED:
            continue
        ref = f"challenge-milestone:{cm.pk}"
        obligations.append(Obligation(ref, str(app.unit_id), cm.planned_on, done_on))
        info[ref] = (
            f"揭榜挂帅 {app.challenge.code} 里程碑：{cm.deliverable}",
            f"/supervision/commitments/{cm.commitment_id}/",
        )
    return obligations, info


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
    unit_names = dict(Unit.objects.values_list("pk", "name"))
    users_of: dict[str, list[User]] = {}
    # (recipient pk, kind) -> [(due, claim)]
    buckets: dict[tuple[int, str], list] = {}
    recipients_by_pk: dict[int, User] = {u.pk: u for u in dept}
    with transaction.atomic():
        for due in reminders_due(obligations, today=today, policy=policy):
            owner = due.obligation.owner
            if owner not in users_of:
                users_of[owner] = unit_users(owner)
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
                lines.append(
                    f"- {unit_names.get(int(o.owner), o.owner)}｜{label}｜到期日 {o.due_on.isoformat()}"
                )
            n = len(items)
            if kind == ReminderKind.REMINDER:
                title = f"到期提醒：{n} 项事项将于 {policy.remind_days_before} 日内到期"
                url = "/supervision/todo/"
            elif kind == ReminderKind.URGE:
                title = f"催办：{n} 项事项已逾期，请尽快完成"
                url = "/supervision/todo/"
            else:
                late = sorted({unit_names.get(int(d.obligation.owner), d.obligation.owner) for d, _ in items})
                title = f"通报：{'、'.join(late[:5])}{'等' if len(late) > 5 else ''} {len(late)} 个单位 {n} 项事项逾期超过 {policy.grace_days} 天"
                url = "/supervision/overview/" if user in dept else "/supervision/todo/"
            body = f"{REMINDER_LABELS[ReminderKind(kind)]}（{today.isoformat()}）\n" + "\n".join(lines)
            (notification,) = notify(recipients=[user], kind=kind, title=title, body=body, url=url)
            ReminderClaim.objects.filter(pk__in=[c.pk for _, c in items]).update(notification=notification)
            counts[kind] += 1
    return counts


# ---------------------------------------------------------------- 揭榜挂帅 challenges

CHALLENGE_FIELDS = [
    "code",
    "title",
    "state",
    "budget",
    "deadline",
    "eligible_kinds",
    "eligible_region_prefix",
    "max_teams",
]


def _challenge_audit(actor, action: str, challenge: Challenge, before: dict | None, note: str = ""):
    audit_record(
        actor=actor,
        action=action,
        obj=challenge,
        before=before,
        after=snapshot(challenge, CHALLENGE_FIELDS),
        note=note,
    )


def _next_challenge_code() -> str:
    year = _today().year
    n = Challenge.objects.filter(code__startswith=f"JB-{year}-").count() + 1
    while Challenge.objects.filter(code=f"JB-{year}-{n:02d}").exists():
        n += 1
    return f"JB-{year}-{n:02d}"


@transaction.atomic
def challenge_create(
    *,
    actor,
    title: str,
    problem: str,
    budget,
    deadline,
    targets: Sequence[dict],
    eligible_kinds: Sequence[str] = ("enterprise", "institution"),
    eligible_region_prefix: str = "15",
    eligibility_note: str = "",
    max_teams: int = 1,
    code: str | None = None,
    measure: Measure | None = None,
) -> Challenge:
    """Draft a 榜单; targets are dicts with code, name, unit, comparison ('>=' or '<='), value."""
    perms.require_department(actor)
    errors = []
    for name, value, limit in (
        ("title", title, 200),
        ("problem", problem, 10000),
        ("eligibility_note", eligibility_note or "x", 5000),
    ):
        try:
            _text(value, name, limit)
        except ValidationFailed as exc:
            errors += exc.data["errors"]
    if eligible_region_prefix and not (
        str(eligible_region_prefix).isdigit() and len(eligible_region_prefix) <= 6
    ):
        errors.append({"field": "eligible_region_prefix", "message": "应为 1-6 位区划代码前缀"})
    try:
        budget_d = _decimal(budget, "budget")
    except ValidationFailed as exc:
        errors += exc.data["errors"]
    try:
        deadline_d = _parse_date(deadline, "deadline")
        if deadline_d < _today():
            errors.append({"field": "deadline", "message": "揭榜截止日期不能早于今天"})
    except ValidationFailed as exc:
        errors += exc.data["errors"]
    from steppe.core.roles import UnitKind

    bad_kinds = [k for k in eligible_kinds if k not in UnitKind.values]
    if not eligible_kinds or bad_kinds:
        errors.append(
            {"field": "eligible_kinds", "message": f"无效的主体类型 {bad_kinds}，可选 {UnitKind.values}"}
        )
    if not isinstance(max_teams, int) or max_teams < 1:
        errors.append({"field": "max_teams", "message": "至少为 1"})
    if not targets:
        errors.append({"field": "targets", "message": "至少需要一项量化技术指标"})
    clean_targets = []
    for i, t in enumerate(targets or ()):
        path = f"targets[{i}]"
        name = (t.get("name") or "").strip() if isinstance(t.get("name"), str | None) else ""
        if not name or len(name) > 200:
            errors.append({"field": f"{path}.name", "message": "不能为空，且不超过 200 字"})
        if len(str(t.get("unit") or "")) > 40:
            errors.append({"field": f"{path}.unit", "message": "不能超过 40 字"})
        tcode = str(t.get("code") or f"t{i + 1}")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", tcode):
            errors.append({"field": f"{path}.code", "message": "只能含字母、数字、-、_，不超过 40 字"})
        comparison = t.get("comparison", ">=")
        if comparison not in (">=", "<="):
            errors.append({"field": f"{path}.comparison", "message": "应为 >= 或 <="})
        try:
            value = _decimal(t.get("value"), f"{path}.value", positive=False, places=4)
        except ValidationFailed as exc:
            errors += exc.data["errors"]
            continue
        clean_targets.append(
            dict(
                code=tcode,
                name=name,
                unit=str(t.get("unit") or ""),
                comparison=comparison,
                value=value,
            )
        )
    codes = [t["code"] for t in clean_targets]
    if len(codes) != len(set(codes)):
        errors.append({"field": "targets", "message": "指标代码重复"})
    if code and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", code):
        errors.append({"field": "code", "message": "只能含字母、数字、-、_，不超过 40 字"})
    elif code and Challenge.objects.filter(code=code).exists():
        errors.append({"field": "code", "message": f"榜单编号 {code} 已存在"})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    challenge = Challenge.objects.create(
        code=code or _next_challenge_code(),
        title=title.strip(),
        problem=problem.strip(),
        budget=budget_d,
        deadline=deadline_d,
        eligible_kinds=list(eligible_kinds),
        eligible_region_prefix=eligible_region_prefix or "",
        eligibility_note=eligibility_note,
        max_teams=max_teams,
        measure=measure,
        created_by=actor,
    )
    for t in clean_targets:
        ChallengeTarget.objects.create(challenge=challenge, **t)
    _challenge_audit(actor, "challenge.create", challenge, None)
    return challenge


def _require_state(challenge: Challenge, *states) -> None:
    if challenge.state not in states:
        allowed = "、".join(Challenge.State(s).label for s in states)
        raise DomainError(
            ERR_WRONG_STATE,
            f"榜单当前为“{challenge.get_state_display()}”，此操作需在“{allowed}”阶段进行",
            status=409,
            data={"state": challenge.state},
        )


@transaction.atomic
def challenge_publish(*, actor, challenge: Challenge, note: str = "") -> Challenge:
    perms.require_department(actor)
    _require_state(challenge, Challenge.State.DRAFT)
    before = snapshot(challenge, CHALLENGE_FIELDS)
    challenge.state = Challenge.State.PUBLISHED
    challenge.published_at = timezone.now()
    challenge.save()
    _challenge_audit(actor, "challenge.publish", challenge, before, note)
    return challenge


@transaction.atomic
def challenge_assign_experts(
    *, actor, challenge: Challenge, experts: Sequence[User], note: str = ""
) -> Challenge:
    perms.require_department(actor)
    bad = [u.username for u in experts if u.role != Role.EXPERT]
    if bad:
        raise _invalid("experts", f"以下账号不是评审专家：{', '.join(bad)}")
    before = {"experts": sorted(challenge.experts.values_list("pk", flat=True))}
    challenge.experts.add(*experts)
    audit_record(
        actor=actor,
        action="challenge.assign_experts",
        obj=challenge,
        before=before,
        after={"experts": sorted(challenge.experts.values_list("pk", flat=True))},
        note=note,
    )
    return challenge


def eligibility_checks(challenge: Challenge, *, unit: Unit | None, today: date) -> list[dict]:
    """Each check with ok and a message; an application is eligible when all are ok."""
    region_code = unit.region.code if unit and unit.region_id else ""
    checks = [
        {"check": "open", "ok": challenge.state == Challenge.State.PUBLISHED, "message": "榜单处于张榜期"},
        {
            "check": "deadline",
            "ok": today <= challenge.deadline,
            "message": f"在揭榜截止日期 {challenge.deadline.isoformat()} 之前",
        },
        {"check": "unit", "ok": unit is not None, "message": "以单位名义揭榜"},
        {
            "check": "kind",
            "ok": bool(unit) and unit.kind in challenge.eligible_kinds,
            "message": f"主体类型为 {'、'.join(challenge.eligible_kinds)}",
        },
    ]
    if challenge.eligible_region_prefix:
        checks.append(
            {
                "check": "region",
                "ok": region_code.startswith(challenge.eligible_region_prefix),
                "message": f"注册地区划代码以 {challenge.eligible_region_prefix} 开头",
            }
        )
    return checks


@transaction.atomic
def application_submit(*, actor, challenge: Challenge, proposal: str, requested_budget) -> Application:
    if actor.role not in perms.application_allowed_roles():
        raise Forbidden("只有企业或高校院所账号可以揭榜 Only enterprises and institutions may apply")
    checks = eligibility_checks(challenge, unit=actor.unit, today=_today())
    failed = [c for c in checks if not c["ok"]]
    if failed:
        raise DomainError(
            ERR_INELIGIBLE,
            "不符合揭榜条件：" + "；".join(c["message"] for c in failed),
            data={"checks": checks},
        )
    proposal = _text(proposal, "proposal", 20000)
    amount = _decimal(requested_budget, "requested_budget")
    if amount > challenge.budget:
        raise _invalid("requested_budget", f"申请经费不能超过榜单经费 {challenge.budget} 万元")
    if Application.objects.filter(challenge=challenge, unit=actor.unit).exists():
        raise DomainError(
            "already_applied", f"{actor.unit} 已揭榜此榜单 This unit has already applied", status=409
        )
    app = Application.objects.create(
        challenge=challenge,
        unit=actor.unit,
        submitted_by=actor,
        proposal=proposal.strip(),
        requested_budget=amount,
        eligibility=checks,
    )
    audit_record(
        actor=actor,
        action="application.submit",
        obj=app,
        after={
            "challenge": challenge.code,
            "unit": actor.unit.name,
            "requested_budget": amount,
            "eligibility": checks,
        },
    )
    return app


@transaction.atomic
def challenge_close_applications(*, actor, challenge: Challenge, note: str = "") -> Challenge:
    perms.require_department(actor)
    _require_state(challenge, Challenge.State.PUBLISHED)
    if not challenge.applications.exists():
        raise DomainError("no_applications", "尚无揭榜申请，不能进入评审 No applications yet")
    before = snapshot(challenge, CHALLENGE_FIELDS)
    challenge.state = Challenge.State.REVIEWING
    challenge.save()
    _challenge_audit(actor, "challenge.start_review", challenge, before, note)
    return challenge


@transaction.atomic
def review_submit(
    *, actor, application: Application, conflict: bool, score=None, comment: str = "", conflict_note: str = ""
) -> ExpertReview:
    challenge = application.challenge
    if not perms.reviews_challenge(actor, challenge):
        raise perms.NotFound("揭榜申请不存在或无权查看 Application not found")
    _require_state(challenge, Challenge.State.REVIEWING)
    if conflict and score not in (None, ""):
        raise DomainError(
            ERR_CONFLICT_SCORE,
            "score: 已声明利益冲突的专家不能评分 An expert with a conflict cannot score",
            data={"field": "score"},
        )
    score_d = None
    if not conflict:
        if score in (None, ""):
            raise _invalid("score", "请评分（0-100），或声明利益冲突")
        score_d = _decimal(score, "score", positive=False)
        if not Decimal(0) <= score_d <= Decimal(100):
            raise _invalid("score", "应在 0 到 100 之间")
    review, created = ExpertReview.objects.get_or_create(
        application=application, expert=actor, defaults={"conflict": conflict}
    )
    before = None if created else snapshot(review, ["conflict", "score", "comment"])
    review.conflict = conflict
    review.conflict_note = conflict_note
    review.score = score_d
    review.comment = comment
    review.submitted_at = timezone.now()
    review.save()
    audit_record(
        actor=actor,
        action="review.submit",
        obj=review,
        before=before,
        after=snapshot(review, ["conflict", "score", "comment"]),
        note=conflict_note if conflict else comment,
    )
    return review


@transaction.atomic
def challenge_select(
    *, actor, challenge: Challenge, applications: Sequence[Application], note: str
) -> list[Commitment]:
    """Select one team, or several in parallel (赛马), up to ``max_teams``; each gets a draft commitment."""
    perms.require_department(actor)
    note = _need_note(note, "立项")
    _require_state(challenge, Challenge.State.REVIEWING)
    if not applications:
        raise _invalid("applications", "至少选择一个团队")
    if len(applications) > challenge.max_teams:
        raise DomainError(
            ERR_TOO_MANY_TEAMS,
            f"applications: 本榜单最多立项 {challenge.max_teams} 个团队",
            data={"field": "applications"},
        )
    for app in applications:
        if app.challenge_id != challenge.pk:
            raise _invalid("applications", f"申请 {app.pk} 不属于本榜单")
        if not app.reviews.filter(conflict=False, score__isnull=False).exists():
            raise DomainError(
                "not_reviewed", f"{app.unit} 的方案尚无专家评分，不能立项", data={"application": app.pk}
            )
    total = sum((a.requested_budget for a in applications), Decimal(0))
    if total > challenge.budget:
        raise _invalid(
            "applications", f"入选团队申请经费合计 {total} 万元超过榜单经费 {challenge.budget} 万元"
        )
    before = snapshot(challenge, CHALLENGE_FIELDS)
    chosen = {a.pk for a in applications}
    targets = [
        {"code": t.code, "name": t.name, "unit": t.unit, "comparison": t.comparison, "value": str(t.value)}
        for t in challenge.targets.all()
    ]
    commitments = []
    for app in challenge.applications.all():
        app.state = Application.State.SELECTED if app.pk in chosen else Application.State.NOT_SELECTED
        app.save(update_fields=["state"])
        if app.pk in chosen:
            commitments.append(
                Commitment.objects.create(application=app, targets=targets, total_budget=app.requested_budget)
            )
    challenge.state = Challenge.State.IN_PROGRESS
    challenge.save()
    _challenge_audit(
        actor,
        "challenge.select",
        challenge,
        before,
        note=f"{note}（入选：{'、'.join(a.unit.name for a in applications)}）",
    )
    for app in applications:
        notify(
            recipients=unit_users(app.unit_id),
            kind=Notification.Kind.INFO,
            title=f"揭榜挂帅 {challenge.code} 入选通知，请签署军令状",
            url=f"/supervision/commitments/{app.commitment.pk}/",
        )
    return commitments


@transaction.atomic
def commitment_define(
    *, actor, commitment: Commitment, milestones: Sequence[dict], tranches: Sequence
) -> Commitment:
    """Set the pledge's milestones (deliverable, planned_on) and tranches (amounts in 万元).

    Tranche 0 is paid on signing; tranche n after milestone n is accepted, so there can be at most
    one more tranche than milestones. The tranches add up to the commitment's budget.
    """
    perms.require_department(actor)
    if commitment.state != Commitment.State.DRAFT:
        raise DomainError(ERR_WRONG_STATE, "军令状已签署，不能修改 The commitment is signed", status=409)
    errors = []
    if not milestones:
        errors.append({"field": "milestones", "message": "至少需要一个里程碑"})
    clean_ms = []
    last = None
    for i, m in enumerate(milestones or ()):
        deliverable = m.get("deliverable")
        if not isinstance(deliverable, str) or not deliverable.strip() or len(deliverable.strip()) > 300:
            errors.append({"field": f"milestones[{i}].deliverable", "message": "不能为空，且不超过 300 字"})
            continue
        try:
            d = _parse_date(m.get("planned_on"), f"milestones[{i}].planned_on")
        except ValidationFailed as exc:
            errors += exc.data["errors"]
            continue
        if last and d < last:
            errors.append({"field": f"milestones[{i}].planned_on", "message": "里程碑日期应按先后排列"})
        last = d
        clean_ms.append((m["deliverable"].strip(), d))
    amounts = []
    for i, a in enumerate(tranches or ()):
        try:
            amounts.append(_decimal(a, f"tranches[{i}]"))
        except ValidationFailed as exc:
            errors += exc.data["errors"]
    if not amounts:
        errors.append({"field": "tranches", "message": "至少需要一笔经费"})
    elif len(amounts) > len(milestones or ()) + 1:
        errors.append({"field": "tranches", "message": "经费笔数最多比里程碑数多一（首笔签署时拨付）"})
    elif sum(amounts) > commitment.challenge.budget:
        errors.append(
            {
                "field": "tranches",
                "message": f"经费合计 {sum(amounts)} 超过榜单经费 {commitment.challenge.budget} 万元",
            }
        )
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    commitment.milestones.all().delete()
    commitment.tranches.all().delete()
    for seq, (deliverable, planned) in enumerate(clean_ms, start=1):
        CommitmentMilestone.objects.create(
            commitment=commitment, seq=seq, deliverable=deliverable, planned_on=planned
        )
    for seq, amount in enumerate(amounts):
        Tranche.objects.create(commitment=commitment, seq=seq, amount=amount)
    before = {"total_budget": commitment.total_budget}
    commitment.total_budget = sum(amounts)
    commitment.save(update_fields=["total_budget"])
    audit_record(
        actor=actor,
        action="commitment.define",
        obj=commitment,
        before=before,
        after={
            "milestones": [(d, p) for d, p in clean_ms],
            "tranches": amounts,
            "total_budget": commitment.total_budget,
        },
    )
    return commitment


def _release(commitment: Commitment, seq: int, actor) -> Tranche | None:
    t = commitment.tranches.filter(seq=seq, released_at__isnull=True).first()
    if t:
        t.released_at = timezone.now()
        t.released_by = actor
        t.save(update_fields=["released_at", "released_by"])
        audit_record(actor=actor, action="tranche.release", obj=t, after={"seq": seq, "amount": t.amount})
    return t


@transaction.atomic
def commitment_sign(*, actor, commitment: Commitment) -> Commitment:
    if perms.user_unit_id(actor) != commitment.application.unit_id:
        raise perms.NotFound("军令状不存在或无权查看 Commitment not found")
    if commitment.state != Commitment.State.DRAFT:
        raise DomainError(ERR_WRONG_STATE, "军令状不在待签署状态", status=409)
    if not commitment.milestones.exists():
        raise DomainError("not_defined", "科技厅尚未确定里程碑和经费拨付计划，暂不能签署")
    commitment.state = Commitment.State.ACTIVE
    commitment.signed_at = timezone.now()
    commitment.signed_by = actor
    commitment.save()
    audit_record(
        actor=actor,
        action="commitment.sign",
        obj=commitment,
        before={"state": "draft"},
        after={"state": "active", "targets": commitment.targets},
    )
    _release(commitment, 0, actor)
    return commitment


@transaction.atomic
def commitment_milestone_submit(
    *, actor, milestone: CommitmentMilestone, evidence_note: str, files=()
) -> CommitmentMilestone:
    commitment = milestone.commitment
    if perms.user_unit_id(actor) != commitment.application.unit_id:
        raise perms.NotFound("军令状不存在或无权查看 Commitment not found")
    if commitment.state != Commitment.State.ACTIVE:
        raise DomainError(ERR_WRONG_STATE, "军令状不在执行中", status=409)
    if milestone.state not in (CommitmentMilestone.State.PENDING,):
        raise DomainError(ERR_WRONG_STATE, "该里程碑已提交或已验收", status=409)
    files = check_files(files)
    evidence_note = _text(evidence_note or "", "evidence_note", 5000, required=False)
    if not evidence_note and not files:
        raise _invalid("evidence_note", "请提供完成情况说明或佐证材料")
    milestone.state = CommitmentMilestone.State.SUBMITTED
    milestone.evidence_note = evidence_note.strip()
    milestone.submitted_at = timezone.now()
    milestone.save()
    _attach(files, actor=actor, commitment_milestone=milestone)
    audit_record(
        actor=actor,
        action="commitment_milestone.submit",
        obj=milestone,
        after={"state": milestone.state, "evidence_note": milestone.evidence_note},
    )
    return milestone


def _settle_challenge(challenge: Challenge, actor, note: str) -> None:
    states = list(Commitment.objects.filter(application__challenge=challenge).values_list("state", flat=True))
    if any(s in (Commitment.State.ACTIVE, Commitment.State.DRAFT) for s in states):
        return
    before = snapshot(challenge, CHALLENGE_FIELDS)
    challenge.state = (
        Challenge.State.COMPLETED if Commitment.State.COMPLETED in states else Challenge.State.FAILED
    )
    challenge.save()
    _challenge_audit(actor, "challenge.close", challenge, before, note)


@transaction.atomic
def commitment_milestone_decide(
    *, actor, milestone: CommitmentMilestone, accept: bool, note: str, terminate: bool = False
) -> CommitmentMilestone:
    """Accept (releasing the next tranche) or fail a milestone; a failure may terminate the commitment."""
    perms.require_department(actor)
    note = _need_note(note, "验收结论")
    commitment = milestone.commitment
    if milestone.state != CommitmentMilestone.State.SUBMITTED:
        raise DomainError(ERR_WRONG_STATE, "只能验收已提交的里程碑", status=409)
    earlier = commitment.milestones.filter(seq__lt=milestone.seq).exclude(
        state=CommitmentMilestone.State.ACCEPTED
    )
    if accept and earlier.exists():
        raise DomainError(ERR_WRONG_STATE, "请先验收此前的里程碑", status=409)
    milestone.state = CommitmentMilestone.State.ACCEPTED if accept else CommitmentMilestone.State.FAILED
    milestone.decided_at = timezone.now()
    milestone.decided_by = actor
    milestone.decision_note = note
    milestone.save()
    audit_record(
        actor=actor,
        action="commitment_milestone.accept" if accept else "commitment_milestone.fail",
        obj=milestone,
        before={"state": "submitted"},
        after={"state": milestone.state},
        note=note,
    )
    if accept:
        _release(commitment, milestone.seq, actor)
    elif terminate:
        commitment.state = Commitment.State.TERMINATED
        commitment.closed_at = timezone.now()
        commitment.save()
        audit_record(
            actor=actor,
            action="commitment.terminate",
            obj=commitment,
            before={"state": "active"},
            after={"state": "terminated"},
            note=note,
        )
        _settle_challenge(commitment.challenge, actor, note)
    else:
        # not terminated: the team may submit again
        milestone.state = CommitmentMilestone.State.PENDING
        milestone.save(update_fields=["state"])
    return milestone


@dataclass
class FinalResult:
    commitment: Commitment
    passed: bool
    checks: list[dict]


@transaction.atomic
def commitment_final_accept(*, actor, commitment: Commitment, achieved: dict, note: str) -> FinalResult:
    """Final acceptance: every milestone accepted, then each of the challenge's targets checked."""
    perms.require_department(actor)
    note = _need_note(note, "最终验收结论")
    if commitment.state != Commitment.State.ACTIVE:
        raise DomainError(ERR_WRONG_STATE, "军令状不在执行中", status=409)
    open_ms = commitment.milestones.exclude(state=CommitmentMilestone.State.ACCEPTED)
    if open_ms.exists():
        raise DomainError(ERR_WRONG_STATE, f"尚有 {open_ms.count()} 个里程碑未通过验收", status=409)
    errors, checks = [], []
    for t in commitment.challenge.targets.all():
        raw = achieved.get(t.code)
        if raw in (None, ""):
            errors.append({"field": f"achieved.{t.code}", "message": f"请填写“{t.name}”的实测值"})
            continue
        try:
            value = _decimal(raw, f"achieved.{t.code}", positive=False, places=4)
        except ValidationFailed as exc:
            errors += exc.data["errors"]
            continue
        checks.append(
            {
                "code": t.code,
                "name": t.name,
                "target": f"{t.comparison} {t.value}{t.unit}",
                "achieved": str(value),
                "met": t.met_by(value),
            }
        )
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    passed = all(c["met"] for c in checks)
    commitment.achieved = checks
    commitment.state = Commitment.State.COMPLETED if passed else Commitment.State.FAILED
    commitment.closed_at = timezone.now()
    commitment.save()
    audit_record(
        actor=actor,
        action="commitment.final_accept" if passed else "commitment.final_fail",
        obj=commitment,
        before={"state": "active"},
        after={"state": commitment.state, "checks": checks},
        note=note,
    )
    _settle_challenge(commitment.challenge, actor, note)
    return FinalResult(commitment, passed, checks)

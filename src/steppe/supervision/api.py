"""Supervision API: measures and their reports, milestones, rounds, reports, evidence, the audit trail.

Machine clients authenticate with `Authorization: Bearer TOKEN` (core.auth.api_auth); every
write goes through services.py, every permission through permissions.py.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from steppe.core.auth import api_auth
from steppe.core.errors import NotFound
from steppe.core.inputs import Id, Limit, Offset, declare_conflict
from steppe.core.pagination import API_LIMIT, window
from steppe.core.validation import invalid, parse_choice

from . import chase, queries, services
from . import permissions as perms
from .models import Evidence, ProgressReport, ProgressRound, TargetReport
from .status import STATUS_LABELS
from .status import Status as MeasureStatus
from .validation import (
    ChaseBody,
    MilestoneBody,
    MilestoneChangeBody,
    MilestoneDoneBody,
    ReviewBody,
    RoundBody,
    TargetReportBody,
)

router = Router(tags=["supervision"])


def _anonymous_without_credentials(request):
    """Public endpoints: no Authorization header and no session reads as anonymous; a wrong token still
    answers 401 (so a typo in a script is not silently served the public view)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    return AnonymousUser()


# token or session when given, anonymous otherwise (ninja tries these in order)
public_auth = [*api_auth, _anonymous_without_credentials]


# ---------------------------------------------------------------- schemas


class ReasonOut(Schema):
    code: str
    message: str  # Chinese
    message_en: str  # English


class PeriodOut(Schema):
    key: str = Field(..., description="the period of the measure's frequency: 2026-Q4, 2026-11, 2026-H2, 2026")
    rounds: list[str]
    due_on: date
    forms: int
    submitted: int
    state: str = Field(..., description="reported | partial | missed | open")


class MeasureStatusOut(Schema):
    code: str
    title: str
    type: str = Field(..., description="mechanism | project | register | recurring | one_off ('' in a format 1 plan)")
    frequency: str | None = Field(None, description="a recurring measure's frequency, else null")
    periods: list[PeriodOut] = Field(default_factory=list, description="a recurring measure's periods (per round)")
    action: str
    due_on: date
    lead_units: list[str]
    indicators: list[str]
    status: str
    status_label: str
    reasons: list[ReasonOut]
    expected_progress: int | None
    reported_progress: int | None


class ReportIn(Schema):
    status: str = Field(..., description="not_started | in_progress | problems | completed")
    progress: int = Field(..., description="% done, 0-100")
    done: str = ""
    problems: str = ""
    next_steps: str = ""


class EvidenceOut(Schema):
    id: int
    name: str
    size: int | None
    uploaded_at: datetime
    url: str = Field(..., description="GET it with the same token: /api/v1/evidence/{id}")


class ReportOut(Schema):
    id: int
    round: str | None
    measure: str
    unit: str
    state: str
    status: str
    progress: int
    done: str
    problems: str
    next_steps: str
    version: int
    submitted_at: datetime | None
    review_comment: str
    evidence: list[EvidenceOut]


class TargetReportOut(Schema):
    id: int
    round: str
    target: str = Field(..., description="the qualitative target's code (Q1-Q6 in the built-in plan)")
    target_name: str
    unit: str
    state: str = Field(..., description="draft | submitted | returned | accepted")
    status: str
    narrative: str
    version: int
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str


class CompletenessOut(Schema):
    key: str
    total: int
    submitted: int
    accepted: int
    returned: int
    on_time: int
    late: int
    completeness: float = Field(..., description="% of the forms submitted or accepted, 0-100")
    timeliness: float = Field(..., description="% of the forms first submitted by the due date, 0-100")


class RoundOut(Schema):
    period: str
    due_on: date
    open: bool
    total: CompletenessOut


class RoundDetailOut(RoundOut):
    units: list[CompletenessOut]
    actions: list[CompletenessOut]


class MilestoneOut(Schema):
    id: int
    measure: str
    seq: int
    deliverable: str
    evidence_required: str
    planned_on: date
    baseline_planned_on: date | None
    done_on: date | None
    evidence_note: str
    evidence: list[EvidenceOut]
    approved: bool


class AuditOut(Schema):
    at: datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    note: str


# ---------------------------------------------------------------- helpers

FILES_HELP = (
    f"evidence files (multipart/form-data only; at most {services.EVIDENCE_MAX_FILES}, "
    f"{services.EVIDENCE_MAX_BYTES // (1024 * 1024)} MB each)"
)


def json_body(schema: type[Schema]) -> dict:
    """OpenAPI for an endpoint that reads the schema's fields as a JSON object itself (read_input)."""
    js = schema.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": js}}}}


def json_or_form(schema: type[Schema]) -> dict:
    """OpenAPI for an endpoint taking the schema's fields as JSON, or as multipart/form-data with `files`."""
    js = schema.model_json_schema()
    form = {
        **js,
        "properties": {
            **js.get("properties", {}),
            "files": {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "description": FILES_HELP,
            },
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": js}, "multipart/form-data": {"schema": form}},
        }
    }


def read_input(request, schema: type[Schema]) -> tuple[dict, list]:
    """The schema's fields from a JSON object, or from a multipart/form-data body with its `files`.

    Values are checked by the service (which names each bad field); here only the body's shape.
    """
    fields = list(schema.model_fields)
    ctype = (request.content_type or "").lower()
    if ctype == "application/x-www-form-urlencoded" and request.body.lstrip()[:1] in (b"{", b"["):
        ctype = "application/json"  # `curl -d '{...}'` without a Content-Type header still means JSON
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        data = {k: request.POST[k] for k in fields if k in request.POST}
        return data, request.FILES.getlist("files")
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("body", gettext("不是有效的 JSON：%(error)s") % {"error": exc}) from None
    if not isinstance(data, dict):
        raise invalid("body", gettext("应为 JSON 对象"))
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise invalid(unknown[0], gettext("未知字段，可用字段：%(fields)s") % {"fields": ", ".join(fields)})
    return data, []


def evidence_out(items) -> list[dict]:
    out = []
    for e in items:
        try:
            size = e.file.size
        except (OSError, ValueError):
            size = None
        out.append(
            {
                "id": e.pk,
                "name": e.name,
                "size": size,
                "uploaded_at": e.uploaded_at,
                "url": f"/api/v1/evidence/{e.pk}",
            }
        )
    return out


def _measure_out(row: queries.MeasureRow) -> dict:
    m, r = row.measure, row.result
    return {
        "code": m.code,
        "title": m.title,
        "type": m.type,
        "frequency": m.frequency or None,
        "periods": [
            {"key": p.key, "rounds": p.rounds, "due_on": p.due_on, "forms": p.forms, "submitted": p.submitted,
             "state": p.state.value}
            for p in row.periods
        ],
        "action": m.action.code,
        "due_on": m.due_on,
        "lead_units": [u.name for u in row.lead_units],
        "indicators": m.indicators,
        "status": r.status.value,
        "status_label": STATUS_LABELS[r.status],
        "reasons": [{"code": x.code, "message": x.message, "message_en": x.en} for x in r.reasons],
        "expected_progress": r.expected_progress,
        "reported_progress": r.reported_progress,
    }


def _report_out(r) -> dict:
    return {
        "id": r.pk,
        "round": r.round.period if r.round_id else None,
        "measure": r.measure.code,
        "unit": r.unit.name,
        "state": r.state,
        "status": r.status,
        "progress": r.progress,
        "done": r.done,
        "problems": r.problems,
        "next_steps": r.next_steps,
        "version": r.version,
        "submitted_at": r.submitted_at,
        "review_comment": r.review_comment,
        "evidence": evidence_out(r.evidence.all()),
    }


def _completeness(c) -> dict:
    return {f: getattr(c, f) for f in CompletenessOut.model_fields}


def _round_out(rnd: ProgressRound, detail=False) -> dict:
    c = queries.round_completeness(rnd)
    out = {
        "period": rnd.period,
        "due_on": rnd.due_on,
        "open": rnd.is_open,
        "total": _completeness(c["total"]),
    }
    if detail:
        out["units"] = [_completeness(x) for x in c["units"]]
        out["actions"] = [_completeness(x) for x in c["actions"]]
    return out


def _milestone_out(ms) -> dict:
    base = ms.baselines.first()
    return {
        "id": ms.pk,
        "measure": ms.measure.code,
        "seq": ms.seq,
        "deliverable": ms.deliverable,
        "evidence_required": ms.evidence_required,
        "planned_on": ms.planned_on,
        "baseline_planned_on": base.planned_on if base else None,
        "done_on": ms.done_on,
        "evidence_note": ms.evidence_note,
        "evidence": evidence_out(ms.evidence.all()),
        "approved": ms.approved_at is not None,
    }


# ---------------------------------------------------------------- measures


@router.get(
    "/measures",
    response=list[MeasureStatusOut],
    auth=api_auth,
    summary="Measures the caller may see with their status; mine=true: only those the caller reports on "
    "(its unit leads them, or, for a league bureau, they name its league)",
)
def list_measures(
    request, mine: bool = False, status: str | None = None, limit: Limit = API_LIMIT, offset: Offset = 0
):
    user = request.auth
    rows = queries.measure_rows(user)
    if mine and not perms.is_league_bureau(user):  # a league's bureau reports on all it sees
        unit_id = perms.user_unit_id(user)
        rows = [r for r in rows if any(u.pk == unit_id for u in r.lead_units)]
    if status:
        status = parse_choice(status, "status", [s.value for s in MeasureStatus])
        rows = [r for r in rows if r.status.value == status]
    return [_measure_out(r) for r in rows[offset : offset + limit]]  # in the plan's measure order


@router.get("/measures/{code}/status", response=MeasureStatusOut, auth=api_auth)
def measure_status(request, code: str):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    rows = [r for r in queries.measure_rows(request.auth) if r.measure.pk == measure.pk]
    return _measure_out(rows[0])


declare_conflict("POST /measures/{code}/chase",
                 "the measure is on schedule or done, its units have no account yet, or it was chased today")
declare_conflict("POST /measures/{code}/reports", "the caller's report in an open round awaits review")
declare_conflict("POST /targets/{code}/reports",
                 "the caller's report of the round awaits review or is accepted, or no round is open")


class ChaseOut(Schema):
    recipients: int = Field(..., description="how many accounts the 催办 reached")


@router.post(
    "/measures/{code}/chase",
    response={201: ChaseOut},
    auth=api_auth,
    summary="A league bureau chases (催办) a late or at-risk measure of its league, with an optional note",
    description="JSON `{note}` (at most 500 characters). 404 for a measure not of the caller's league; 403 for "
    "a county bureau; 409 when the measure is on schedule, its units have no account, or it was chased today.",
)
def chase_measure(request, code: str, payload: ChaseBody):
    """Checked by supervision.validation.ChaseValidator, the league page's 催办 form."""
    sent = chase.measure_chase(actor=request.auth, code=code, note=payload.dict()["note"])
    return Status(201, {"recipients": len(sent)})


@router.post(
    "/measures/{code}/reports",
    response={201: ReportOut},
    auth=api_auth,
    summary="Report progress: fills and submits the caller's report in the open round (or on its own)",
    description=(
        "JSON `{status, progress, done, problems, next_steps}`, or the same fields as "
        "multipart/form-data with evidence `files`. 409 while the caller's report in an open round "
        "awaits review."
    ),
    openapi_extra=json_or_form(ReportIn),
)
def post_measure_report(request, code: str):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    data, files = read_input(request, ReportIn)
    report = services.measure_report_progress(actor=request.auth, measure=measure, data=data, files=files)
    return Status(201, _report_out(report))


@router.get("/measures/{code}/milestones", response=list[MilestoneOut], auth=api_auth)
def list_milestones(request, code: str, limit: Limit = API_LIMIT, offset: Offset = 0):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    qs = measure.milestones.prefetch_related("baselines", "evidence")
    return [_milestone_out(m) for m in window(qs, limit=limit, offset=offset)]


@router.post("/measures/{code}/milestones", response={201: MilestoneOut}, auth=api_auth)
def create_milestone(request, code: str, payload: MilestoneBody):
    """Checked by supervision.validation.MilestoneValidator, the measure page's: every bad field at once."""
    measure, _ = perms.get_measure_for_user(request.auth, code)
    ms = services.milestone_create(actor=request.auth, measure=measure, **payload.dict())
    return Status(201, _milestone_out(ms))


@router.post(
    "/measures/{code}/milestones/approve",
    auth=api_auth,
    summary="Department: approve the milestones; the first approved set is frozen as the baseline",
)
def approve_milestones(request, code: str):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    frozen = services.milestones_approve(actor=request.auth, measure=measure)
    return {"baseline_frozen": frozen}


@router.patch(
    "/milestones/{pk}",
    response=MilestoneOut,
    auth=api_auth,
    summary="Change a milestone (a new planned date of an approved one needs a note; the baseline stays)",
)
def change_milestone(request, pk: Id, payload: MilestoneChangeBody):
    """Checked by supervision.validation.MilestoneChangeValidator (the page's 调整计划日期): the fields sent
    change, a field left out (or null) stays; a new date of an approved milestone needs a `note`."""
    ms, _ = perms.get_milestone_for_user(request.auth, pk)
    ms = services.milestone_update(actor=request.auth, milestone=ms, **payload.dict())
    return _milestone_out(ms)


@router.post(
    "/milestones/{pk}/done",
    response=MilestoneOut,
    auth=api_auth,
    summary="A lead unit marks a milestone done, with its evidence (a note and/or files)",
    description="JSON `{done_on, evidence_note}`, or the same fields as multipart/form-data with `files`.",
    openapi_extra=json_or_form(MilestoneDoneBody),
)
def milestone_done(request, pk: Id):
    """Checked by supervision.validation.MilestoneDoneValidator, the measure page's."""
    ms, _ = perms.get_milestone_for_user(request.auth, pk)
    data, files = read_input(request, MilestoneDoneBody)
    ms = services.milestone_complete(
        actor=request.auth,
        milestone=ms,
        done_on=data.get("done_on"),
        evidence_note=data.get("evidence_note", ""),
        files=files,
    )
    return _milestone_out(ms)


# ---------------------------------------------------------------- rounds and reports


@router.get("/rounds", response=list[RoundOut], auth=api_auth)
def list_rounds(request, limit: Limit = API_LIMIT, offset: Offset = 0):
    if not perms.can_see_rounds(request.auth):
        raise NotFound()
    rounds = window(ProgressRound.objects.order_by("-due_on", "-id"), limit=limit, offset=offset)
    # every round's total in one query (round_completeness per round cost a query per row)
    return [
        {"period": r.period, "due_on": r.due_on, "open": r.is_open, "total": _completeness(total)}
        for r, total in queries.rounds_totals(rounds)
    ]


@router.post("/rounds", response={201: RoundDetailOut}, auth=api_auth, summary="Department: open a round")
def open_round(request, payload: RoundBody):
    """Checked by supervision.validation.RoundValidator, the rounds page's: every bad field at once."""
    result = services.round_open(
        actor=request.auth, period=payload.period, due_on=payload.due, plan_code=payload.plan
    )
    return Status(201, _round_out(result.round, detail=True))


@router.get(
    "/rounds/{period}",
    response=RoundDetailOut,
    auth=api_auth,
    summary="A round with completeness and timeliness per unit and per action (department)",
)
def get_round(request, period: str):
    rnd = ProgressRound.objects.filter(period=period).first()
    if rnd is None or not perms.is_department(request.auth):  # what one may not see answers 404
        raise NotFound(f"调度周期 {period} 不存在 Round {period} not found")
    return _round_out(rnd, detail=True)


@router.get("/reports", response=list[ReportOut], auth=api_auth, summary="Reports the caller may see")
def list_reports(
    request, round: str | None = None, state: str | None = None, limit: Limit = API_LIMIT, offset: Offset = 0
):
    qs = perms.reports_visible_to(request.auth)
    if round:
        qs = qs.filter(round__period=round)
    if state:
        qs = qs.filter(state=parse_choice(state, "state", ProgressReport.State.values))
    qs = qs.prefetch_related("evidence").order_by("measure__code", "unit__name", "-round__due_on")
    return [_report_out(r) for r in window(qs, limit=limit, offset=offset)]


@router.get("/reports/{pk}", response=ReportOut, auth=api_auth)
def get_report(request, pk: Id):
    report, _ = perms.get_report_for_user(request.auth, pk)
    return _report_out(report)


@router.post(
    "/reports/{pk}/submit",
    response=ReportOut,
    auth=api_auth,
    summary="Submit (or resubmit after a return) a report, as JSON or multipart/form-data with `files`",
    openapi_extra=json_or_form(ReportIn),
)
def submit_report(request, pk: Id):
    report, _ = perms.get_report_for_user(request.auth, pk)
    data, files = read_input(request, ReportIn)
    return _report_out(services.report_submit(actor=request.auth, report=report, data=data, files=files))


@router.post(
    "/reports/{pk}/review", response=ReportOut, auth=api_auth, summary="Department: accept or return"
)
def review_report(request, pk: Id, payload: ReviewBody):
    """Checked by supervision.validation.ReviewValidator, the report page's review."""
    report, _ = perms.get_report_for_user(request.auth, pk)
    review = payload.dict()
    return _report_out(services.report_review(actor=request.auth, report=report, accept=review["accept"],
                                              comment=review["comment"]))


# ---------------------------------------------------------------- reports on qualitative targets
# The same rules as the progress reports above: the department sees and reviews all, a unit (a league
# bureau's included) sees and files only its own; what one may not see answers 404.

def _target_report_out(r: TargetReport) -> dict:
    return {
        "id": r.pk,
        "round": r.round.period,
        "target": r.target.code,
        "target_name": r.target.name,
        "unit": r.unit.name,
        "state": r.state,
        "status": r.status,
        "narrative": r.narrative,
        "version": r.version,
        "submitted_at": r.submitted_at,
        "reviewed_at": r.reviewed_at,
        "review_comment": r.review_comment,
    }


@router.get(
    "/target-reports",
    response=list[TargetReportOut],
    auth=api_auth,
    summary="Reports on qualitative targets the caller may see (the department: all; a unit: its own)",
)
def list_target_reports(
    request, round: str | None = None, state: str | None = None, target: str | None = None,
    limit: Limit = API_LIMIT, offset: Offset = 0,
):
    qs = perms.target_reports_visible_to(request.auth)
    if round:
        qs = qs.filter(round__period=round)
    if state:
        qs = qs.filter(state=parse_choice(state, "state", TargetReport.State.values))
    if target:
        qs = qs.filter(target__code=target)
    qs = qs.order_by("target__order", "unit__name", "-round__due_on", "pk")
    return [_target_report_out(r) for r in window(qs, limit=limit, offset=offset)]


@router.get("/target-reports/{pk}", response=TargetReportOut, auth=api_auth)
def get_target_report(request, pk: Id):
    report, _ = perms.get_target_report_for_user(request.auth, pk)
    return _target_report_out(report)


@router.post(
    "/targets/{code}/reports",
    response={201: TargetReportOut},
    auth=api_auth,
    summary="Report on a qualitative target: fills and submits the caller's report in the open round",
    description="JSON `{status, narrative}`. Only a lead unit of the target reports on it (404 for anyone "
    "else); 409 while its report of the round awaits review or is accepted, or when no round is open.",
    openapi_extra=json_body(TargetReportBody),
)
def post_target_report(request, code: str):
    """Checked by supervision.validation.TargetReportValidator, the target report page's."""
    target = perms.get_target_for_user(request.auth, code)
    data, _ = read_input(request, TargetReportBody)
    report = services.target_report_progress(actor=request.auth, target=target, data=data)
    return Status(201, _target_report_out(report))


@router.post(
    "/target-reports/{pk}/submit",
    response=TargetReportOut,
    auth=api_auth,
    summary="Submit (or resubmit after a return) a report on a qualitative target",
    description="JSON `{status, narrative}`; refused (400, report_not_editable) once it is submitted or accepted.",
    openapi_extra=json_body(TargetReportBody),
)
def submit_target_report(request, pk: Id):
    report, _ = perms.get_target_report_for_user(request.auth, pk)
    data, _ = read_input(request, TargetReportBody)
    return _target_report_out(services.target_report_submit(actor=request.auth, report=report, data=data))


@router.post(
    "/target-reports/{pk}/review",
    response=TargetReportOut,
    auth=api_auth,
    summary="Department: accept or return a report on a qualitative target (a return needs a comment)",
)
def review_target_report(request, pk: Id, payload: ReviewBody):
    """Checked by supervision.validation.ReviewValidator, the target report page's review."""
    report, _ = perms.get_target_report_for_user(request.auth, pk)
    review = payload.dict()
    return _target_report_out(services.target_report_review(actor=request.auth, report=report,
                                                            accept=review["accept"], comment=review["comment"]))


@router.get(
    "/evidence/{pk}",
    auth=api_auth,
    summary="Download an evidence file (who may see its report, milestone or 军令状 may download it)",
)
def download_evidence(request, pk: Id):
    return evidence_response(perms.get_evidence_for_user(request.auth, pk))


def evidence_response(evidence: Evidence) -> FileResponse:
    try:
        handle = evidence.file.open("rb")
    except (OSError, ValueError):
        raise NotFound("佐证材料文件已不存在 Evidence file missing") from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


# ---------------------------------------------------------------- audit


@router.get(
    "/supervision/audit",
    response=list[AuditOut],
    auth=api_auth,
    summary="Department: the audit trail of measures, milestones, reports and challenges (揭榜挂帅)",
)
def audit(
    request, object_type: str | None = None, object_id: str | None = None, limit: Limit = 200, offset: Offset = 0
):
    if not perms.can_see_audit(request.auth):
        raise NotFound()
    qs = queries.audit_entries()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return [
        {
            "at": e.at,
            "actor": e.actor.username if e.actor_id else None,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_repr": e.object_repr,
            "before": e.before if isinstance(e.before, dict) or e.before is None else {"value": e.before},
            "after": e.after if isinstance(e.after, dict) or e.after is None else {"value": e.after},
            "note": e.note,
        }
        for e in window(qs.select_related("actor"), limit=limit, offset=offset)
    ]

"""Supervision API: measures and their reports, milestones, rounds, reports, challenges, the inbox.

Machine clients authenticate with `Authorization: Bearer TOKEN` (core.auth.api_auth); every
write goes through services.py, every permission through permissions.py.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from steppe.core.auth import api_auth
from steppe.core.errors import NotFound
from steppe.core.models import AuditEntry, User

from . import permissions as perms
from . import queries, services
from .models import Application, CommitmentMilestone, Evidence, Notification, ProgressRound
from .status import STATUS_LABELS

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
    message: str


class MeasureStatusOut(Schema):
    code: str
    title: str
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


class ReviewIn(Schema):
    accept: bool
    comment: str = ""


class RoundIn(Schema):
    period: str = Field(..., description="2026-Q4 or 2026-11")
    due: date
    plan: str | None = None


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


class MilestoneIn(Schema):
    deliverable: str
    planned_on: date
    evidence_required: str = ""


class MilestoneChangeIn(Schema):
    deliverable: str | None = None
    planned_on: date | None = None
    evidence_required: str | None = None
    note: str = Field("", description="why; required to move the date of an approved milestone")


class MilestoneDoneIn(Schema):
    done_on: date
    evidence_note: str = ""


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


class TargetIO(Schema):
    code: str
    name: str
    unit: str = ""
    comparison: str = ">="
    value: Decimal


class ChallengeIn(Schema):
    title: str
    problem: str
    budget: Decimal = Field(..., description="万元")
    deadline: date
    targets: list[TargetIO]
    eligible_kinds: list[str] = ["enterprise", "institution"]
    eligible_region_prefix: str = "15"
    eligibility_note: str = ""
    max_teams: int = 1


class ChallengeOut(Schema):
    code: str
    title: str
    problem: str
    budget: Decimal
    deadline: date
    state: str
    state_label: str
    max_teams: int
    eligible_kinds: list[str]
    eligible_region_prefix: str
    targets: list[TargetIO]
    applications: int


class NoteIn(Schema):
    note: str = ""


class ExpertsIn(Schema):
    usernames: list[str]
    note: str = ""


class ApplicationIn(Schema):
    proposal: str
    requested_budget: Decimal


class ApplicationOut(Schema):
    id: int
    challenge: str
    unit: str
    state: str
    requested_budget: Decimal
    submitted_at: datetime
    average_score: float | None


class ExpertReviewIn(Schema):
    conflict: bool
    score: Decimal | None = None
    comment: str = ""
    conflict_note: str = ""


class SelectIn(Schema):
    applications: list[int]
    note: str


class CommitmentMilestoneIn(Schema):
    deliverable: str
    planned_on: date


class DefineIn(Schema):
    milestones: list[CommitmentMilestoneIn]
    tranches: list[Decimal]


class CommitmentOut(Schema):
    id: int
    challenge: str
    unit: str
    state: str
    total_budget: Decimal
    released: Decimal
    milestones: list[dict]


class EvidenceIn(Schema):
    evidence_note: str


class DecideIn(Schema):
    accept: bool
    note: str
    terminate: bool = False


class FinalIn(Schema):
    achieved: dict[str, Decimal]
    note: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


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


def _json_or_form(schema: type[Schema]) -> dict:
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


def _read_input(request, schema: type[Schema]) -> tuple[dict, list]:
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
        raise services._invalid("body", f"不是有效的 JSON Invalid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise services._invalid("body", "应为 JSON 对象 Expected a JSON object")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise services._invalid(unknown[0], f"未知字段，可用字段：{', '.join(fields)}")
    return data, []


def _evidence_out(items) -> list[dict]:
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
        "action": m.action.code,
        "due_on": m.due_on,
        "lead_units": [u.name for u in row.lead_units],
        "indicators": m.indicators,
        "status": r.status.value,
        "status_label": STATUS_LABELS[r.status],
        "reasons": [{"code": x.code, "message": x.message} for x in r.reasons],
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
        "evidence": _evidence_out(r.evidence.all()),
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
        "evidence": _evidence_out(ms.evidence.all()),
        "approved": ms.approved_at is not None,
    }


def _challenge_out(c) -> dict:
    return {
        "code": c.code,
        "title": c.title,
        "problem": c.problem,
        "budget": c.budget,
        "deadline": c.deadline,
        "state": c.state,
        "state_label": c.get_state_display(),
        "max_teams": c.max_teams,
        "eligible_kinds": c.eligible_kinds,
        "eligible_region_prefix": c.eligible_region_prefix,
        "targets": [
            {"code": t.code, "name": t.name, "unit": t.unit, "comparison": t.comparison, "value": t.value}
            for t in c.targets.all()
        ],
        "applications": c.applications.count(),
    }


def _application_out(a: Application, show_scores: bool) -> dict:
    scores = [r.score for r in a.reviews.all() if not r.conflict and r.score is not None]
    avg = float(sum(scores) / len(scores)) if scores and show_scores else None
    return {
        "id": a.pk,
        "challenge": a.challenge.code,
        "unit": a.unit.name,
        "state": a.state,
        "requested_budget": a.requested_budget,
        "submitted_at": a.submitted_at,
        "average_score": avg,
    }


def _commitment_out(c) -> dict:
    released = sum((t.amount for t in c.tranches.all() if t.released_at), Decimal(0))
    return {
        "id": c.pk,
        "challenge": c.challenge.code,
        "unit": c.application.unit.name,
        "state": c.state,
        "total_budget": c.total_budget,
        "released": released,
        "milestones": [
            {
                "id": m.pk,
                "seq": m.seq,
                "deliverable": m.deliverable,
                "planned_on": m.planned_on.isoformat(),
                "state": m.state,
                "evidence_note": m.evidence_note,
                "evidence": _evidence_out(m.evidence.all()),
            }
            for m in c.milestones.all()
        ],
    }


# ---------------------------------------------------------------- measures


@router.get(
    "/measures",
    response=list[MeasureStatusOut],
    auth=api_auth,
    summary="Measures the caller may see with their status; mine=true: only those the caller's unit leads",
)
def list_measures(request, mine: bool = False, status: str | None = None):
    user = request.auth
    rows = queries.measure_rows(user)
    if mine:
        unit_id = perms.user_unit_id(user)
        rows = [r for r in rows if any(u.pk == unit_id for u in r.lead_units)]
    if status:
        rows = [r for r in rows if r.status.value == status]
    return [_measure_out(r) for r in rows]


@router.get("/measures/{code}/status", response=MeasureStatusOut, auth=api_auth)
def measure_status(request, code: str):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    rows = [r for r in queries.measure_rows(request.auth) if r.measure.pk == measure.pk]
    return _measure_out(rows[0])


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
    openapi_extra=_json_or_form(ReportIn),
)
def post_measure_report(request, code: str):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    data, files = _read_input(request, ReportIn)
    report = services.measure_report_progress(actor=request.auth, measure=measure, data=data, files=files)
    return Status(201, _report_out(report))


@router.get("/measures/{code}/milestones", response=list[MilestoneOut], auth=api_auth)
def list_milestones(request, code: str):
    measure, _ = perms.get_measure_for_user(request.auth, code)
    return [_milestone_out(m) for m in measure.milestones.prefetch_related("baselines", "evidence")]


@router.post("/measures/{code}/milestones", response={201: MilestoneOut}, auth=api_auth)
def create_milestone(request, code: str, payload: MilestoneIn):
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
def change_milestone(request, pk: int, payload: MilestoneChangeIn):
    ms, _ = perms.get_milestone_for_user(request.auth, pk)
    ms = services.milestone_update(actor=request.auth, milestone=ms, **payload.dict())
    return _milestone_out(ms)


@router.post(
    "/milestones/{pk}/done",
    response=MilestoneOut,
    auth=api_auth,
    summary="A lead unit marks a milestone done, with its evidence (a note and/or files)",
    description="JSON `{done_on, evidence_note}`, or the same fields as multipart/form-data with `files`.",
    openapi_extra=_json_or_form(MilestoneDoneIn),
)
def milestone_done(request, pk: int):
    ms, _ = perms.get_milestone_for_user(request.auth, pk)
    data, files = _read_input(request, MilestoneDoneIn)
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
def list_rounds(request):
    if not (perms.is_department(request.auth) or perms.user_unit_id(request.auth)):
        return []
    return [_round_out(r) for r in ProgressRound.objects.all()]


@router.post("/rounds", response={201: RoundDetailOut}, auth=api_auth, summary="Department: open a round")
def open_round(request, payload: RoundIn):
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
def list_reports(request, round: str | None = None, state: str | None = None):
    qs = perms.reports_visible_to(request.auth)
    if round:
        qs = qs.filter(round__period=round)
    if state:
        qs = qs.filter(state=state)
    return [_report_out(r) for r in qs.prefetch_related("evidence").order_by("measure__code", "unit__name")]


@router.get("/reports/{pk}", response=ReportOut, auth=api_auth)
def get_report(request, pk: int):
    report, _ = perms.get_report_for_user(request.auth, pk)
    return _report_out(report)


@router.post(
    "/reports/{pk}/submit",
    response=ReportOut,
    auth=api_auth,
    summary="Submit (or resubmit after a return) a report, as JSON or multipart/form-data with `files`",
    openapi_extra=_json_or_form(ReportIn),
)
def submit_report(request, pk: int):
    report, _ = perms.get_report_for_user(request.auth, pk)
    data, files = _read_input(request, ReportIn)
    return _report_out(services.report_submit(actor=request.auth, report=report, data=data, files=files))


@router.post(
    "/reports/{pk}/review", response=ReportOut, auth=api_auth, summary="Department: accept or return"
)
def review_report(request, pk: int, payload: ReviewIn):
    report, _ = perms.get_report_for_user(request.auth, pk)
    return _report_out(services.report_review(actor=request.auth, report=report, **payload.dict()))


# ---------------------------------------------------------------- challenges


@router.get(
    "/challenges",
    response=list[ChallengeOut],
    auth=public_auth,
    summary="Public list of challenges (揭榜挂帅) and their state; with the department's token, drafts too",
)
def list_challenges(request):
    qs = perms.challenges_visible_to(request.auth).prefetch_related("targets", "applications")
    return [_challenge_out(c) for c in qs]


@router.get("/challenges/{code}", response=ChallengeOut, auth=public_auth)
def get_challenge(request, code: str):
    challenge, _ = perms.get_challenge_for_user(request.auth, code)
    return _challenge_out(challenge)


@router.post(
    "/challenges", response={201: ChallengeOut}, auth=api_auth, summary="Department: draft a challenge"
)
def create_challenge(request, payload: ChallengeIn):
    data = payload.dict()
    data["targets"] = [dict(t) for t in data["targets"]]
    challenge = services.challenge_create(actor=request.auth, **data)
    return Status(201, _challenge_out(challenge))


def _dept_challenge(request, code):
    challenge, _ = perms.get_challenge_for_user(request.auth, code)
    return challenge


@router.post("/challenges/{code}/publish", response=ChallengeOut, auth=api_auth)
def publish_challenge(request, code: str, payload: NoteIn):
    c = services.challenge_publish(
        actor=request.auth, challenge=_dept_challenge(request, code), note=payload.note
    )
    return _challenge_out(c)


@router.post(
    "/challenges/{code}/experts",
    response=ChallengeOut,
    auth=api_auth,
    summary="Department: assign reviewing experts by username",
)
def assign_experts(request, code: str, payload: ExpertsIn):
    usernames, note = payload.usernames, payload.note
    experts = list(User.objects.filter(username__in=usernames))
    missing = sorted(set(usernames) - {u.username for u in experts})
    if missing:
        raise services._invalid("usernames", f"未知用户 {', '.join(missing)}")
    c = services.challenge_assign_experts(
        actor=request.auth, challenge=_dept_challenge(request, code), experts=experts, note=note
    )
    return _challenge_out(c)


@router.post(
    "/challenges/{code}/applications",
    response={201: ApplicationOut},
    auth=api_auth,
    summary="An enterprise or institution applies (揭榜); eligibility is checked",
)
def apply_challenge(request, code: str, payload: ApplicationIn):
    challenge = _dept_challenge(request, code)
    app = services.application_submit(actor=request.auth, challenge=challenge, **payload.dict())
    return Status(201, _application_out(app, False))


@router.get("/challenges/{code}/applications", response=list[ApplicationOut], auth=api_auth)
def list_applications(request, code: str):
    qs = perms.applications_visible_to(request.auth).filter(challenge__code=code).prefetch_related("reviews")
    return [_application_out(a, perms.is_department(request.auth)) for a in qs]


@router.post(
    "/challenges/{code}/review",
    response=ChallengeOut,
    auth=api_auth,
    summary="Department: close applications and start the expert review",
)
def start_review(request, code: str, payload: NoteIn):
    c = services.challenge_close_applications(
        actor=request.auth, challenge=_dept_challenge(request, code), note=payload.note
    )
    return _challenge_out(c)


@router.post(
    "/applications/{pk}/reviews",
    auth=api_auth,
    summary="An assigned expert scores an application or declares a conflict of interest",
)
def review_application(request, pk: int, payload: ExpertReviewIn):
    app, _ = perms.get_application_for_user(request.auth, pk)
    review = services.review_submit(actor=request.auth, application=app, **payload.dict())
    return {"id": review.pk, "conflict": review.conflict, "score": review.score}


@router.post(
    "/challenges/{code}/select",
    response=list[CommitmentOut],
    auth=api_auth,
    summary="Department: select one team or several (赛马), with the reason",
)
def select_teams(request, code: str, payload: SelectIn):
    challenge = _dept_challenge(request, code)
    apps = list(challenge.applications.filter(pk__in=payload.applications))
    if len(apps) != len(set(payload.applications)):
        raise services._invalid("applications", "包含不属于本榜单的申请")
    commitments = services.challenge_select(
        actor=request.auth, challenge=challenge, applications=apps, note=payload.note
    )
    return [_commitment_out(c) for c in commitments]


@router.get("/commitments/{pk}", response=CommitmentOut, auth=api_auth)
def get_commitment(request, pk: int):
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    return _commitment_out(c)


@router.post(
    "/commitments/{pk}/define",
    response=CommitmentOut,
    auth=api_auth,
    summary="Department: milestones and tranches of the 军令状",
)
def define_commitment(request, pk: int, payload: DefineIn):
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    c = services.commitment_define(
        actor=request.auth,
        commitment=c,
        milestones=[m.dict() for m in payload.milestones],
        tranches=payload.tranches,
    )
    return _commitment_out(c)


@router.post(
    "/commitments/{pk}/sign", response=CommitmentOut, auth=api_auth, summary="The team signs the 军令状"
)
def sign_commitment(request, pk: int):
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    return _commitment_out(services.commitment_sign(actor=request.auth, commitment=c))


def _commitment_milestone(request, pk) -> CommitmentMilestone:
    ms = (
        CommitmentMilestone.objects.filter(pk=pk, commitment__in=perms.commitments_visible_to(request.auth))
        .select_related("commitment")
        .first()
    )
    if ms is None:
        raise NotFound("里程碑不存在或无权查看 Milestone not found")
    return ms


@router.post(
    "/commitment-milestones/{pk}/submit",
    response=CommitmentOut,
    auth=api_auth,
    summary="The team submits a 军令状 milestone's evidence (a note and/or files)",
    description="JSON `{evidence_note}`, or multipart/form-data with `evidence_note` and `files`.",
    openapi_extra=_json_or_form(EvidenceIn),
)
def submit_commitment_milestone(request, pk: int):
    ms = _commitment_milestone(request, pk)
    data, files = _read_input(request, EvidenceIn)
    services.commitment_milestone_submit(
        actor=request.auth, milestone=ms, evidence_note=data.get("evidence_note", ""), files=files
    )
    return _commitment_out(ms.commitment)


@router.post(
    "/commitment-milestones/{pk}/decide",
    response=CommitmentOut,
    auth=api_auth,
    summary="Department: accept (releases the next tranche) or fail (may terminate)",
)
def decide_commitment_milestone(request, pk: int, payload: DecideIn):
    ms = _commitment_milestone(request, pk)
    services.commitment_milestone_decide(actor=request.auth, milestone=ms, **payload.dict())
    ms.commitment.refresh_from_db()
    return _commitment_out(ms.commitment)


@router.post(
    "/commitments/{pk}/final", auth=api_auth, summary="Department: final acceptance against the targets"
)
def final_acceptance(request, pk: int, payload: FinalIn):
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    result = services.commitment_final_accept(
        actor=request.auth, commitment=c, achieved=payload.achieved, note=payload.note
    )
    return {"passed": result.passed, "checks": result.checks, "state": result.commitment.state}


@router.get(
    "/evidence/{pk}",
    auth=api_auth,
    summary="Download an evidence file (who may see its report, milestone or 军令状 may download it)",
)
def download_evidence(request, pk: int):
    return evidence_response(perms.get_evidence_for_user(request.auth, pk))


def evidence_response(evidence: Evidence) -> FileResponse:
    try:
        handle = evidence.file.open("rb")
    except (OSError, ValueError):
        raise NotFound("佐证材料文件已不存在 Evidence file missing") from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


# ---------------------------------------------------------------- inbox and audit


@router.get("/notifications", response=list[NotificationOut], auth=api_auth, summary="The caller's inbox")
def list_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in qs[:200]
    ]


@router.post("/notifications/{pk}/read", auth=api_auth)
def read_notification(request, pk: int):
    n = Notification.objects.filter(pk=pk, recipient=request.auth).update(read_at=timezone.now())
    if not n:
        raise NotFound()
    return {"read": True}


SUPERVISION_AUDIT_TYPES = ["plans.measure", "supervision."]


@router.get(
    "/supervision/audit",
    response=list[AuditOut],
    auth=api_auth,
    summary="Department: the audit trail of measures, milestones, reports and challenges",
)
def audit(request, object_type: str | None = None, object_id: str | None = None, limit: int = 200):
    if not perms.can_see_audit(request.auth):
        raise NotFound()
    from django.db.models import Q

    qs = AuditEntry.objects.filter(Q(object_type="plans.measure") | Q(object_type__startswith="supervision."))
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
        for e in qs.select_related("actor")[: max(1, min(limit, 1000))]
    ]

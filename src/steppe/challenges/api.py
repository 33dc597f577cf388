"""揭榜挂帅 API: challenges, applications, expert reviews, 军令状 and their milestones.

The paths are those the supervision API has always had (``/api/v1/challenges``, ``/applications``,
``/commitments``, ``/commitment-milestones``); every write goes through services.py, every
permission through permissions.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema, Status

from steppe.core.auth import api_auth
from steppe.core.inputs import Id, Limit, Offset, StoredDecimal, declare_conflict
from steppe.core.pagination import API_LIMIT, window
from steppe.supervision.api import evidence_out, json_or_form, public_auth, read_input

from . import permissions as perms
from . import services
from .models import Application
from .validation import (
    ApplicationBody,
    ChallengeBody,
    CommitmentDefineBody,
    ConflictClearBody,
    EvidenceBody,
    ExpertReviewBody,
    ExpertsBody,
    FinalAcceptanceBody,
    MilestoneDecisionBody,
    SelectBody,
    StateNoteBody,
)

router = Router(tags=["challenges"])


# ---------------------------------------------------------------- schemas


class TargetIO(Schema):
    code: str
    name: str
    unit: str = ""
    comparison: str = ">="
    value: Decimal


class ChallengeOut(Schema):
    code: str
    title: str
    problem: str
    budget: StoredDecimal
    deadline: date
    state: str
    state_label: str
    max_teams: int
    eligible_kinds: list[str]
    eligible_region_prefix: str
    targets: list[TargetIO]
    applications: int


class ApplicationOut(Schema):
    id: int
    challenge: str
    unit: str
    state: str
    requested_budget: StoredDecimal
    submitted_at: datetime
    average_score: float | None


class CommitmentOut(Schema):
    id: int
    challenge: str
    unit: str
    state: str
    total_budget: StoredDecimal
    released: StoredDecimal
    milestones: list[dict]


# ---------------------------------------------------------------- helpers


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
                "evidence": evidence_out(m.evidence.all()),
            }
            for m in c.milestones.all()
        ],
    }


# ---------------------------------------------------------------- endpoints


@router.get(
    "/challenges",
    response=list[ChallengeOut],
    auth=public_auth,
    summary="Public list of challenges (揭榜挂帅) and their state; with the department's token, drafts too",
)
def list_challenges(request, limit: Limit = API_LIMIT, offset: Offset = 0):
    qs = perms.challenges_visible_to(request.auth).prefetch_related("targets", "applications")
    return [_challenge_out(c) for c in window(qs, limit=limit, offset=offset)]


@router.get("/challenges/{code}", response=ChallengeOut, auth=public_auth)
def get_challenge(request, code: str):
    challenge, _ = perms.get_challenge_for_user(request.auth, code)
    return _challenge_out(challenge)


@router.post(
    "/challenges", response={201: ChallengeOut}, auth=api_auth, summary="Department: draft a challenge"
)
def create_challenge(request, payload: ChallengeBody):
    """Checked by challenges.validation.ChallengeValidator, the new challenge page's: every bad field at once."""
    challenge = services.challenge_create(actor=request.auth, **payload.dict())
    return Status(201, _challenge_out(challenge))


def _dept_challenge(request, code):
    challenge, _ = perms.get_challenge_for_user(request.auth, code)
    return challenge


@router.post("/challenges/{code}/publish", response=ChallengeOut, auth=api_auth)
def publish_challenge(request, code: str, payload: StateNoteBody):
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
def assign_experts(request, code: str, payload: ExpertsBody):
    """Checked by challenges.validation.ExpertsValidator, the challenge page's."""
    c = services.challenge_assign_experts(
        actor=request.auth,
        challenge=_dept_challenge(request, code),
        usernames=payload.usernames,
        note=payload.note,
    )
    return _challenge_out(c)


@router.post(
    "/challenges/{code}/applications",
    response={201: ApplicationOut},
    auth=api_auth,
    summary="An enterprise or institution applies (揭榜); eligibility is checked",
)
def apply_challenge(request, code: str, payload: ApplicationBody):
    """Checked by challenges.validation.ApplicationValidator, the challenge page's."""
    challenge = _dept_challenge(request, code)
    app = services.application_submit(actor=request.auth, challenge=challenge, **payload.dict())
    return Status(201, _application_out(app, False))


@router.get("/challenges/{code}/applications", response=list[ApplicationOut], auth=api_auth)
def list_applications(request, code: str, limit: Limit = API_LIMIT, offset: Offset = 0):
    qs = perms.applications_visible_to(request.auth).filter(challenge__code=code).prefetch_related("reviews")
    return [
        _application_out(a, perms.is_department(request.auth)) for a in window(qs, limit=limit, offset=offset)
    ]


@router.post(
    "/challenges/{code}/review",
    response=ChallengeOut,
    auth=api_auth,
    summary="Department: close applications and start the expert review",
)
def start_review(request, code: str, payload: StateNoteBody):
    c = services.challenge_close_applications(
        actor=request.auth, challenge=_dept_challenge(request, code), note=payload.note
    )
    return _challenge_out(c)


@router.post(
    "/applications/{pk}/reviews",
    auth=api_auth,
    summary="An assigned expert scores an application or declares a conflict of interest",
)
def review_application(request, pk: Id, payload: ExpertReviewBody):
    """Checked by challenges.validation.ExpertReviewValidator, the challenge page's."""
    app, _ = perms.get_application_for_user(request.auth, pk)
    review = services.review_submit(actor=request.auth, application=app, **payload.dict())
    return {"id": review.pk, "conflict": review.conflict, "score": review.score}


@router.post(
    "/reviews/{pk}/clear-conflict",
    auth=api_auth,
    summary="Department: clear an expert's declared conflict of interest, with the reason (audited)",
)
def clear_review_conflict(request, pk: int, payload: ConflictClearBody):
    """Checked by challenges.validation.ConflictClearValidator."""
    from steppe.core.errors import NotFound

    from .models import ExpertReview

    if not perms.is_department(request.auth):
        raise NotFound()
    review = ExpertReview.objects.filter(pk=pk).select_related("application__challenge").first()
    if review is None:
        raise NotFound()
    review = services.review_conflict_clear(actor=request.auth, review=review, note=payload.note)
    return {"id": review.pk, "conflict": review.conflict, "score": review.score}


@router.post(
    "/challenges/{code}/select",
    response=list[CommitmentOut],
    auth=api_auth,
    summary="Department: select one team or several (赛马), with the reason",
)
def select_teams(request, code: str, payload: SelectBody):
    """Checked by challenges.validation.SelectValidator, the challenge page's."""
    challenge = _dept_challenge(request, code)
    commitments = services.challenge_select(
        actor=request.auth, challenge=challenge, applications=payload.applications, note=payload.note
    )
    return [_commitment_out(c) for c in commitments]


@router.get("/commitments/{pk}", response=CommitmentOut, auth=api_auth)
def get_commitment(request, pk: Id):
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    return _commitment_out(c)


@router.post(
    "/commitments/{pk}/define",
    response=CommitmentOut,
    auth=api_auth,
    summary="Department: milestones and tranches of the 军令状",
)
def define_commitment(request, pk: Id, payload: CommitmentDefineBody):
    """Checked by challenges.validation.CommitmentDefineValidator, the 军令状 page's."""
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    c = services.commitment_define(
        actor=request.auth, commitment=c, milestones=payload.milestones, tranches=payload.tranches
    )
    return _commitment_out(c)


@router.post(
    "/commitments/{pk}/sign", response=CommitmentOut, auth=api_auth, summary="The team signs the 军令状"
)
def sign_commitment(request, pk: Id):
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    return _commitment_out(services.commitment_sign(actor=request.auth, commitment=c))


@router.post(
    "/commitment-milestones/{pk}/submit",
    response=CommitmentOut,
    auth=api_auth,
    summary="The team submits a 军令状 milestone's evidence (a note and/or files)",
    description="JSON `{evidence_note}`, or multipart/form-data with `evidence_note` and `files`.",
    openapi_extra=json_or_form(EvidenceBody),
)
def submit_commitment_milestone(request, pk: Id):
    """Checked by challenges.validation.EvidenceValidator, the 军令状 page's."""
    ms = perms.get_commitment_milestone_for_user(request.auth, pk)
    data, files = read_input(request, EvidenceBody)
    services.commitment_milestone_submit(
        actor=request.auth, milestone=ms, evidence_note=data.get("evidence_note"), files=files
    )
    return _commitment_out(ms.commitment)


@router.post(
    "/commitment-milestones/{pk}/decide",
    response=CommitmentOut,
    auth=api_auth,
    summary="Department: accept (releases the next tranche) or fail (may terminate)",
)
def decide_commitment_milestone(request, pk: Id, payload: MilestoneDecisionBody):
    """Checked by challenges.validation.MilestoneDecisionValidator, the 军令状 page's."""
    ms = perms.get_commitment_milestone_for_user(request.auth, pk)
    services.commitment_milestone_decide(actor=request.auth, milestone=ms, **payload.dict())
    ms.commitment.refresh_from_db()
    return _commitment_out(ms.commitment)


@router.post(
    "/commitments/{pk}/final", auth=api_auth, summary="Department: final acceptance against the targets"
)
def final_acceptance(request, pk: Id, payload: FinalAcceptanceBody):
    """Checked by challenges.validation.FinalAcceptanceValidator, the 军令状 page's."""
    c, _ = perms.get_commitment_for_user(request.auth, pk)
    result = services.commitment_final_accept(
        actor=request.auth, commitment=c, achieved=payload.achieved, note=payload.note
    )
    return {"passed": result.passed, "checks": result.checks, "state": result.commitment.state}


# the writes that answer 409 when the action does not fit the current state
declare_conflict("POST /challenges/{code}/publish", "the challenge is no longer a draft")
declare_conflict("POST /challenges/{code}/applications", "the caller's unit has already applied")
declare_conflict("POST /challenges/{code}/review", "the challenge is not open for applications")
declare_conflict("POST /applications/{pk}/reviews",
                 "the challenge is not under review, or the expert's declared conflict is not cleared")  # fmt: skip
declare_conflict("POST /reviews/{pk}/clear-conflict",
                 "the review declares no conflict, or the challenge is not under review")  # fmt: skip
declare_conflict("POST /challenges/{code}/select", "the challenge is not under review")
declare_conflict("POST /commitments/{pk}/define", "the 军令状 is signed")
declare_conflict("POST /commitments/{pk}/sign", "the 军令状 is not awaiting signature")
declare_conflict("POST /commitment-milestones/{pk}/submit",
                 "the 军令状 is not active, or the milestone is already submitted or accepted")  # fmt: skip
declare_conflict("POST /commitment-milestones/{pk}/decide",
                 "the milestone is not submitted, or an earlier one is not accepted")  # fmt: skip
declare_conflict("POST /commitments/{pk}/final", "the 军令状 is not active, or a milestone is not accepted")

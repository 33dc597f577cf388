"""Every 揭榜挂帅 write: pages, API and CLI call these, never the models directly.

Each entry point runs in one transaction, checks its permission through ``permissions``, records
an audit entry (who, what, when, before, after, why) and raises ``DomainError`` on bad input
without changing anything. Evidence files and the inbox are supervision's (the lower app).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from steppe.core.audit import audit_record, snapshot
from steppe.core.errors import DomainError, Forbidden
from steppe.core.models import Notification, Unit, User
from steppe.core.notifications import notify
from steppe.plans.models import Measure
from steppe.supervision.services import attach_evidence, check_files, unit_users

from . import permissions as perms
from . import validation
from .models import (
    Application,
    Challenge,
    ChallengeTarget,
    Commitment,
    CommitmentMilestone,
    ExpertReview,
    Tranche,
)
from .validation import (
    ApplicationValidator,
    ChallengeValidator,
    CommitmentDefineValidator,
    ConflictClearValidator,
    EvidenceValidator,
    ExpertReviewValidator,
    ExpertsValidator,
    FinalAcceptanceValidator,
    MilestoneDecisionValidator,
    SelectValidator,
    StateNoteValidator,
)

# Error messages tests import.
ERR_INELIGIBLE = "ineligible"
ERR_CONFLICT_SCORE = validation.ERR_CONFLICT_SCORE
ERR_WRONG_STATE = "wrong_state"
ERR_TOO_MANY_TEAMS = validation.ERR_TOO_MANY_TEAMS
ERR_NEEDS_NOTE = validation.ERR_NEEDS_NOTE
ERR_CONFLICT_DECLARED = "conflict_declared"


def _today() -> date:
    return timezone.localdate()


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
    title=None,
    problem=None,
    budget=None,
    deadline=None,
    targets: Sequence[dict] | None = None,
    eligible_kinds: Sequence[str] | None = None,
    eligible_region_prefix: str | None = None,
    eligibility_note: str | None = "",
    max_teams=None,
    code: str | None = None,
    measure: Measure | None = None,
) -> Challenge:
    """Draft a 榜单; targets are dicts with code, name, unit, comparison ('>=' or '<='), value.
    Checked by validation.ChallengeValidator (every bad field at once; None takes the default)."""
    perms.require_department(actor)
    clean = ChallengeValidator.clean(
        {
            "title": title,
            "problem": problem,
            "budget": budget,
            "deadline": deadline,
            "targets": targets,
            "eligible_kinds": eligible_kinds,
            "eligible_region_prefix": eligible_region_prefix,
            "eligibility_note": eligibility_note,
            "max_teams": max_teams,
            "code": code,
        },  # fmt: skip
        today=_today(),
    )
    targets_clean = clean.pop("targets")
    challenge = Challenge.objects.create(
        **{**clean, "code": clean["code"] or _next_challenge_code()}, measure=measure, created_by=actor
    )
    for t in targets_clean:
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
    note = StateNoteValidator.clean({"note": note})["note"]
    _require_state(challenge, Challenge.State.DRAFT)
    before = snapshot(challenge, CHALLENGE_FIELDS)
    challenge.state = Challenge.State.PUBLISHED
    challenge.published_at = timezone.now()
    challenge.save()
    _challenge_audit(actor, "challenge.publish", challenge, before, note)
    return challenge


@transaction.atomic
def challenge_assign_experts(
    *, actor, challenge: Challenge, experts: Sequence[User] = (), usernames=None, note=""
) -> Challenge:
    """Assign reviewing experts, given as users or by `usernames` (validation.ExpertsValidator)."""
    perms.require_department(actor)
    names = [u.username for u in experts] if usernames is None else usernames
    clean = ExpertsValidator.clean({"usernames": names, "note": note})
    experts, note = clean["experts"], clean["note"]
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
    region_code = unit.region.code if unit is not None and unit.region is not None else ""
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
            "ok": unit is not None and unit.kind in challenge.eligible_kinds,
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
def application_submit(*, actor, challenge: Challenge, proposal=None, requested_budget=None) -> Application:
    """An enterprise or institution applies; eligibility first, then validation.ApplicationValidator."""
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
    clean = ApplicationValidator.clean(
        {"proposal": proposal, "requested_budget": requested_budget}, challenge=challenge
    )
    proposal, amount = clean["proposal"], clean["requested_budget"]
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
    note = StateNoteValidator.clean({"note": note})["note"]
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
    *, actor, application: Application, conflict=None, score=None, comment=None, conflict_note=None
) -> ExpertReview:
    """An assigned expert scores an application or declares a conflict (validation.ExpertReviewValidator)."""
    challenge = application.challenge
    if not perms.reviews_challenge(actor, challenge):
        raise perms.NotFound("揭榜申请不存在或无权查看 Application not found")
    _require_state(challenge, Challenge.State.REVIEWING)
    clean = ExpertReviewValidator.clean(
        {"conflict": conflict, "score": score, "comment": comment, "conflict_note": conflict_note}
    )
    conflict, score_d = clean["conflict"], clean["score"]
    comment, conflict_note = clean["comment"], clean["conflict_note"]
    review, created = ExpertReview.objects.select_for_update().get_or_create(
        application=application, expert=actor, defaults={"conflict": conflict}
    )
    if not created and review.conflict and not conflict:
        # a declared conflict stands until the department clears it (review_conflict_clear)
        raise DomainError(
            ERR_CONFLICT_DECLARED,
            "conflict: 已声明利益冲突，只有自治区科技厅可以解除 A declared conflict is cleared only by the department",
            status=409,
            data={"field": "conflict"},
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
def review_conflict_clear(*, actor, review: ExpertReview, note=None) -> ExpertReview:
    """The department clears an expert's declared conflict of interest (with its reason, audited;
    validation.ConflictClearValidator); the expert may then score the application."""
    perms.require_department(actor)
    note = ConflictClearValidator.clean({"note": note})["note"]
    review = ExpertReview.objects.select_for_update().get(pk=review.pk)
    if not review.conflict:
        raise DomainError(ERR_WRONG_STATE, "该评审没有声明利益冲突 No conflict is declared", status=409)
    _require_state(review.application.challenge, Challenge.State.REVIEWING)
    before = snapshot(review, ["conflict", "score", "comment"])
    review.conflict = False
    review.save(update_fields=["conflict"])
    audit_record(
        actor=actor,
        action="review.clear_conflict",
        obj=review,
        before=before,
        after=snapshot(review, ["conflict", "score", "comment"]),
        note=note,
    )
    return review


@transaction.atomic
def challenge_select(*, actor, challenge: Challenge, applications: Sequence, note=None) -> list[Commitment]:
    """Select one team, or several in parallel (赛马), up to ``max_teams``; each gets a draft commitment.
    `applications` are applications or their ids (validation.SelectValidator)."""
    perms.require_department(actor)
    _require_state(challenge, Challenge.State.REVIEWING)
    ids = [a.pk if isinstance(a, Application) else a for a in applications or ()]
    clean = SelectValidator.clean({"applications": ids, "note": note}, challenge=challenge)
    applications, note = clean["applications"], clean["note"]
    for app in applications:
        if not app.reviews.filter(conflict=False, score__isnull=False).exists():
            raise DomainError(
                "not_reviewed", f"{app.unit} 的方案尚无专家评分，不能立项", data={"application": app.pk}
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
            url=reverse("challenges:commitment", args=[app.commitment.pk]),
        )
    return commitments


@transaction.atomic
def commitment_define(*, actor, commitment: Commitment, milestones=None, tranches=None) -> Commitment:
    """Set the pledge's milestones (deliverable, planned_on) and tranches (amounts in 万元).

    Tranche 0 is paid on signing; tranche n after milestone n is accepted, so there can be at most
    one more tranche than milestones. The tranches add up to the commitment's budget.
    """
    perms.require_department(actor)
    if commitment.state != Commitment.State.DRAFT:
        raise DomainError(ERR_WRONG_STATE, "军令状已签署，不能修改 The commitment is signed", status=409)
    clean = CommitmentDefineValidator.clean(
        {"milestones": milestones, "tranches": tranches}, budget=commitment.challenge.budget
    )
    clean_ms, amounts = clean["milestones"], clean["tranches"]
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
    *, actor, milestone: CommitmentMilestone, evidence_note=None, files=()
) -> CommitmentMilestone:
    """The team submits a milestone's evidence (validation.EvidenceValidator)."""
    commitment = milestone.commitment
    if perms.user_unit_id(actor) != commitment.application.unit_id:
        raise perms.NotFound("军令状不存在或无权查看 Commitment not found")
    if commitment.state != Commitment.State.ACTIVE:
        raise DomainError(ERR_WRONG_STATE, "军令状不在执行中", status=409)
    if milestone.state not in (CommitmentMilestone.State.PENDING,):
        raise DomainError(ERR_WRONG_STATE, "该里程碑已提交或已验收", status=409)
    clean = EvidenceValidator.clean({"evidence_note": evidence_note}, files=files, check_files=check_files)
    evidence_note, files = clean["evidence_note"], clean["files"]
    milestone.state = CommitmentMilestone.State.SUBMITTED
    milestone.evidence_note = evidence_note.strip()
    milestone.submitted_at = timezone.now()
    milestone.save()
    milestone.evidence.add(*attach_evidence(files, actor=actor))
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
    *, actor, milestone: CommitmentMilestone, accept=None, note=None, terminate=None
) -> CommitmentMilestone:
    """Accept (releasing the next tranche) or fail a milestone; a failure may terminate the commitment
    (validation.MilestoneDecisionValidator)."""
    perms.require_department(actor)
    clean = MilestoneDecisionValidator.clean({"accept": accept, "note": note, "terminate": terminate})
    accept, note, terminate = clean["accept"], clean["note"], clean["terminate"]
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
def commitment_final_accept(*, actor, commitment: Commitment, achieved=None, note=None) -> FinalResult:
    """Final acceptance: every milestone accepted, then each of the challenge's targets checked
    (validation.FinalAcceptanceValidator)."""
    perms.require_department(actor)
    if commitment.state != Commitment.State.ACTIVE:
        raise DomainError(ERR_WRONG_STATE, "军令状不在执行中", status=409)
    open_ms = commitment.milestones.exclude(state=CommitmentMilestone.State.ACCEPTED)
    if open_ms.exists():
        raise DomainError(ERR_WRONG_STATE, f"尚有 {open_ms.count()} 个里程碑未通过验收", status=409)
    targets = list(commitment.challenge.targets.all())
    clean = FinalAcceptanceValidator.clean({"achieved": achieved, "note": note}, targets=targets)
    note = clean["note"]
    checks = [
        {
            "code": t.code,
            "name": t.name,
            "target": f"{t.comparison} {t.value}{t.unit}",
            "achieved": str(clean["achieved"][t.code]),
            "met": t.met_by(clean["achieved"][t.code]),
        }
        for t in targets
    ]
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

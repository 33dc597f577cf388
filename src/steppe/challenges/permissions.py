"""Who may see and change what in 揭榜挂帅 - the ONE place these rules live.

* The department (and superusers) sees and changes everything.
* An expert sees only the challenges assigned to them for review, and their applications.
* Enterprises and institutions see published challenges and their own applications and
  commitments.
* Everyone, even anonymous, sees the public list of published challenges.

Helpers named ``get_<thing>_for_user(user, ...) -> (obj, can_write)`` raise ``NotFound``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from steppe.core.errors import NotFound
from steppe.core.permissions import is_department  # the one rule; pages call perms.is_department
from steppe.core.roles import Role
from steppe.supervision.permissions import is_expert, require_department, user_unit_id

from .models import Application, Challenge, Commitment, CommitmentMilestone

__all__ = ["is_department", "is_expert", "require_department", "user_unit_id"]


PUBLIC_CHALLENGE_STATES = [
    Challenge.State.PUBLISHED,
    Challenge.State.REVIEWING,
    Challenge.State.IN_PROGRESS,
    Challenge.State.COMPLETED,
    Challenge.State.FAILED,
]


def challenges_visible_to(user) -> QuerySet[Challenge]:
    if is_department(user):
        return Challenge.objects.all()
    return Challenge.objects.filter(state__in=PUBLIC_CHALLENGE_STATES)


def get_challenge_for_user(user, code: str) -> tuple[Challenge, bool]:
    challenge = challenges_visible_to(user).filter(code=code).first()
    if challenge is None:
        raise NotFound(f"榜单 {code} 不存在 Challenge {code} not found")
    return challenge, is_department(user)


def reviews_challenge(user, challenge: Challenge) -> bool:
    return is_expert(user) and challenge.experts.filter(pk=user.pk).exists()


def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.select_related("challenge", "unit")
    if is_department(user):
        return qs
    if is_expert(user):
        return qs.filter(challenge__experts=user)
    unit_id = user_unit_id(user)
    if unit_id is None:
        return qs.none()
    return qs.filter(unit_id=unit_id)


def get_application_for_user(user, pk: int) -> tuple[Application, bool]:
    app = applications_visible_to(user).filter(pk=pk).first()
    if app is None:
        raise NotFound("揭榜申请不存在或无权查看 Application not found")
    return app, app.unit_id == user_unit_id(user)


def commitments_visible_to(user) -> QuerySet[Commitment]:
    qs = Commitment.objects.select_related("application", "application__challenge", "application__unit")
    if is_department(user):
        return qs
    unit_id = user_unit_id(user)
    q = Q(application__unit_id=unit_id) if unit_id is not None else Q(pk__in=[])
    if is_expert(user):
        q |= Q(application__challenge__experts=user)
    return qs.filter(q).distinct()


def get_commitment_for_user(user, pk: int) -> tuple[Commitment, bool]:
    c = commitments_visible_to(user).filter(pk=pk).first()
    if c is None:
        raise NotFound("军令状不存在或无权查看 Commitment not found")
    return c, c.application.unit_id == user_unit_id(user)


def application_allowed_roles() -> set[str]:
    return {Role.ENTERPRISE, Role.INSTITUTION}


def get_commitment_milestone_for_user(user, pk: int) -> CommitmentMilestone:
    ms = (
        CommitmentMilestone.objects.filter(pk=pk, commitment__in=commitments_visible_to(user))
        .select_related("commitment")
        .first()
    )
    if ms is None:
        raise NotFound("里程碑不存在或无权查看 Milestone not found")
    return ms


def can_see_evidence(user, evidence) -> bool:
    """Registered with supervision: the evidence of a 军令状 milestone, for whoever sees the 军令状."""
    return commitments_visible_to(user).filter(milestones__evidence=evidence).exists()

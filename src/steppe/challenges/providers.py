"""What 揭榜挂帅 adds to supervision's declared interfaces (``steppe.supervision.extensions``).

Registered once, from ``ChallengesConfig.ready()``.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from steppe.supervision import extensions
from steppe.supervision.reminders import Obligation

from .models import Commitment, CommitmentMilestone
from .permissions import can_see_evidence


def todo_context(*, user, unit_id, today: date) -> dict | None:
    """A unit's 军令状 to sign and its pending milestones of active ones."""
    if not unit_id:
        return None
    milestones = (
        CommitmentMilestone.objects.filter(
            commitment__application__unit_id=unit_id,
            commitment__state=Commitment.State.ACTIVE,
            state=CommitmentMilestone.State.PENDING,
        )
        .select_related("commitment__application__challenge")
        .order_by("planned_on")
    )
    unsigned = list(
        Commitment.objects.filter(application__unit_id=unit_id, state=Commitment.State.DRAFT).select_related(
            "application__challenge"
        )
    )
    pending = [(m, (m.planned_on - today).days) for m in milestones]
    if not unsigned and not pending:
        return None
    return {"unsigned": unsigned, "commitment_milestones": pending}


def obligations(*, today: date) -> list[tuple[Obligation, str, str]]:
    """Each milestone of an active 军令状 is owed by the team's unit on its planned date."""
    out = []
    cms = CommitmentMilestone.objects.filter(commitment__state=Commitment.State.ACTIVE).select_related(
        "commitment__application__challenge"
    )
    for cm in cms:
        if cm.state == CommitmentMilestone.State.FAILED:
            continue
        app = cm.commitment.application
        done_on = timezone.localdate(cm.submitted_at) if cm.submitted_at else None
        out.append(
            (
                Obligation(f"challenge-milestone:{cm.pk}", str(app.unit_id), cm.planned_on, done_on),
                f"揭榜挂帅 {app.challenge.code} 里程碑：{cm.deliverable}",
                reverse("challenges:commitment", args=[cm.commitment_id]),
            )
        )
    return out


def projects(measure_ids: list[int]) -> dict[int, list[extensions.Project]]:
    """The challenges (揭榜挂帅) hung on each measure, drafts included (the department sees them)."""
    from django.utils.translation import gettext

    from .models import Challenge

    out: dict[int, list[extensions.Project]] = {}
    for c in Challenge.objects.filter(measure_id__in=measure_ids).order_by("code"):
        out.setdefault(c.measure_id, []).append(
            extensions.Project(
                kind=gettext("揭榜挂帅"),
                code=c.code,
                title=c.title,
                state=gettext(c.get_state_display()),
                url=reverse("challenges:challenge", args=[c.code]),
            )
        )
    return out


def register() -> None:
    extensions.todo_sections.register(
        "challenges", extensions.TodoSection(template="challenges/_todo.html", context=todo_context)
    )
    extensions.obligation_sources.register("challenges", obligations)
    extensions.evidence_owners.register("challenges", can_see_evidence)
    extensions.audited_apps.register("challenges", "challenges.")
    extensions.measure_projects.register("challenges", projects)
    # supervision keeps its lists (the projects on each measure) and its 通报 list (the milestones of
    # 军令状 owed) in the cache: what they read from here retires them
    from steppe.supervision.queries import STATUS_CACHE

    from .models import Application, Challenge

    STATUS_CACHE.watch(Challenge, Application, Commitment, CommitmentMilestone)

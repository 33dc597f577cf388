"""What higher apps add to supervision, declared here and filled in their ``AppConfig.ready()``.

Supervision is the lower app: it keeps measures, rounds, evidence files and the reminders, and knows
nothing of the apps that build on it. 揭榜挂帅 (``steppe.challenges``) registers its duties in the
to-do list and the reminders, and says who may download the evidence of its milestones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from steppe.core.registry import Registry

from .reminders import Obligation


@dataclass(frozen=True)
class TodoSection:
    """A block of a unit's to-do page: ``template`` is rendered with ``section`` = context(...)'s dict.

    ``context(user=, unit_id=, today=)`` returns None when the unit has nothing there.
    """

    template: str
    context: Callable[..., dict | None]


# obligations(today=) -> [(Obligation, label, url)]: what some unit owes by a date, for the reminders
ObligationSource = Callable[..., list[tuple[Obligation, str, str]]]

# can_see(user, evidence) -> True when the evidence belongs to the provider and the user may see it
EvidenceOwner = Callable[..., bool]

todo_sections: Registry[TodoSection] = Registry("supervision.todo_sections")
obligation_sources: Registry[ObligationSource] = Registry("supervision.obligation_sources")
evidence_owners: Registry[EvidenceOwner] = Registry("supervision.evidence_owners")

# object_type prefixes (app labels + ".") whose audit entries the supervision audit trail shows
audited_apps: Registry[str] = Registry("supervision.audited_apps")


@dataclass(frozen=True)
class Project:
    """A project hung on a `project` measure (a 揭榜挂帅 challenge, …), as supervision lists it.

    ``kind`` and ``state`` are labels already in the page's language; ``url`` opens the project."""

    kind: str
    code: str
    title: str
    state: str
    url: str


# projects(measure_ids) -> {measure id: [Project]}: the projects that hang on each measure
ProjectSource = Callable[[list[int]], dict[int, list[Project]]]
measure_projects: Registry[ProjectSource] = Registry("supervision.measure_projects")


def projects_for_measures(measure_ids) -> dict[int, list[Project]]:
    """Every provider's projects for these measures, merged (measures without projects are left out)."""
    ids = list(measure_ids)
    out: dict[int, list[Project]] = {}
    if not ids:
        return out
    for provider in measure_projects:
        for measure_id, items in provider(ids).items():
            out.setdefault(measure_id, []).extend(items)
    return out

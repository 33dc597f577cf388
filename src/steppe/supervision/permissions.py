"""Who may see and change what in supervision - the ONE place these rules live.

* The department (and superusers) sees and changes everything.
* A lead unit's user sees and edits only the measures its unit leads (and their milestones and
  reports); anything else answers 404 - we do not confirm that it exists.

Helpers named ``get_<thing>_for_user(user, ...) -> (obj, can_write)`` raise ``NotFound``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from steppe.core.errors import Forbidden, NotFound
from steppe.core.models import Region
from steppe.core.permissions import bureau_league, is_department  # one rule each; pages call perms.<rule>
from steppe.core.roles import Role
from steppe.plans.models import Measure, MeasureUnit, Target
from steppe.plans.queries import league_measures

from . import extensions
from .models import Evidence, Milestone, ProgressReport, TargetReport


def is_expert(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.EXPERT)


def user_unit_id(user):
    return getattr(user, "unit_id", None) if user and user.is_authenticated else None


def require_department(user) -> None:
    if not is_department(user):
        raise Forbidden("仅自治区科技厅可执行此操作 Only the regional department may do this")


# ---------------------------------------------------------------- measures, milestones, reports


def is_league_bureau(user) -> bool:
    """The bureau of a league itself (not of one of its counties): it reports on the measures that name
    its league, beside their lead units, and chases the late ones. The plan names leagues, never a
    county (docs/accounts.md, "County bureaus")."""
    league = bureau_league(user)
    return league is not None and league.pk == user.region_id


# the same rule as a filter over users: the accounts of a league's own bureau
LEAGUE_BUREAU_ACCOUNTS = Q(role=Role.BUREAU, region__level=Region.Level.PREFECTURE)


def measures_visible_to(user) -> QuerySet[Measure]:
    qs = Measure.objects.filter(active=True)
    if is_department(user):
        return qs
    unit_id = user_unit_id(user)
    league = bureau_league(user)
    if league is not None:
        named = Q(pk__in=league_measures(league).values("pk"))
        if unit_id is not None:
            named |= Q(unit_links__unit_id=unit_id, unit_links__role=MeasureUnit.Role.LEAD)
        return qs.filter(named).distinct()
    if unit_id is None:
        return qs.none()
    return qs.filter(unit_links__unit_id=unit_id, unit_links__role=MeasureUnit.Role.LEAD).distinct()


def can_see_rounds(user) -> bool:
    """Progress rounds are for the department and the units that report in them (lead units of a
    measure); enterprises, banks and brokers have nothing to report and do not see them."""
    return is_department(user) or measures_visible_to(user).exists()


def leads_measure(user, measure: Measure) -> bool:
    unit_id = user_unit_id(user)
    return (
        unit_id is not None
        and measure.unit_links.filter(unit_id=unit_id, role=MeasureUnit.Role.LEAD).exists()
    )


def reports_on_measure(user, measure: Measure) -> bool:
    """A lead unit of the measure, or the bureau of a league the measure names: files progress reports on it."""
    if leads_measure(user, measure):
        return True
    return (
        user_unit_id(user) is not None
        and is_league_bureau(user)
        and league_measures(bureau_league(user)).filter(pk=measure.pk).exists()
    )


def get_measure_for_user(user, code: str, *, plan_code: str | None = None) -> tuple[Measure, bool]:
    qs = measures_visible_to(user).select_related("action", "plan").filter(code=code)
    if plan_code:
        qs = qs.filter(plan__code=plan_code)
    measure = qs.order_by("-plan__period_start").first()
    if measure is None:
        raise NotFound(f"举措 {code} 不存在或无权查看 Measure {code} not found")
    # the department edits everything, a lead unit its measures' milestones; a league bureau reads and reports
    return measure, is_department(user) or leads_measure(user, measure)


def league_measures_for(user) -> QuerySet[Measure]:
    """A bureau reads (never edits) the measures that name its league; the league's own bureau chases the
    late ones."""
    league = bureau_league(user)
    return league_measures(league) if league is not None else Measure.objects.none()


def get_league_measure_for_user(user, code: str) -> Measure:
    """A measure of the bureau's league (read only); NotFound for anything else."""
    measure = league_measures_for(user).select_related("action", "plan").filter(code=code).first()
    if measure is None:
        raise NotFound(f"举措 {code} 不存在或无权查看 Measure {code} not found")
    return measure


def get_milestone_for_user(user, pk: int) -> tuple[Milestone, bool]:
    ms = (
        Milestone.objects.select_related("measure")
        .filter(pk=pk, measure__in=measures_visible_to(user))
        .first()
    )
    if ms is None:
        raise NotFound("里程碑不存在或无权查看 Milestone not found")
    return ms, True


def reports_visible_to(user) -> QuerySet[ProgressReport]:
    qs = ProgressReport.objects.select_related("measure", "measure__action", "unit", "round")
    if is_department(user):
        return qs
    unit_id = user_unit_id(user)
    if unit_id is None:
        return qs.none()
    return qs.filter(unit_id=unit_id)


def get_report_for_user(user, pk: int) -> tuple[ProgressReport, bool]:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise NotFound("报告不存在或无权查看 Report not found")
    can_write = report.unit_id == user_unit_id(user)
    return report, can_write


def target_reports_visible_to(user) -> QuerySet[TargetReport]:
    """Reports on qualitative targets: the department sees all, a unit (a league bureau's included) its own."""
    qs = TargetReport.objects.select_related("target", "target__plan", "unit", "round")
    if is_department(user):
        return qs
    unit_id = user_unit_id(user)
    return qs.filter(unit_id=unit_id) if unit_id else qs.none()


def get_target_report_for_user(user, pk: int) -> tuple[TargetReport, bool]:
    """A report on a qualitative target: the department sees all, a unit its own (and writes it)."""
    report = target_reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise NotFound("报告不存在或无权查看 Report not found")
    return report, report.unit_id == user_unit_id(user)


def get_target_for_user(user, code: str):
    """A target whose reports the user may read: the department, or a unit that leads it (reports on it)."""
    qs = Target.objects.select_related("plan", "region").filter(code=code, active=True)
    if not is_department(user):
        unit_id = user_unit_id(user)
        qs = qs.filter(lead_units__id=unit_id) if unit_id else qs.none()
    target = qs.order_by("-plan__period_start").first()
    if target is None:
        raise NotFound(f"目标 {code} 不存在或无权查看 Target {code} not found")
    return target


def reports_on_target(user, target: Target) -> bool:
    """A lead unit of the target files reports on it."""
    unit_id = user_unit_id(user)
    return unit_id is not None and target.lead_units.filter(pk=unit_id).exists()


def can_review_reports(user) -> bool:
    return is_department(user)


def can_see_audit(user) -> bool:
    return is_department(user)


def get_evidence_for_user(user, pk: int) -> Evidence:
    """An evidence file, for whoever may see the report or milestone it belongs to (or what a higher app
    links it to: a 军令状 milestone, see ``extensions.evidence_owners``)."""
    ev = Evidence.objects.filter(pk=pk).first()
    visible = ev is not None and (
        (ev.report_id and reports_visible_to(user).filter(pk=ev.report_id).exists())
        or (
            ev.milestone_id
            and Milestone.objects.filter(pk=ev.milestone_id, measure__in=measures_visible_to(user)).exists()
        )
        or any(can_see(user, ev) for can_see in extensions.evidence_owners)
    )
    if not visible:
        raise NotFound("佐证材料不存在或无权查看 Evidence not found")
    return ev

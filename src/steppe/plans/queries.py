"""Reads shared by pages and the API."""

from django.db.models import Prefetch

from steppe.core.errors import NotFound

from .models import Action, Measure, MeasureUnit, Plan, Target


def plan_list():
    return Plan.objects.prefetch_related("versions").order_by("-period_start", "code")


def plan_get(code: str) -> Plan:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise NotFound(f"没有代码为 {code} 的规划 No plan with code {code}")
    return plan


def plan_default() -> Plan | None:
    """The plan the home page shows: the one whose period includes today, else the latest."""
    return Plan.objects.order_by("-period_end", "code").first()


def _measure_prefetch():
    return Prefetch(
        "measures",
        queryset=Measure.objects.filter(active=True).order_by("order").prefetch_related(
            Prefetch("unit_links", queryset=MeasureUnit.objects.select_related("unit")), "targets"
        ),
    )


def plan_targets(plan: Plan):
    # the region without its outline: a target's region is the autonomous region (about 60 kB of
    # GeoJSON, read and parsed once per target otherwise); no page maps it from here
    return (
        Target.objects.filter(plan=plan, active=True).select_related("region").order_by("order")
    )


def plan_actions(plan: Plan, *, kind: str | None = None):
    qs = Action.objects.filter(plan=plan, active=True).order_by("order").prefetch_related(_measure_prefetch())
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def action_get(plan: Plan, code: str) -> Action:
    action = plan_actions(plan).filter(code=code).first()
    if action is None:
        raise NotFound(f"规划 {plan.code} 中没有行动 {code} No action {code} in plan {plan.code}")
    return action


def measure_units(measure: Measure) -> dict:
    lead = [{"name": mu.unit.name, "inferred": mu.inferred, "basis": mu.basis}
            for mu in measure.unit_links.all() if mu.role == "lead"]
    coop = [{"name": mu.unit.name, "inferred": mu.inferred, "basis": mu.basis}
            for mu in measure.unit_links.all() if mu.role == "cooperating"]
    return {"lead_units": lead, "cooperating_units": coop}


def league_measures(league, plan: Plan | None = None):
    """The measures that name a league: a unit of the league (its government, its parks: a name that
    starts with the league's, e.g. 包头市人民政府, 包头稀土高新区管委会) or every league (各盟市…)."""
    from django.db.models import Q

    plan = plan if plan is not None else plan_default()
    if plan is None or league is None:
        return Measure.objects.none()
    short = league.name.removesuffix("市").removesuffix("盟")
    named = Q(unit_links__unit__name__startswith=short) | Q(unit_links__unit__name__startswith="各盟市")
    return Measure.objects.filter(named, active=True, plan=plan).distinct()


def league_units(measure: Measure, league) -> list:
    """The units of ``league`` that ``measure`` names (the league's own government or parks)."""
    short = league.name.removesuffix("市").removesuffix("盟")
    return [link.unit for link in measure.unit_links.select_related("unit") if link.unit.name.startswith(short)]

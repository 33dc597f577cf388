from django.shortcuts import render

from steppe.plans import queries as plan_queries

from .worklinks import work_links


def _plan_context(plan):
    return {
        "plan": plan,
        "targets": list(plan_queries.plan_targets(plan)),
        "actions": list(plan_queries.plan_actions(plan, kind="action")),
        "safeguards": list(plan_queries.plan_actions(plan, kind="safeguard")),
        "version": plan.current_version,
    }


def home(request):
    plan = plan_queries.plan_default()
    context = _plan_context(plan) if plan else {"plan": None}
    context["work_links"] = work_links(request.user)
    return render(request, "web/home.html", context)


def plan_public(request, code: str | None = None):
    plan = plan_queries.plan_get(code) if code else plan_queries.plan_default()
    if plan is None:
        return render(request, "web/home.html", {"plan": None})
    return render(request, "web/plan_public.html", _plan_context(plan))


def action_detail(request, code: str, action: str):
    plan = plan_queries.plan_get(code)
    act = plan_queries.action_get(plan, action)
    return render(request, "web/action.html", {"plan": plan, "action": act, "measures": list(act.measures.all())})


def plans_index(request):
    return render(request, "web/plans.html", {"plans": list(plan_queries.plan_list())})

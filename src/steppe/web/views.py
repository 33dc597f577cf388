from django.shortcuts import render

from steppe.core.registry import records_for_measures
from steppe.plans import queries as plan_queries

from .worklinks import next_step, work_links


def _plan_context(plan):
    return {
        "plan": plan,
        "targets": list(plan_queries.plan_targets(plan)),
        "actions": list(plan_queries.plan_actions(plan, kind="action")),
        "safeguards": list(plan_queries.plan_actions(plan, kind="safeguard")),
        "version": plan.current_version,
    }


def _target_progress(plan, targets) -> tuple[dict, dict]:
    """Each target's latest value and status (code -> dict), and where the plan's final
    assessment stands: statuses as of the plan's last year, and how many targets still wait
    for that year's statistics."""
    import datetime as dt

    from steppe.stats import queries as stats_queries
    from steppe.stats.attainment import NO_DATA, STATUS_COLOURS, STATUS_LABELS, fmt_figure, fmt_figure_en
    from steppe.stats.i18n import english, pick

    today = dt.date.today()
    rows = stats_queries.plan_attainment(plan, as_of=today.year, with_leagues=False)
    by_code = {}
    for ta in rows:
        r = ta.result
        latest = None
        if r.latest_value is not None and not r.stale:
            unit = r.target.unit
            if english():
                latest = fmt_figure_en(r.latest_value, unit)
            elif unit == "rank":
                latest = f"第{fmt_figure(r.latest_value)}位"
            else:
                latest = fmt_figure(r.latest_value, unit)
        by_code[ta.target.code] = {
            "status": r.status,
            "label": pick(STATUS_LABELS[r.status]),
            "colour": STATUS_COLOURS[r.status],
            "latest": latest,
            "year": r.latest_year if latest else None,
        }
    end = plan.period_end
    scored = [ta for ta in rows if ta.target.kind != "qualitative"]
    final_in = [ta for ta in scored if (ta.result.latest_year or 0) >= end]
    counts: dict[str, int] = {}
    for ta in scored:
        counts[ta.result.status] = counts.get(ta.result.status, 0) + 1
    assessment = {
        "ended": today.year > end,
        "end": end,
        "targets": len(rows),
        "scored": len(scored),
        "with_final_year": len(final_in),
        "waiting": len(scored) - len(final_in),
        "statuses": [
            {"status": s, "label": pick(STATUS_LABELS[s]), "colour": STATUS_COLOURS[s], "n": n}
            for s, n in sorted(counts.items(), key=lambda kv: list(STATUS_LABELS).index(kv[0]))
            if s != NO_DATA or n
        ],
    }
    return by_code, assessment


def _goal_figure(t) -> str:
    """A level/amount/threshold/share target's value with its unit in the page's language
    (375 亿元 reads "37.5 billion yuan" in English); '' for the other kinds."""
    from steppe.stats.attainment import fmt_figure_en
    from steppe.stats.i18n import english

    if t.kind in ("multiple", "avg_growth", "qualitative") or t.target_value is None or not english():
        return ""
    return fmt_figure_en(float(t.target_value), t.unit or "")


def home(request):
    plan = plan_queries.plan_default()
    context = _plan_context(plan) if plan else {"plan": None}
    if plan:
        progress, assessment = _target_progress(plan, context["targets"])
        for t in context["targets"]:
            t.progress = progress.get(t.code)
            t.goal_figure = _goal_figure(t)
        context["assessment"] = assessment
    context["work_links"] = work_links(request.user)
    context["next_step"] = next_step(request.user)
    return render(request, "web/home.html", context)


def plan_public(request, code: str | None = None):
    plan = plan_queries.plan_get(code) if code else plan_queries.plan_default()
    if plan is None:
        return render(request, "web/home.html", {"plan": None})
    context = _plan_context(plan)
    for t in context["targets"]:
        t.goal_figure = _goal_figure(t)  # 375 亿元 reads "37.5 billion yuan" in English, as on the home page
    return render(request, "web/plan_public.html", context)


def action_detail(request, code: str, action: str):
    plan = plan_queries.plan_get(code)
    act = plan_queries.action_get(plan, action)
    measures = list(act.measures.all())
    records = records_for_measures([m.code for m in measures])  # what the registers hold for each
    for m in measures:
        m.register_records = records.get(m.code, [])
    return render(request, "web/action.html", {"plan": plan, "action": act, "measures": measures})


def plans_index(request):
    return render(request, "web/plans.html", {"plans": list(plan_queries.plan_list())})

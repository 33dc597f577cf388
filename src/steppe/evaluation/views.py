"""Evaluation pages: the frameworks, a ranking with rank intervals, a unit's profile, the framework
tree with its audit, year-on-year change, the league map, XLSX export.

Who sees what: results are region-scoped data, so the pages need an account; the department builds
runs. Unknown frameworks, runs or units answer 404.
"""

from __future__ import annotations

import statistics

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_noop, pgettext
from django.views.decorators.http import require_http_methods

from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.permissions import is_department

from . import queries, services
from .framework import builtin_frameworks, load_framework
from .validation import BuildValidator

KIND_LABELS = {
    "country": gettext_noop("国家"),
    "league": gettext_noop("盟市"),
    "county": gettext_noop("旗县(市、区)"),
    "park": gettext_noop("园区"),
}


def _en() -> bool:
    return (get_language() or "").startswith("en")


def _names(fw) -> dict[str, str]:
    """Each indicator's and aggregate's name in the page's language (English where the framework has it)."""
    en = _en()
    return {x.code: (x.name_en if en and x.name_en else x.name) for x in [*fw.indicators, *fw.aggregates]}


def _unit_names(fw, units: list[dict]) -> dict[str, str]:
    names = {u["code"]: u["name"] for u in units}
    if _en() and fw.unit_kind in ("league", "county"):
        from steppe.core.models import Region

        for code, name_en in Region.objects.filter(code__in=list(names)).values_list("code", "name_en"):
            if name_en:
                names[code] = name_en
    return names


def _fw_name(fw) -> str:
    return fw.name_en if _en() and fw.name_en else fw.name


def _framework(code: str):
    shipped = builtin_frameworks()
    if code not in shipped:
        raise Http404(gettext("未找到评价框架"))
    return load_framework(shipped[code])


def _f(v, nd: int = 2):
    return "—" if v is None else f"{v:.{nd}f}"


@login_required
def index(request):
    rows = []
    for code, path in builtin_frameworks().items():
        fw = load_framework(path)
        run = queries.latest_run(code)
        rows.append(
            {
                "fw": fw,
                "name": _fw_name(fw),
                "kind": gettext(KIND_LABELS.get(fw.unit_kind, fw.unit_kind)),
                "run": run,
                "n_ind": len(fw.indicators),
            }
        )
    return render(request, "evaluation/index.html", {"rows": rows, "can_build": is_department(request.user)})


@login_required
@require_http_methods(["POST"])
def build_run(request, code: str):
    if not is_department(request.user):
        raise Http404
    fw = _framework(code)
    try:  # the parameters are checked by validation.BuildValidator (the API's too)
        data = {k: request.POST.get(k) for k in BuildValidator.LABELS if k in request.POST}
        job = services.index_build_start(framework=fw.code, data=data, user=request.user,
                                         page=reverse("evaluation:framework", args=[code]))
    except ValidationFailed as exc:  # each field by the label the form shows
        labels = BuildValidator.labels()
        messages.error(request, gettext("；").join(f"{labels.get(e['field'], e['field'])}{gettext('：')}{e['message']}"
                                         for e in exc.data["errors"]))
        return redirect("evaluation:framework", code=code)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:framework", code=code)
    return redirect(f"{reverse('evaluation:framework', args=[code])}?job={job.pk}")


def _whisker_svg(units: list[dict], n: int) -> str:
    """Dot (nominal rank) and whisker (5th–95th percentile of the Monte Carlo ranks) per unit."""
    row_h, left, width = 18, 150, 420
    h = row_h * len(units) + 30
    scale = (width - 20) / max(n - 1, 1)
    parts = [f'<svg class="whiskers" viewBox="0 0 {left + width} {h}" width="100%" role="img">']
    for k, u in enumerate(units):
        y = 20 + k * row_h
        x = left + 10 + (u["rank"] - 1) * scale
        parts.append(
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11">{_esc(u["name"])}</text>'
        )
        if u.get("rank_lo") is not None:
            x0 = left + 10 + (u["rank_lo"] - 1) * scale
            x1 = left + 10 + (u["rank_hi"] - 1) * scale
            parts.append(
                f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y}" y2="{y}" stroke="#8aa" stroke-width="3"/>'
            )
        parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="4" fill="#1f6f8b"/>')
    for r in sorted({1, n, (n + 1) // 2}):
        x = left + 10 + (r - 1) * scale
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="middle" font-size="10">{r}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _esc(s: str) -> str:
    from django.utils.html import escape

    return escape(s)


@login_required
def framework_page(request, code: str):
    fw = _framework(code)
    run = queries.latest_run(code)
    ok_run = queries.latest_run(code, ok=True)
    ctx = {
        "fw": fw,
        "fw_name": _fw_name(fw),
        "run": run,
        "ok_run": ok_run,
        "can_build": is_department(request.user),
        "runs": queries.runs_of(code),
        "methods": list(fw.methods),
    }
    if request.GET.get("job"):
        from steppe.core.jobs.views import panel_context, visible_job

        ctx["job_panel"] = panel_context(visible_job(request.user, request.GET["job"]))
    if ok_run:
        res = ok_run.result
        cols = res["columns"]
        names = _names(fw)
        unames = _unit_names(fw, res["units"])
        units = [{**u, "name": unames[u["code"]]} for u in res["units"]]
        ctx["columns"] = [{"code": c, "name": names.get(c, c)} for c in cols]
        ctx["units"] = [
            {
                **u,
                "cells": [_f(u["scores"][c]) for c in cols],
                "cov": f"{100 * (u['coverage'] or 0):.0f}%",
                "interval": "" if u.get("rank_lo") is None else f"{u['rank_lo']:.0f}–{u['rank_hi']:.0f}",
            }
            for u in units
        ]
        ctx["svg"] = _whisker_svg(units, len(units)) if units else ""
        ctx["sens"] = res.get("uncertainty")
        if fw.unit_kind == "league":
            ctx["map_spec"] = _league_map(ok_run)
    if run and not run.ok:
        cov = run.result.get("coverage", {})
        names = _names(fw)
        unames = _unit_names(fw, cov.get("units", []))
        ctx["missing_units"] = [{**u, "name": unames[u["code"]]} for u in cov.get("units", [])]
        ctx["missing_indicators"] = [
            {**i, "name": names.get(i["code"], i["name"])} for i in cov.get("indicators", [])
        ]
    return render(request, "evaluation/framework.html", ctx)


def _league_map(run) -> dict:
    from steppe.core.models import Region
    from steppe.stats import charts

    top = run.result["columns"][0]
    by = {u["code"]: u for u in run.result["units"]}
    feats = []
    for r in Region.objects.filter(level=Region.Level.PREFECTURE).select_related("outline").order_by("code"):
        if not r.boundary:
            continue
        u = by.get(r.code)
        v = None if u is None else u["scores"][top]
        feats.append(
            {
                "type": "Feature",
                "geometry": r.boundary,
                "properties": {
                    "name": r.name,
                    "code": r.code,
                    "value": v,
                    "label": gettext("无数据") if v is None else f"{v:.2f}",
                },
            }
        )
    spec = charts.choropleth_spec(
        feats,
        title=run.framework_name,
        unit=gettext("得分"),
        region_label=gettext("地区"),
        missing_label=gettext("无数据"),
    )
    return spec


@login_required
def unit_page(request, code: str, unit: str):
    fw = _framework(code)
    run = queries.latest_run(code, ok=True)
    if run is None:
        raise Http404
    units = run.result["units"]
    me = next((u for u in units if u["code"] == unit), None)
    if me is None:
        raise Http404(pgettext("evaluated unit", "未找到该单位"))
    names = _names(fw)
    me = {**me, "name": _unit_names(fw, [me])[me["code"]]}
    pillars = []
    for c in run.result["columns"][1:]:
        vals = [u["scores"][c] for u in units if u["scores"][c] is not None]
        med = statistics.median(vals) if vals else None
        v = me["scores"][c]
        pillars.append(
            {
                "code": c,
                "name": names.get(c, c),
                "value": _f(v),
                "median": _f(med),
                "w": max(0, min(100, v or 0)),
                "mw": max(0, min(100, med or 0)),
                "above": v is not None and med is not None and v >= med,
                "level": run.result["levels"].get(c),
            }
        )
    ctx = {
        "fw": fw,
        "fw_name": _fw_name(fw),
        "run": run,
        "u": me,
        "pillars": pillars,
        "n": len(units),
        "strengths": [{**s, "name": names.get(s["code"], s["code"])} for s in me["strengths"]],
        "weaknesses": [{**s, "name": names.get(s["code"], s["code"])} for s in me["weaknesses"]],
        "movers": [
            {**m, "name": names.get(m["code"], m["code"]), "gain": _f(m["index_gain"])} for m in me["movers"]
        ],
        "index_score": _f(me["scores"][run.result["columns"][0]]),
    }
    return render(request, "evaluation/unit.html", ctx)


@login_required
def tree_page(request, code: str):
    fw = _framework(code)
    run = queries.latest_run(code, ok=True)
    audit = {}
    agg_audit = {}
    if run:
        audit = {a["code"]: a for a in run.result["audit"]["indicators"]}
        agg_audit = {a["code"]: a for a in run.result["audit"]["aggregates"]}

    names = _names(fw)

    def node(a):
        kids = [node(b) for b in fw.aggregates if b.parent == a.code]
        inds = []
        for i in fw.indicators:
            if i.parent == a.code:
                s = audit.get(i.code, {})
                inds.append(
                    {
                        "i": i,
                        "name": names[i.code],
                        "avail": "—" if not s else f"{100 * s['availability']:.0f}%",
                        "skew": _f(s.get("skew")),
                        "kurt": _f(s.get("kurtosis")),
                        "outliers": s.get("outliers", "—"),
                        "treat": s.get("treatment", ""),
                        "corr": _f(s.get("corr_parent")),
                    }
                )
        aa = agg_audit.get(a.code, {})
        return {
            "a": a,
            "name": names[a.code],
            "kids": kids,
            "inds": inds,
            "alpha": _f(aa.get("cronbach_alpha")),
            "pca": "—" if aa.get("pca_first_share") is None else f"{100 * aa['pca_first_share']:.0f}%",
        }

    return render(
        request,
        "evaluation/tree.html",
        {"fw": fw, "fw_name": _fw_name(fw), "run": run, "root": node(fw.top), "steps": fw.steps},
    )


@login_required
def change_page(request, code: str):
    fw = _framework(code)
    try:
        old = queries.run_by_uid(request.GET.get("from", ""))
        new = queries.run_by_uid(request.GET.get("to", ""))
        if old.framework != fw.code or new.framework != fw.code:
            raise Http404
        change = services.index_change(old, new)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        return render(
            request,
            "evaluation/change.html",
            {"fw": fw, "fw_name": _fw_name(fw), "error": exc.message},
            status=400,
        )
    except ValueError:
        raise Http404 from None
    unames = _unit_names(fw, change["rows"])
    rows = [
        {
            **r,
            "name": unames[r["code"]],
            "old_s": _f(r["old"]),
            "new_s": _f(r["new"]),
            "change_s": _f(r["change"]),
            "data_s": _f(r["data"]),
            "method_s": _f(r["method"]),
        }
        for r in change["rows"]
    ]
    return render(
        request,
        "evaluation/change.html",
        {
            "fw": fw,
            "fw_name": _fw_name(fw),
            "old": old,
            "new": new,
            "rows": rows,
            "same_method": change["same_method"],
        },
    )


@login_required
def export(request, code: str):
    from steppe.core.tables import file_response, write_table

    fw = _framework(code)
    run = queries.latest_run(code, ok=True)
    if run is None:
        raise Http404
    cols = run.result["columns"]
    header = [
        "uCode",
        gettext("单位"),
        "Rank",
        *cols,
        "Rank_median",
        "Rank_lo",
        "Rank_hi",
        gettext("数据覆盖率"),
    ]
    rows = [
        [
            u["code"],
            u["name"],
            u["rank"],
            *[u["scores"][c] for c in cols],
            u.get("rank_median"),
            u.get("rank_lo"),
            u.get("rank_hi"),
            u["coverage"],
        ]
        for u in run.result["units"]
    ]
    return file_response(write_table(header, rows, "xlsx", sheet=fw.code), "xlsx", fw.code)

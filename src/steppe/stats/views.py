"""Monitoring pages (Simplified Chinese, with the English switch): dashboard, indicators, regions, scorecard, import, report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from steppe.core.errors import DomainError
from steppe.core.jobs.views import panel_context, visible_job
from steppe.core.models import Region
from steppe.core.pagination import paginate
from steppe.core.permissions import is_department
from steppe.core.regions import PROVINCE_CODE
from steppe.core.tables import file_response, read_upload, table_response
from steppe.core.validation import invalid, parse_int, parse_year

from . import cache as stats_cache
from . import charts, queries, services
from .attainment import (
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_RULES,
    STATUSES,
    describe_projection,
    describe_projection_en,
)
from .i18n import english, local_name, pick, target_name
from .jobs import BACKGROUND_ROWS, UPLOAD_DIR, import_here, start_import
from .models import Import, Indicator
from .presentation import (
    KIND_LABELS,
    attainment_table,
    baseline_note_en,
    fmt,
    fmt_en,
    fmt_local,
    goal_text,
    pct,
    unit_en,
)
from .report import build_report


def _plan(request):
    from steppe.plans.models import Plan
    from steppe.plans.queries import plan_default

    code = request.GET.get("plan")
    plan = Plan.objects.filter(code=code).first() if code else plan_default()
    if code and plan is None:
        raise Http404(gettext("未知规划"))
    return plan


def _as_of(request) -> int:
    return parse_year(request.GET.get("as_of"), "as_of", default=dt.date.today().year)


def target_cards(plan, as_of: int) -> list[dict]:
    """The dashboard's cards, cached (shared) until the data or the plan change (stats/cache.py)."""
    return stats_cache.remember(("cards", plan.pk, as_of, get_language()), lambda: _target_cards(plan, as_of))


def _target_cards(plan, as_of: int) -> list[dict]:
    cards = []
    for ta in queries.plan_attainment(plan, as_of=as_of):
        r = ta.result
        cell = ta.latest_cell
        points = [{"year": y, "value": c.value} for y, c in sorted(ta.series.items())]
        league_counts = {}
        for _lg, lr, _ in ta.leagues:
            league_counts[lr.status] = league_counts.get(lr.status, 0) + 1
        en = english()
        cards.append(
            {
                "ta": ta,
                "target": ta.target,
                "name": target_name(ta.target),
                "res": r,
                "kind_label": gettext(KIND_LABELS.get(ta.target.kind, ta.target.kind)),
                "status_label": pick(STATUS_LABELS[r.status]),
                "rule": r.rule_en if en else r.rule_zh,
                "colour": STATUS_COLOURS[r.status],
                "latest": fmt_local(r.latest_value, r.target.unit),
                "goal": goal_text(ta.target, r),
                "projection": (describe_projection_en(r) if en else describe_projection(r))
                if r.projection and ta.target.kind != "qualitative"
                else "",
                "cell": cell,
                "baseline_note": baseline_note_en(ta) if en else ta.baseline_note,
                "spark": charts.sparkline_spec(points, target=r.needed_value, colour=STATUS_COLOURS[r.status])
                if len(points) > 1
                else None,
                "leagues": [
                    {"label": pick(STATUS_LABELS[s]), "n": n, "colour": STATUS_COLOURS[s]}
                    for s, n in league_counts.items()
                ],
                "observed": pct(r.observed_growth),
                "required": pct(r.required_growth),
            }
        )
    return cards


def _legend() -> list[dict]:
    return [
        {
            "status": s,
            "label": pick(STATUS_LABELS[s]),
            "colour": STATUS_COLOURS[s],
            "rule": pick(STATUS_RULES[s]),
        }
        for s in STATUSES
    ]


def _preference_rule() -> str:
    return queries.PREFERENCE_RULE_EN if english() else queries.PREFERENCE_RULE


CSRF_PLACEHOLDER = "__steppe_csrf_token__"
PAGE_TIMEOUT = 3600  # whole dashboard pages (about 25 KB each); a new data generation retires them at once


def _plan_pk(request) -> int | None:
    """The pk of the plan the URL names (or the default plan), cached (shared) until plans change."""
    return stats_cache.remember(("plan", request.GET.get("plan")), lambda: getattr(_plan(request), "pk", 0)) or None


def _default_plan_pk() -> int | None:
    """``_plan_pk`` of a URL naming no plan (the same cache entry)."""
    from steppe.plans.queries import plan_default

    return stats_cache.remember(("plan", None), lambda: getattr(plan_default(), "pk", 0)) or None


def dashboard(request):
    from django.core.cache import cache

    from steppe.plans.models import Plan

    gen = stats_cache.generation()
    plan_pk = _plan_pk(request)
    as_of = _as_of(request)
    if plan_pk is None:
        return render(request, "stats/dashboard.html", {"plan": None, "body": ""})
    plan = Plan(pk=plan_pk)  # enough for the cache keys; loaded below only when something is built
    if request.GET.get("format") in ("csv", "xlsx"):
        plan = Plan.objects.get(pk=plan_pk)
        cols, rows = attainment_table(plan, as_of)
        return table_response(cols, rows, request.GET["format"], f"attainment-{plan.code}-{as_of}")
    # The body (cards, charts, rules) is the same for every visitor: rendered once per data
    # generation and platform-figures stamp, and reused; only the frame (navigation, account, CSRF
    # token) is rendered per request. The language is part of the key: an English visitor never
    # gets the Chinese body, nor the reverse.
    platform = queries.dashboard_platform_figures()
    key = ("body", plan_pk, as_of, platform["stamp"], get_language())
    body_key = stats_cache.key(*key, gen=gen)
    body = cache.get(body_key)
    if body is None:
        plan = Plan.objects.get(pk=plan_pk)
        body = render_to_string(
            "stats/_dashboard_body.html",
            {
                "plan": plan,
                "as_of": as_of,
                "cards": target_cards(plan, as_of),
                "legend": _legend(),
                "platform": platform["tables"],
                "preference_rule": _preference_rule(),
                "years": list(range(plan.period_start - 1, dt.date.today().year + 1)),
                "last_import": Import.objects.first(),
            },
        )
        cache.set(body_key, body, stats_cache.TIMEOUT)
    # The whole page depends only on the data, the URL, the language and who is looking (the
    # frame shows the account and role-dependent links): cache it per such key, with a
    # placeholder for the CSRF token (a context variable overrides the context processor's),
    # filled in per request.
    from django.middleware.csrf import get_token

    def page_with(ctx_plan):
        return {"plan": ctx_plan, "body": mark_safe(body)}  # noqa: S308 - our own template output

    if len(messages.get_messages(request)):
        return render(request, "stats/dashboard.html", page_with(Plan.objects.get(pk=plan_pk)))
    u = request.user
    who = (u.pk, u.username, getattr(u, "role", ""), u.is_superuser) if u.is_authenticated else None
    page_key = stats_cache.key("page", *key, request.get_full_path(), who, gen=gen)
    page = cache.get(page_key)
    if page is None:
        ctx = {**page_with(Plan.objects.get(pk=plan_pk)), "csrf_token": CSRF_PLACEHOLDER}
        page = render(request, "stats/dashboard.html", ctx).content.decode()
        cache.set(page_key, page, PAGE_TIMEOUT)
    return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))


def indicator_list(request):
    from django.db.models import Count, Q

    inds = list(
        Indicator.objects.annotate(n_obs=Count("observations", filter=Q(observations__is_current=True)))
    )
    if request.GET.get("format") in ("csv", "xlsx"):
        cols = ["code", "名称", "name_en", "单位", "类别", "方向", "周期", "口径", "口径版本", "公式"]
        rows = [
            [
                i.code,
                i.name,
                i.name_en,
                i.unit,
                i.category,
                i.direction,
                i.periodicity,
                i.definition,
                i.definition_version,
                i.formula,
            ]
            for i in inds
        ]
        return table_response(cols, rows, request.GET["format"], "indicators")
    return render(request, "stats/indicators.html", {"indicators": inds})


def _map_features(values: dict[str, tuple], unit: str) -> list[dict]:
    en = english()
    feats = []
    for r in queries.leagues(with_boundary=True):
        if not r.boundary:
            continue
        v = values.get(r.code)
        feats.append(
            {
                "type": "Feature",
                "geometry": r.boundary,
                "properties": {
                    "name": local_name(r),
                    "code": r.code,
                    "value": None if v is None else v[0],
                    "year": None if v is None else v[1],
                    "label": gettext("无数据")
                    if v is None
                    else f"{fmt_en(v[0], unit)} ({v[1]}{', computed' if len(v) > 3 and v[3] else ''})"
                    if en
                    else f"{fmt(v[0], unit)}({v[1]}年{',计算值' if len(v) > 3 and v[3] else ''})",
                },
            }
        )
    return feats


def indicator_detail(request, code: str):
    """One indicator: a summary (the chosen region's series, each league's latest value and status,
    the map), then its cells (every region x year, the value used and its source) a page at a time
    (``?page=``/``?per_page=``); every cell is in the CSV/XLSX export and the observations API."""
    ind = Indicator.objects.filter(code=code).first()
    if ind is None:
        raise Http404(gettext("未知指标"))
    region_code = request.GET.get("region") or PROVINCE_CODE
    region = Region.objects.filter(code=region_code).first()
    if region is None:  # an unknown region is refused by name, not shown as the autonomous region
        raise invalid("region", gettext("“%(code)s” 不是已知的区划代码") % {"code": region_code})
    if request.GET.get("format") in ("csv", "xlsx"):
        return _indicator_export(code, request.GET["format"])
    en = english()
    gen = stats_cache.generation()
    page = paginate(request, queries.cell_keys(code, gen=gen))
    window = list(page.object_list)
    table = queries.region_cells(code, sorted({r for r, _y in window}), gen=gen) if window else {}
    rows = [((r, code, y), table[(r, code, y)]) for r, y in window if (r, code, y) in table]
    names = {c: (en_name or name) if en else name for c, name, en_name in Region.objects.values_list(
        "code", "name", "name_en")}
    plan_pk = _plan_pk(request)
    as_of = _as_of(request)
    summary = indicator_summary(ind, region, plan_pk, as_of, gen)
    history = {}
    if request.GET.get("history"):
        # `history=REGION:YEAR`; anything else is a 400 naming the parameter, not silently ignored
        r, _sep, y = request.GET["history"].partition(":")
        year = parse_year(y, "history")
        history = {
            "key": f"{names.get(r, r)} {year}" if en else f"{names.get(r, r)} {year}年",
            "rows": queries.observation_history(r, code, year),
        }
    return render(
        request,
        "stats/indicator.html",
        {
            "ind": ind,
            "region": region,
            "rows": [(names.get(k[0], k[0]), k, c) for k, c in rows],
            "page_obj": page,
            "specs": {**summary["specs"], "map": _indicator_map(ind, summary["latest"], gen)},
            "league_rows": summary["league_rows"],
            "preference_rule": _preference_rule(),
            "history": history,
            "fmt": fmt,
            "regions": [queries.province(), *queries.leagues()],
            "related": _part_year_related(ind),
        },
    )


def indicator_summary(ind: Indicator, region: Region, plan_pk: int | None, as_of: int, gen: int) -> dict:
    """The summary (series, leagues, map's values) is the same for every visitor: computed once per
    data generation, plan, year, region and language (stats/cache.py); ``warm`` computes it ahead."""
    from steppe.plans.models import Plan

    return stats_cache.remember(
        ("indicator-summary", ind.code, region.code, plan_pk, as_of, get_language()),
        lambda: _indicator_summary(ind, region, Plan(pk=plan_pk) if plan_pk else None, as_of),
        gen=gen,
    )


def warm(*, progress=None) -> dict:
    """Compute ahead, in the current generation, what the first visitors after a data change would
    otherwise wait for (the ``stats.warm`` job, stats/jobs.py): the dashboard's attainment and cards
    and, for every plan-target indicator, the indicator page as it opens (the autonomous region, the
    default plan, this year; in each language: summary, map, cell keys, the first page of cells)
    and the observations API's first window. What is cached already is left as it is."""
    from django.utils import translation

    from steppe.core.pagination import API_LIMIT, PAGE_SIZE
    from steppe.plans.models import Plan

    gen = stats_cache.generation()
    plan_pk = _default_plan_pk()
    as_of = dt.date.today().year
    province = queries.province()
    inds = list(Indicator.objects.filter(plan_target=True).order_by("order", "code"))
    steps = 1 + len(inds)
    for lang, _name in _languages():
        with translation.override(lang):
            if plan_pk:
                target_cards(Plan.objects.get(pk=plan_pk), as_of)  # the whole plan's attainment with it
    for n, ind in enumerate(inds, 1):
        if progress:
            progress(n, steps)
        for lang, _name in _languages():
            with translation.override(lang):
                summary = indicator_summary(ind, province, plan_pk, as_of, gen)
                _indicator_map(ind, summary["latest"], gen)
        keys = queries.cell_keys(ind.code, gen=gen)
        first = keys[:PAGE_SIZE]
        if first:
            queries.region_cells(ind.code, sorted({r for r, _y in first}), gen=gen)
        queries.cells_window(indicators=[ind.code], offset=0, limit=API_LIMIT)
    return {"generation": gen, "indicators": [i.code for i in inds], "plan": plan_pk}


def _languages():
    from django.conf import settings

    return settings.LANGUAGES


def _indicator_export(code: str, fmt_name: str) -> HttpResponse:
    """Every cell of an indicator (all regions and years), with its source and the other sources."""
    table = queries.cells(indicators=[code])
    names = dict(Region.objects.values_list("code", "name"))
    rows = sorted(table.items(), key=lambda kv: queries._table_order((kv[0][0], kv[0][2])))
    cols = [
        "地区代码",
        "地区",
        "年份",
        "数值",
        "单位",
        "状态",
        "修订",
        "计算值",
        "来源",
        "来源网址",
        "发布日期",
        "取用说明",
        "其他来源",
        "备注",
    ]
    out = [
        [
            r,
            names.get(r, r),
            y,
            c.value,
            c.unit,
            c.status,
            "是" if c.revised else "",
            "是" if c.derived else "",
            c.source_title,
            c.source_url,
            c.source_date.isoformat() if c.source_date else "",
            c.reason,
            "; ".join(f"{a['value']} ({a['source']})" for a in c.alternatives),
            c.note,
        ]
        for (r, _i, y), c in rows
    ]
    return table_response(cols, out, fmt_name, f"indicator-{code}")


def _indicator_summary(ind: Indicator, region: Region, plan, as_of: int) -> dict:
    """The indicator page's charts and league table: the region's series with the plan's target
    line and projection, each league's latest value (computed ones marked) and status, the map."""
    code = ind.code
    en = english()
    target_value = target_year = None
    projection = None
    status_by_league = {}
    ta = queries.indicator_attainment(plan, code, as_of=as_of) if plan is not None else None
    if ta is not None:
        target_value, target_year = ta.result.needed_value, ta.target.target_year
        if ta.result.projection and region.code == ta.region.code:
            projection = ta.result.as_dict()["projection"]
        for lg, lr, _ in ta.leagues:
            status_by_league[lg.code] = lr.status
    leagues = queries.leagues()
    own = queries.cells(indicators=[code], regions=sorted({region.code, *(lg.code for lg in leagues)}))
    series = [
        {"year": y, "value": c.value, "kind": gettext("计算值") if c.derived else gettext("统计值")}
        for (r, _i, y), c in sorted(own.items(), key=lambda kv: kv[0][2])
        if r == region.code
    ]
    latest: dict[str, tuple] = {}
    for (r, _i, y), c in own.items():
        if r not in latest or y > latest[r][1]:
            latest[r] = (c.value, y, c.unit, c.derived)
    league_rows = []
    for lg in leagues:
        v = latest.get(lg.code)
        st = status_by_league.get(lg.code, "no_data")
        league_rows.append(
            {
                "region": local_name(lg),
                "code": lg.code,
                "value": None if v is None else v[0],
                "year": None if v is None else v[1],
                "derived": bool(v and v[3]),
                "status": st,
                "status_label": pick(STATUS_LABELS[st]),
            }
        )
    ind_name = local_name(ind)
    region_name = local_name(region)
    specs = {
        "series": charts.series_spec(
            series,
            title=[region_name, ind_name] if en else f"{region_name} · {ind_name}",  # two lines: fits 400 px
            unit=unit_en(ind.unit).strip() if en else ind.unit,
            year_label=gettext("年份"),
            target_label=gettext("目标"),
            target=target_value,
            target_year=target_year,
            projection=projection,
        )
        if series
        else None,
        "leagues": charts.league_bar_spec(
            league_rows,
            title=["Latest value by league", ind_name] if en else f"各盟市最新值 · {ind.name}",
            unit=unit_en(ind.unit).strip() if en else ind.unit,
            target=target_value,
            derived_word=", computed" if en else ",计算值",
        )
        if any(r["value"] is not None for r in league_rows)
        else None,
    }
    return {"specs": {k: v for k, v in specs.items() if v}, "league_rows": league_rows, "latest": latest}


def _indicator_map(ind: Indicator, latest: dict[str, tuple], gen: int) -> dict:
    """The map of the leagues' latest values, cached (shared) until the data change: building the
    spec (Altair validates every outline) takes about a second. One entry per indicator and language."""
    return stats_cache.remember(
        ("indicator-map", ind.code, get_language()), lambda: _build_indicator_map(ind, latest), gen=gen
    )


def _build_indicator_map(ind: Indicator, latest: dict[str, tuple]) -> dict:
    """The spec, also kept under what it is drawn from (the leagues' outlines, names and values,
    the words): a data change that leaves them as they were (most imports, for most indicators)
    finds it there instead of building it again; any change of them is another entry."""
    import hashlib
    import json

    from django.core.cache import cache

    en = english()
    ind_name = local_name(ind)
    features = _map_features(latest, ind.unit)
    words = {
        "title": ["12 leagues (latest year)", ind_name] if en else f"12个盟市 · {ind.name}(最新年份)",
        "unit": unit_en(ind.unit).strip() if en else ind.unit,
        "region_label": gettext("地区"),
    }
    drawn = json.dumps([features, words], sort_keys=True, ensure_ascii=False, default=str)
    key = "stats:map:" + hashlib.sha256(drawn.encode()).hexdigest()
    spec = cache.get(key)
    if spec is None:
        spec = charts.choropleth_spec(features, **words)
        cache.set(key, spec, stats_cache.TIMEOUT)
    return spec


def _import_note(note: str) -> str:
    """An import's note in words an official reads (the withdrawal note is stored in English)."""
    m = re.match(r"withdrawn: (\d+) value", note or "")
    if m:
        if english():
            return f"Withdrew {m.group(1)} values no longer in the published statistics (kept in the history, no longer used)"
        return f"撤回 {m.group(1)} 个已不在公开统计文件中的数值(保留在历史中,不再使用)"
    return note or ""


def _part_year_related(ind: Indicator) -> list[Indicator]:
    """The indicators holding part-year figures of this one, or the full-year one of a part-year one."""
    codes = [ind.code + sfx for sfx in queries.PART_YEAR_SUFFIXES]
    codes += [ind.code[: -len(sfx)] for sfx in queries.PART_YEAR_SUFFIXES if ind.code.endswith(sfx)]
    return list(Indicator.objects.filter(code__in=codes).order_by("order"))


def region_detail(request, code: str):
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404(gettext("未知地区"))
    if request.GET.get("format") in ("csv", "xlsx"):
        return _region_export(region, request.GET["format"])
    # the table (every indicator x year of the region) is the same for every visitor: rendered once
    # per data generation and language (stats/cache.py), the frame per request
    body = stats_cache.remember(
        ("region-table", code, get_language()),
        lambda: render_to_string("stats/_region_table.html", {"region": region, **_region_rows(code)}),
    )
    return render(
        request,
        "stats/region.html",
        {
            "region": region,
            "body": mark_safe(body),  # noqa: S308 - our own template output
            "regions": [queries.province(), *queries.leagues()],
        },
    )


def _region_export(region: Region, fmt_name: str) -> HttpResponse:
    data = _region_rows(region.code)
    years, rows = data["years"], data["rows"]
    cols = ["指标", "名称", "单位", *[str(y) for y in years]]
    out = [
        [
            r["ind"].code,
            r["ind"].name,
            r["ind"].unit,
            *[None if c is None else c.value for c in r["cells"]],
        ]
        for r in rows
    ]
    return table_response(cols, out, fmt_name, f"region-{region.code}")


def _region_rows(code: str) -> dict:
    """Each indicator with data for the region: its cells by year and its latest cell."""
    table = queries.cells(regions=[code])
    inds = {i.code: i for i in Indicator.objects.all()}
    years = sorted({k[2] for k in table})
    by_ind: dict[str, dict[int, queries.Cell]] = {}
    for (_r, i, y), c in table.items():
        by_ind.setdefault(i, {})[y] = c
    rows = []
    for i in inds.values():
        if i.code in by_ind:
            cells = by_ind[i.code]
            rows.append({"ind": i, "cells": [cells.get(y) for y in years], "latest": cells[max(cells)]})
    return {"years": years, "rows": rows}


def scorecard(request):
    plan = _plan(request)
    as_of = _as_of(request)
    if plan is None:
        return render(request, "stats/scorecard.html", {"plan": None})
    leagues = queries.leagues()
    results = [ta for ta in queries.plan_attainment(plan, as_of=as_of) if ta.target.kind != "qualitative"]
    grid = []
    for lg in [queries.province(), *leagues]:
        row = []
        for ta in results:
            if lg.code == ta.region.code:
                res, series = ta.result, ta.series
            else:
                hit = [(r, s) for g, r, s in ta.leagues if g.code == lg.code]
                res, series = hit[0] if hit else (None, {})
            row.append(
                None
                if res is None
                else {
                    "status": res.status,
                    "label": STATUS_LABELS[res.status][0],
                    "colour": STATUS_COLOURS[res.status],
                    "value": fmt(res.latest_value, res.target.unit),
                    "year": res.latest_year,
                    "rule": res.rule_zh,
                    # the page's words in its language (the exports above stay Chinese)
                    "label_shown": pick(STATUS_LABELS[res.status]),
                    "value_shown": fmt_local(res.latest_value, res.target.unit),
                    "rule_shown": res.rule_en if english() else res.rule_zh,
                    "stale": res.stale,
                    "baseline_year": res.baseline_year,
                }
            )
        grid.append({"region": lg, "cells": row})
    if request.GET.get("format") in ("csv", "xlsx"):
        cols = ["地区", *[f"{ta.target.code} {ta.target.name}" for ta in results]]
        out = [
            [
                g["region"].name,
                *[
                    "无数据" if c is None else f"{c['label']} ({c['value']}, {c['year'] or '—'})"
                    for c in g["cells"]
                ],
            ]
            for g in grid
        ]
        return table_response(cols, out, request.GET["format"], f"scorecard-{plan.code}-{as_of}")
    targets = [{"target": ta.target, "display_name": target_name(ta.target)} for ta in results]
    return render(
        request,
        "stats/scorecard.html",
        {"plan": plan, "as_of": as_of, "targets": targets, "grid": grid, "legend": _legend()},
    )


def template_download(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404(gettext("模板只有 csv 和 xlsx 两种格式"))
    data = services.template_xlsx() if fmt == "xlsx" else services.template_csv()
    return file_response(data, fmt, "observations-template")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload → preview (a dry run) → confirm. Department only; anyone else gets 404."""
    if not is_department(request.user):
        raise Http404()
    imports = paginate(request, Import.objects.select_related("imported_by"), per_page=20)
    for i in imports:
        i.note_text = _import_note(i.note)
    ctx = {"imports": imports, "columns": services.COLUMNS}
    if request.method == "GET" and request.GET.get("format") in ("csv", "xlsx"):
        cols = ["文件", "SHA-256", "导入人", "时间", "方式", "行", "新增", "修订", "未变", "说明"]
        rows = [
            [
                i.file_name,
                i.sha256,
                i.imported_by.username if i.imported_by else "",
                i.imported_at.isoformat(timespec="seconds"),
                i.via,
                i.rows,
                i.added,
                i.revised,
                i.unchanged,
                _import_note(i.note),
            ]
            for i in Import.objects.select_related("imported_by")
        ]
        return table_response(cols, rows, request.GET["format"], "imports")
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get("stats_import")
        if not stored or stored.get("token") != request.POST.get("confirm"):
            messages.error(request, gettext("预览已过期,请重新上传文件。"))
            return redirect("stats:import")
        path = stored["path"]
        request.session.pop("stats_import", None)
        if stored.get("rows", 0) > BACKGROUND_ROWS:
            # a large file: a background job (core.jobs) run by a worker; this page shows its progress
            job = start_import(path=path, name=stored["name"], rows=stored["rows"], user=request.user, via="page",
                               page=reverse("stats:import"))
            return redirect(f"{request.path}?job={job.pk}")
        try:
            with default_storage.open(path, "rb") as fh:
                data = fh.read()
            # a small file: imported now, through the background job's own code (stats.jobs.import_here)
            r = import_here(data, stored["name"], user=request.user, via="page", rows=stored.get("rows", 0))
        except DomainError as e:
            ctx.update(error=e.message, errors=(e.data or {}).get("errors", []))
            return render(request, "stats/import.html", ctx, status=400)
        finally:
            default_storage.delete(path) if default_storage.exists(path) else None
        if r["import_id"]:
            messages.success(
                request,
                gettext("已导入 %(name)s:新增 %(added)s,修订 %(revised)s,未变 %(unchanged)s。")
                % {"name": r["file_name"], "added": r["added"], "revised": r["revised"], "unchanged": r["unchanged"]},
            )
        else:
            messages.success(
                request,
                gettext("%(name)s:没有需要更新的数据(未变 %(unchanged)s)。")
                % {"name": r["file_name"], "unchanged": r["unchanged"]},
            )
        return redirect("stats:import")
    if request.method == "GET" and request.GET.get("job"):
        ctx.update(panel_context(visible_job(request.user, request.GET["job"])))
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            ctx["error"] = gettext("请选择一个 CSV 或 XLSX 文件。")
            return render(request, "stats/import.html", ctx, status=400)
        try:
            data = read_upload(f)
            r = services.observation_import(
                data=data, file_name=f.name, actor=request.user, via="page", dry_run=True
            )
        except DomainError as e:
            ctx.update(error=e.message, errors=(e.data or {}).get("errors", []), file_name=f.name)
            return render(request, "stats/import.html", ctx, status=400)
        import secrets

        token = secrets.token_urlsafe(12)
        path = default_storage.save(f"{UPLOAD_DIR}/{token}{Path(f.name).suffix[:6]}", _content(data))
        request.session["stats_import"] = {"token": token, "path": path, "name": f.name, "rows": r.rows}
        ctx.update(preview=r, token=token)
    return render(request, "stats/import.html", ctx)


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def report_download(request, fmt: str):
    plan = _plan(request)
    if plan is None:
        raise Http404(gettext("未载入规划"))
    as_of = _as_of(request)
    if fmt == "pdf":
        # the PDF takes a while (charts, the long table): a background job (stats.report), followed on
        # the report page; a PDF already built from the same inputs is served at once
        from urllib.parse import urlencode

        from .jobs import report_inputs, report_ready, report_start

        inputs = report_inputs(plan, as_of)
        ready = report_ready(plan, as_of, inputs)
        if ready is not None:
            return _report_file_response(ready)
        page = f"{reverse('stats:report_job')}?{urlencode({'plan': plan.code, 'as_of': as_of})}"
        job = report_start(plan, as_of, inputs, user=request.user, page=page)
        return redirect(f"{page}&job={job.pk}")
    data, ctype = build_report(plan, as_of=as_of, fmt=fmt)
    resp = HttpResponse(data, content_type=ctype)
    name = f"目标监测报告-{plan.code}-{as_of}.{fmt}"
    disp = "inline" if fmt in ("html", "pdf") else "attachment"
    resp["Content-Disposition"] = f"{disp}; filename*=UTF-8''{quote(name)}"
    return resp


def report_job(request):
    """The page of a PDF report being built: the job panel for whoever started it (and the
    department); anyone else (the report is public) sees its state, refreshed until it is done."""
    from steppe.core.jobs.models import Job
    from steppe.core.jobs.service import refresh
    from steppe.core.jobs.views import can_see

    from .jobs import REPORT_KIND

    plan = _plan(request)
    if plan is None:
        raise Http404(gettext("未载入规划"))
    as_of = _as_of(request)
    pk = parse_int(request.GET.get("job"), "job", lo=1, hi=2**62)  # a bad one: 400 naming `job`
    job = Job.objects.filter(pk=pk, kind=REPORT_KIND).select_related("started_by").first()
    if job is None:
        raise Http404()
    job = refresh(job)
    visible = can_see(request.user, job)
    ctx = panel_context(job) if visible else {"job": job, "result": job.result or {}}
    return render(request, "stats/report_job.html", {**ctx, "plan": plan, "as_of": as_of, "job_visible": visible})


def report_file(request, pk: int):
    """A built PDF report (public, as the report is), by its job."""
    from steppe.core.jobs.models import Job

    from .jobs import REPORT_KIND

    job = Job.objects.filter(pk=pk, kind=REPORT_KIND, status=Job.Status.SUCCEEDED).first()
    path = (job.result or {}).get("file") if job is not None and isinstance(job.result, dict) else None
    if not path or not default_storage.exists(path):
        raise Http404(gettext("报告文件已不存在,请重新生成。"))
    return _report_file_response(job)


def _report_file_response(job) -> HttpResponse:
    with default_storage.open(job.result["file"], "rb") as fh:
        resp = HttpResponse(fh.read(), content_type="application/pdf")
    resp["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(job.result['name'])}"
    return resp


def bare(request):
    """A view doing nothing, for the dashboard benchmark's comparison (bench/stats_dashboard.py)."""
    return HttpResponse("ok", content_type="text/plain")

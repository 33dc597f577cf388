"""Reads for the evaluation pages and API: a framework's data from the statistics, coverage, runs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .framework import Dataset, Framework, FrameworkError

LEVELS = {"league": "prefecture", "county": "county"}


@dataclass
class StatsData:
    dataset: Dataset
    year: int | None
    cells: dict = field(default_factory=dict)  # (unit code, indicator code) -> stats Cell (its source)


def units_of(fw: Framework) -> list[tuple[str, str]]:
    """(code, name) of the units a statistics-fed framework covers, in code order."""
    from steppe.core.models import Region

    level = LEVELS[fw.data["stats"]["level"]]
    return list(Region.objects.filter(level=level).order_by("code").values_list("code", "name"))


def years_with_data(fw: Framework) -> list[int]:
    from steppe.stats.models import Observation

    codes = [i.stats_code or i.code for i in fw.indicators]
    level = LEVELS[fw.data["stats"]["level"]]
    qs = Observation.objects.filter(is_current=True, indicator__code__in=codes, region__level=level)
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def dataset_from_stats(fw: Framework, *, year: int | None = None) -> StatsData:
    """Units × indicators for one year from the current statistics (the preferred value of each
    cell, as the monitoring pages choose it). No observation = missing (NaN), never zero."""
    from steppe.stats.queries import cells

    units = units_of(fw)
    if year is None:
        years = years_with_data(fw)
        year = years[0] if years else None
    codes = [i.stats_code or i.code for i in fw.indicators]
    denoms = sorted({i.denominator for i in fw.indicators if i.denominator})
    values = np.full((len(units), len(codes)), np.nan)
    den = {d: np.full(len(units), np.nan) for d in denoms}
    found: dict = {}
    if year is not None:
        got = cells(indicators=codes + denoms, regions=[u for u, _ in units], year_from=year, year_to=year)
        row = {u: k for k, (u, _) in enumerate(units)}
        col = {c: j for j, c in enumerate(codes)}
        for (reg, ind, _y), cell in got.items():
            if ind in col:
                spec = fw.indicators[col[ind]]
                if spec.unit and cell.unit and cell.unit != spec.unit:
                    raise FrameworkError(
                        f"indicator {spec.code}: {reg} {year} is in {cell.unit}, the framework expects {spec.unit}"
                    )
                values[row[reg], col[ind]] = cell.value
                found[(reg, spec.code)] = cell
            if ind in den:
                den[ind][row[reg]] = cell.value
    ds = Dataset(
        units=[u for u, _ in units],
        unit_names=[n for _, n in units],
        indicators=fw.indicator_codes,
        values=values,
        denominators=den,
        source=f"statistics {year}",
    )
    return StatsData(ds, year, found)


@dataclass
class Coverage:
    units: list[dict]  # code, name, share, missing indicator codes
    indicators: list[dict]  # code, name, share, units missing
    total: float


def coverage(fw: Framework, ds: Dataset) -> Coverage:
    have = ~np.isnan(ds.values)
    units = [
        {
            "code": u,
            "name": n,
            "share": float(have[k].mean()),
            "missing": [fw.indicators[j].code for j in np.flatnonzero(~have[k])],
        }
        for k, (u, n) in enumerate(zip(ds.units, ds.unit_names, strict=True))
    ]
    inds = [
        {
            "code": i.code,
            "name": i.name,
            "share": float(have[:, j].mean()) if len(have) else 0.0,
            "missing_units": int((~have[:, j]).sum()),
        }
        for j, i in enumerate(fw.indicators)
    ]
    return Coverage(units, inds, float(have.mean()) if have.size else 0.0)


def latest_run(framework: str, *, ok: bool | None = None):
    from .models import IndexRun

    qs = IndexRun.objects.filter(framework=framework)
    if ok is not None:
        qs = qs.filter(ok=ok)
    return qs.order_by("-created_at", "-id").first()


def runs_of(framework: str, limit: int = 20):
    from .models import IndexRun

    return list(
        IndexRun.objects.filter(framework=framework)
        .order_by("-created_at", "-id")
        .defer("data", "result", "framework_text")[:limit]
    )


def run_by_uid(uid):
    from steppe.core.errors import NotFound

    from .models import IndexRun

    run = IndexRun.objects.filter(uid=uid).first()
    if run is None:
        raise NotFound("未找到该次计算 Run not found")
    return run


REPORT_FRAMEWORKS = ("nmg-leagues-cstii", "nmg-counties-innovative", "nmg-parks-htz")


def report_section(as_of: int):
    """The monitoring report's section on the composite indices: for each Inner Mongolia framework
    the latest run (ranks, intervals, coverage), or why no index could be computed. Registered in
    core.registry.report_sections by EvaluationConfig.ready."""
    from steppe.core.registry import ReportSection

    from .framework import builtin_frameworks, load_framework

    paragraphs, rows = [], []
    for code in REPORT_FRAMEWORKS:
        fw = load_framework(builtin_frameworks()[code])
        run = latest_run(code)
        if run is None:
            paragraphs.append(f"{fw.name}:尚未计算。")
            continue
        when = run.created_at.strftime("%Y-%m-%d")
        # a non-finite coverage (a hand edit) is named, not printed as "nan%" (steppe data check lists it)
        cov = f"{100 * run.coverage:.0f}%" if math.isfinite(run.coverage) else "无效数值"
        if not run.ok:
            paragraphs.append(
                f"{fw.name}:{when} 计算未能得出指数(数据覆盖率 {cov}),原因:{run.error}。缺失数据不按零计。"
            )
            continue
        paragraphs.append(f"{fw.name}:{when} 计算,数据年份 {run.year or '—'},数据覆盖率 {cov}。")
        top = run.result["columns"][0]
        for u in run.result["units"]:
            interval = None if u.get("rank_lo") is None else f"{u['rank_lo']:.0f}–{u['rank_hi']:.0f}"
            rows.append((fw.name, u["name"], u["rank"], u["scores"][top], interval, u["coverage"]))
    return ReportSection(
        key="evaluation",
        title="附:综合创新评价",
        paragraphs=tuple(paragraphs),
        columns=("评价框架", "单位", "排名", "综合得分", "排名区间(5%–95%)", "数据覆盖率"),
        rows=tuple(rows),
    )

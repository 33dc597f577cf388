"""Writes of the evaluation app: indicator definitions into the statistics dictionary, index runs."""

from __future__ import annotations

from pathlib import Path

from .framework import Framework

INDICATORS_FILE = Path(__file__).parent / "data" / "indicators.yaml"


def evaluation_indicators_load() -> dict:
    """Adds (or updates) the indicator definitions the frameworks need to the statistics
    dictionary, through the statistics app's own loader (same checks of units and fields)."""
    from steppe.stats.services import indicators_load

    return indicators_load(path=INDICATORS_FILE)


def data_template(fw: Framework, *, year: int | None = None) -> bytes:
    """The empty data template of a framework, as CSV through the one table writer.

    Leagues and counties: rows in the statistics import layout (region, indicator, year, value, unit,
    source_title, ...), one per unit and indicator, value empty, for `steppe stats import`.
    Parks: the framework's data file layout, one row per registered park.
    """
    from steppe.core.tables import read_records, write_table

    if "stats" in fw.data:
        from steppe.stats.services import COLUMNS

        from .queries import units_of

        rows = []
        for _code, name in units_of(fw):
            for ind in fw.indicators:
                row = {
                    "region": name,
                    "indicator": ind.stats_code or ind.code,
                    "year": year or "",
                    "value": "",
                    "unit": ind.unit,
                }
                rows.append([row.get(c, "") for c in COLUMNS])
        return write_table(COLUMNS, rows, "csv")
    base = fw.path.parent if fw.path else Path.cwd()
    reg = fw.data.get("register")
    ucol = fw.data.get("unit_code", "uCode")
    ncol = fw.data.get("unit_name", "uName")
    groups = list(fw.data.get("groups") or [])
    rows = []
    if reg:
        path = base / reg
        for _, r in read_records(path.read_bytes(), path.name)[1]:
            rows.append([r[ucol], r[ncol], *[r.get(g, "") for g in groups], year or "", *[""] * len(fw.indicators)])
    return write_table([ucol, ncol, *groups, "year", *fw.indicator_codes], rows, "csv")


# --------------------------------------------------------------------------- index runs


def _jsonable(x):
    import math

    if isinstance(x, float):
        return None if math.isnan(x) or math.isinf(x) else round(x, 6)
    return x


def run_payload(fw, ds, *, replications: int = 0, seed: int = 1, method: str = "") -> dict:
    """Everything a run stores: the result table, coverage, audit, uncertainty, what moves each rank.
    Raises FrameworkError when the index cannot be computed (the caller records why)."""
    import numpy as np

    from .audit import audit
    from .composite import build
    from .queries import coverage
    from .uncertainty import monte_carlo, rank_movers

    overrides = fw.methods.get(method, {}) if method else {}
    if method and method not in fw.methods:
        from .framework import FrameworkError

        raise FrameworkError(f"the framework has no method {method!r} ({', '.join(fw.methods) or 'none'})")
    res = build(fw, ds, overrides=overrides)
    fw_m = fw.with_steps(**overrides) if overrides else fw
    names = {i.code: i.name for i in fw.indicators} | {a.code: a.name for a in fw.aggregates}
    norm = res.datasets["Normalised"]
    n_units = len(res.units)
    # rank of each unit on each indicator (1 = best), for strengths and weaknesses
    ind_rank = np.full(norm.shape, np.nan)
    for j in range(norm.shape[1]):
        col = norm[:, j]
        ok = ~np.isnan(col)
        ind_rank[ok, j] = 1 + (col[None, ok] > col[ok, None]).sum(axis=1)
    movers = rank_movers(res) if n_units > 1 else {}
    mc = monte_carlo(fw_m, ds, replications, seed=seed, nominal=res) if replications else None
    units = []
    for k, u in enumerate(res.units):
        order = [j for j in np.argsort(ind_rank[k]) if not np.isnan(ind_rank[k, j])]
        row = {
            "code": u,
            "name": res.unit_names[k],
            "rank": int(res.ranks[k]),
            "scores": {c: _jsonable(float(res.scores[k, i])) for i, c in enumerate(res.columns)},
            "indicators": {fw.indicator_codes[j]: _jsonable(float(norm[k, j])) for j in range(norm.shape[1])},
            "coverage": _jsonable(float(res.coverage[k])),
            "imputed": [fw.indicator_codes[j] for j in np.flatnonzero(res.imputed[k])],
            "strengths": [{"code": fw.indicator_codes[j], "rank": int(ind_rank[k, j])} for j in order[:3]],
            "weaknesses": [
                {"code": fw.indicator_codes[j], "rank": int(ind_rank[k, j])} for j in order[::-1][:3]
            ],
            "movers": [m.__dict__ for m in movers.get(u, [])],
        }
        if mc is not None:
            row.update(
                rank_median=float(mc.rank_median[k]),
                rank_lo=float(mc.rank_lo[k]),
                rank_hi=float(mc.rank_hi[k]),
            )
        units.append(row)
    units.sort(key=lambda r: (r["rank"], r["code"]))
    au = audit(res)
    cov = coverage(fw, ds)
    return {
        "columns": res.columns,
        "levels": {a.code: a.level for a in fw.aggregates},
        "names": names,
        "units": units,
        "screened_out": [{"code": u, "availability": a} for u, a in res.screened_out],
        "treatments": [
            {
                "code": t.code,
                "action": t.action,
                "skew": _jsonable(t.skew_before),
                "kurtosis": _jsonable(t.kurt_before),
            }
            for t in res.treatments
            if t.action != "none"
        ],
        "weights": {c: _jsonable(w) for c, w in res.weights.items()},
        "steps": res.steps_run,
        "audit": {
            "indicators": [{k: _jsonable(v) for k, v in s.__dict__.items()} for s in au.indicators],
            "aggregates": [
                {
                    "code": a.code,
                    "level": a.level,
                    "cronbach_alpha": _jsonable(a.cronbach_alpha),
                    "pca_first_share": _jsonable(a.pca_first_share),
                    "corr_parent": _jsonable(a.corr_parent),
                }
                for a in au.aggregates
            ],
            "high_within": au.high_within,
            "negative_within": au.negative_within,
        },
        "coverage": {"total": cov.total, "units": cov.units, "indicators": cov.indicators},
        "uncertainty": None
        if mc is None
        else {
            "runs": mc.n_runs,
            "factors": mc.factors,
            "seed": mc.seed,
            "first_order": {f: _jsonable(v) for f, v in mc.first_order.items()},
            "total": {f: _jsonable(v) for f, v in mc.total.items()},
        },
    }


def _shipped_framework(framework: str):
    """The shipped framework of that code, or NotFound."""
    from steppe.core.errors import NotFound

    from .framework import builtin_frameworks, load_framework

    shipped = builtin_frameworks()
    if framework not in shipped:
        raise NotFound(f"未找到评价框架 {framework} Framework {framework} not found")
    return load_framework(shipped[framework])


def index_build_check(*, framework: str, method: str = "", replications: int = 0):
    """What a build is asked is checked before it is queued (the API answers 404/400 at once, not in
    a failed job): the framework is shipped (404), the method and the replications pass the one
    validator of a build (validation.BuildValidator). Returns the loaded framework."""
    from .validation import BuildValidator

    fw = _shipped_framework(framework)
    BuildValidator.clean(fw, {"method": method, "replications": replications})
    return fw


def index_build_start(*, framework: str, method: str = "", replications: int = 0, seed: int = 1,
                      year: int | None = None, user=None, page: str = "", data: dict | None = None):
    """Check the build's parameters (``data`` as the page or the API sent them, else the keywords)
    with validation.BuildValidator, then queue it as an `evaluation.build` job (the page and the API
    both start builds here); the job."""
    from steppe.core.jobs import service as jobs

    from .validation import BuildValidator

    fw = _shipped_framework(framework)
    if data is None:
        data = {"method": method, "replications": replications, "seed": seed, "year": year}
    values = BuildValidator.clean(fw, data)
    params: dict = {"framework": framework, "method": values["method"], "replications": values["replications"],
                    "seed": values["seed"]}
    if values["year"] is not None:
        params["year"] = values["year"]
    return jobs.start(BUILD_KIND, params=params, user=user, page=page)


def index_run_build(
    *,
    framework: str,
    year: int | None = None,
    method: str = "",
    replications: int = 0,
    seed: int = 1,
    actor=None,
):
    """Builds a shipped framework over its current data and stores the run. A run whose index cannot
    be computed (too little data, a missing 监测标准) is stored too, with the reason and the coverage,
    so the page can say what is missing. Returns the IndexRun."""
    import hashlib
    import json

    import numpy as np
    from django.db import transaction

    from .framework import FrameworkError, builtin_frameworks
    from .models import IndexRun
    from .queries import coverage, dataset_from_stats

    shipped = builtin_frameworks()
    fw = index_build_check(framework=framework, method=method, replications=replications)
    text = shipped[framework].read_text(encoding="utf-8")
    if "stats" in fw.data:
        sd = dataset_from_stats(fw, year=year)
        ds, year = sd.dataset, sd.year
    else:
        from .framework import load_dataset

        ds = load_dataset(fw)
    values = [[None if np.isnan(v) else float(v) for v in row] for row in ds.values]
    data = {
        "units": ds.units,
        "unit_names": ds.unit_names,
        "indicators": ds.indicators,
        "values": values,
        "denominators": {
            k: [None if np.isnan(v) else float(v) for v in d] for k, d in ds.denominators.items()
        },
        "groups": ds.groups,
        "source": ds.source,
    }
    data_sha = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    try:
        payload, ok, error = (
            run_payload(fw, ds, replications=replications, seed=seed, method=method),
            True,
            "",
        )
    except FrameworkError as exc:
        cov = coverage(fw, ds)
        payload = {"coverage": {"total": cov.total, "units": cov.units, "indicators": cov.indicators}}
        ok, error = False, str(exc)
    with transaction.atomic():
        return IndexRun.objects.create(
            framework=fw.code,
            framework_name=fw.name,
            framework_sha256=hashlib.sha256(text.encode()).hexdigest(),
            framework_text=text,
            method=method,
            year=year,
            data_source=ds.source,
            data_sha256=data_sha,
            replications=replications,
            seed=seed,
            ok=ok,
            error=error,
            coverage=payload["coverage"]["total"],
            data=data,
            result=payload,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def run_inputs(run):
    """The framework and the data a stored run used, rebuilt from the run itself."""
    import numpy as np
    import yaml

    from .framework import Dataset, parse_framework

    fw = parse_framework(yaml.safe_load(run.framework_text))
    d = run.data
    vals = np.array([[np.nan if v is None else v for v in row] for row in d["values"]], dtype=float)
    vals = vals.reshape(len(d["units"]), len(d["indicators"]))
    dens = {
        k: np.array([np.nan if v is None else v for v in col], dtype=float)
        for k, col in d.get("denominators", {}).items()
    }
    ds = Dataset(
        d["units"],
        d["unit_names"],
        d["indicators"],
        vals,
        groups=d.get("groups") or {},
        denominators=dens,
        source=d.get("source", ""),
    )
    return fw, ds


def index_change(old, new) -> dict:
    """Year-on-year change of each unit's index, split into what the data changed and what the
    method changed: data part = I(new data, old method) - I(old data, old method); method part =
    I(new data, new method) - I(new data, old method). Both runs must be of the same framework code."""
    from steppe.core.errors import DomainError

    from .composite import build
    from .framework import FrameworkError

    if old.framework != new.framework or not (old.ok and new.ok):
        raise DomainError(
            "invalid", "只能比较同一框架的两次成功运行 Only two successful runs of one framework compare"
        )
    fw_old, ds_old = run_inputs(old)
    fw_new, ds_new = run_inputs(new)
    ov_old = fw_old.methods.get(old.method, {}) if old.method else {}
    try:
        if fw_old.indicator_codes != fw_new.indicator_codes:
            raise FrameworkError("the two runs have different indicators; the data part cannot be separated")
        mid = build(fw_old, ds_new, overrides=ov_old)
    except FrameworkError as exc:
        raise DomainError("invalid", f"无法分解变化 Cannot split the change: {exc}") from None
    top_old = {u["code"]: u["scores"][old.result["columns"][0]] for u in old.result["units"]}
    top_new = {u["code"]: u["scores"][new.result["columns"][0]] for u in new.result["units"]}
    top_mid = dict(zip(mid.units, (float(v) for v in mid.index), strict=True))
    names = {u["code"]: u["name"] for u in new.result["units"]}
    rows = []
    for code in sorted(set(top_old) & set(top_new) & set(top_mid)):
        a, m, b = top_old[code], top_mid[code], top_new[code]
        rows.append(
            {
                "code": code,
                "name": names[code],
                "old": a,
                "new": b,
                "change": b - a,
                "data": m - a,
                "method": b - m,
            }
        )
    rows.sort(key=lambda r: -r["change"])
    return {
        "rows": rows,
        "same_method": old.framework_sha256 == new.framework_sha256 and old.method == new.method,
    }


# ---------------------------------------------------------------- the index build as a job (core.jobs)

BUILD_KIND = "evaluation.build"


def index_build_job(ctx, *, framework: str, method: str = "", replications: int = 0, seed: int = 1,
                    year: int | None = None) -> dict:
    """A build (the page's and the API's): a background job, since the Monte Carlo replications take a while."""
    from django.utils.translation import gettext_noop

    ctx.progress(0, 1, gettext_noop("正在计算指数"), force=True)
    run = index_run_build(framework=framework, year=year, method=method, replications=replications, seed=seed,
                          actor=ctx.user)
    ctx.concerns("evaluation.IndexRun", run.pk)
    return {"run": str(run.uid), "ok": bool(run.ok), "error": run.error, "framework": framework,
            "replications": replications}

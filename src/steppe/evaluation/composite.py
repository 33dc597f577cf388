"""The composite-index engine: denominate, impute, screen, treat, normalise, weight, aggregate.

Pure numpy (no Django). Each step is a function on a units × indicators matrix (NaN = missing)
and ``build`` runs a framework's steps in the order the framework lists them.

The definitions follow COINr (the JRC's R package) and the OECD/JRC Handbook on Constructing
Composite Indicators, so that COINr's ASEM example is reproduced; where COINr falls back
silently (an indicator it cannot treat is returned untreated with a warning, a zero range gives
NaNs), this engine stops with a FrameworkError that names the indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .framework import Dataset, Framework, FrameworkError

# ---------------------------------------------------------------------------------------------
# statistics with COINr's (e1071 type 3) definitions


def skew(x: np.ndarray) -> float:
    """Sample skewness as COINr computes it (e1071::skewness type 3 adjusted to G1). NaNs ignored."""
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 3:
        return float("nan")
    d = x - x.mean()
    s2 = (d**2).sum()
    if s2 == 0:
        return float("nan")
    y = np.sqrt(n) * (d**3).sum() / s2**1.5
    return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis as COINr computes it (e1071 type 2). NaNs ignored."""
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 4:
        return float("nan")
    d = x - x.mean()
    s2 = (d**2).sum()
    if s2 == 0:
        return float("nan")
    r = n * (d**4).sum() / s2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skew_kurt_pass(x: np.ndarray, skew_thresh: float, kurt_thresh: float) -> bool:
    """COINr's test: an indicator passes when |skew| < threshold OR kurtosis < threshold."""
    return bool(abs(skew(x)) < skew_thresh or kurt(x) < kurt_thresh)


# ---------------------------------------------------------------------------------------------
# steps


def denominate(values: np.ndarray, fw: Framework, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Divide each indicator that names a denominator by it, unit by unit.

    Returns (values, lost): a cell whose denominator is missing becomes missing too (as in COINr)
    and is reported in `lost`, so it is imputed or skipped openly, never divided by zero.
    """
    out = values.copy()
    lost = np.zeros(values.shape, dtype=bool)
    for j, ind in enumerate(fw.indicators):
        if not ind.denominator:
            continue
        if ind.denominator not in ds.denominators:
            raise FrameworkError(f"indicator {ind.code}: denominator {ind.denominator} is not in the data")
        d = ds.denominators[ind.denominator]
        has = ~np.isnan(values[:, j])
        bad = has & (d == 0)
        if bad.any():
            units = ", ".join(ds.units[k] for k in np.flatnonzero(bad)[:5])
            raise FrameworkError(f"indicator {ind.code}: denominator {ind.denominator} is zero for {units}")
        lost[:, j] = has & np.isnan(d)
        out[:, j] = values[:, j] / d
    return out, lost


def impute(
    values: np.ndarray, method: str, fw: Framework, groups: list | None = None, group_name: str = ""
) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing cells; returns (values, imputed mask). 'none' fills nothing.

    group_mean / group_median use the units of the same group; a missing cell whose group has no
    value for that indicator is refused (named), never filled with zero.
    """
    missing = np.isnan(values)
    if method == "none" or not missing.any():
        return values.copy(), np.zeros_like(missing)
    out = values.copy()
    f = np.nanmean if method.endswith("mean") else np.nanmedian
    if method.startswith("group_"):
        if groups is None:
            raise FrameworkError(f"impute: group column {group_name!r} is not in the data")
        labels = np.array([g if g is not None else "" for g in groups], dtype=object)
        for g in sorted(set(labels.tolist())):
            rows = labels == g
            block = values[rows]
            if not np.isnan(block).any():
                continue
            if g == "":
                bad = np.flatnonzero(rows & missing.any(axis=1))
                raise FrameworkError(
                    f"impute: unit(s) with missing data have no {group_name}: "
                    f"row(s) {', '.join(str(k) for k in bad[:5])}"
                )
            for j in range(values.shape[1]):
                col = block[:, j]
                if np.isnan(col).any():
                    if np.isnan(col).all():
                        raise FrameworkError(
                            f"impute: indicator {fw.indicators[j].code} has no value in group "
                            f"{group_name}={g}, so its {method} cannot be taken"
                        )
                    col = col.copy()
                    col[np.isnan(col)] = f(col)
                    out[rows, j] = col
    else:
        for j in range(values.shape[1]):
            col = values[:, j]
            if np.isnan(col).any():
                if np.isnan(col).all():
                    raise FrameworkError(f"impute: indicator {fw.indicators[j].code} has no value at all")
                out[np.isnan(col), j] = f(col)
    return out, missing


def availability(values: np.ndarray) -> np.ndarray:
    """Share of indicators with a value, per unit."""
    return 1.0 - np.isnan(values).mean(axis=1)


@dataclass
class Treatment:
    code: str
    action: str  # none | winsorise | log | winsorise_failed_log
    skew_before: float
    kurt_before: float
    skew_after: float
    kurt_after: float
    points: list[int] = field(default_factory=list)  # rows winsorised
    passes: bool = True


def winsorise(x: np.ndarray, winmax: int, skew_thresh: float, kurt_thresh: float):
    """COINr's winsorisation: replace the extreme value(s) on the skewed side by the next value,
    one step at a time, until the indicator passes or `winmax` points have been changed.

    Returns (x, rows changed in the last step of each side, passes). The count follows COINr:
    tied extremes are replaced together and counted as they stand.
    """
    x = x.copy()
    passing = skew_kurt_pass(x, skew_thresh, kurt_thresh)
    imax = np.array([], dtype=int)
    imin = np.array([], dtype=int)
    nwin = 0
    while not passing and nwin < winmax:
        if skew(x) >= 0:
            mx = np.nanmax(x)
            imax = np.flatnonzero(x == mx)
            rest = np.delete(x, imax)
            x[imax] = np.nanmax(rest)
        else:
            mn = np.nanmin(x)
            imin = np.flatnonzero(x == mn)
            rest = np.delete(x, imin)
            x[imin] = np.nanmin(rest)
        nwin = len(imax) + len(imin)
        passing = skew_kurt_pass(x, skew_thresh, kurt_thresh)
    return x, sorted(set(imax.tolist()) | set(imin.tolist())), passing


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr's log_CT: log(x - min + 0.01 (max - min))."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log(x - mn + 0.01 * (mx - mn))


def treat(
    values: np.ndarray,
    fw: Framework,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    log: bool = True,
) -> tuple[np.ndarray, list[Treatment]]:
    """Outlier treatment with COINr's defaults.

    An indicator with |skew| >= skew_thresh and kurtosis >= kurt_thresh is winsorised up to
    `winmax` points; if it still fails, the winsorisation is undone and the original values are
    log-transformed (log_CT) instead. The report says what happened to each indicator.
    """
    out = values.copy()
    report = []
    for j, ind in enumerate(fw.indicators):
        x = values[:, j]
        sk0, ku0 = skew(x), kurt(x)
        if np.isnan(sk0) or np.isnan(ku0):
            raise FrameworkError(
                f"treat: indicator {ind.code} has too few distinct values to measure skew and kurtosis"
            )
        if skew_kurt_pass(x, skew_thresh, kurt_thresh):
            report.append(Treatment(ind.code, "none", sk0, ku0, sk0, ku0))
            continue
        xw, rows, ok = winsorise(x, int(winmax), skew_thresh, kurt_thresh)
        if ok or not log:
            out[:, j] = xw
            report.append(Treatment(ind.code, "winsorise", sk0, ku0, skew(xw), kurt(xw), rows, ok))
            continue
        xl = log_ct(x)
        out[:, j] = xl
        report.append(
            Treatment(
                ind.code,
                "log",
                sk0,
                ku0,
                skew(xl),
                kurt(xl),
                [],
                skew_kurt_pass(xl, skew_thresh, kurt_thresh),
            )
        )
    return out, report


def normalise_column(
    x: np.ndarray,
    method: str,
    *,
    direction: int,
    code: str,
    lo: float = 0.0,
    hi: float = 100.0,
    target: float | None = None,
    standard: float | None = None,
    goalposts: tuple[float, float] | None = None,
    cap: bool = True,
    mean: float = 0.0,
    sd: float = 1.0,
) -> np.ndarray:
    """One indicator onto a common scale. Every failure names the indicator."""
    if np.isnan(x).all():
        raise FrameworkError(f"normalise: indicator {code} has no value")
    if method == "minmax":
        y = x * direction
        mn, mx = np.nanmin(y), np.nanmax(y)
        if mn == mx:
            raise FrameworkError(f"normalise: indicator {code} has the same value for every unit (range 0)")
        return (y - mn) / (mx - mn) * (hi - lo) + lo
    if method == "zscore":
        y = x * direction
        s = np.nanstd(y, ddof=1)
        if not s > 0:
            raise FrameworkError(f"normalise: indicator {code} has no spread (standard deviation 0)")
        return (y - np.nanmean(y)) / s * sd + mean
    if method == "rank":
        y = x * direction
        ok = ~np.isnan(y)
        n = ok.sum()
        if n < 2:
            raise FrameworkError(f"normalise: indicator {code} needs two values to rank")
        r = np.full_like(y, np.nan)
        yy = y[ok]
        # rank with ties at their minimum, as COINr's n_prank
        r[ok] = np.searchsorted(np.sort(yy), yy, side="left")
        return r / (n - 1) * (hi - lo) + lo
    if method == "distance_to_target":
        if target is None:
            raise FrameworkError(f"normalise: indicator {code} has no target for distance_to_target")
        if direction == 1:
            mn = np.nanmin(x)
            if target <= mn:
                raise FrameworkError(
                    f"normalise: target of {code} ({target}) is not above its minimum ({mn})"
                )
            y = (x - mn) / (target - mn)
        else:
            mx = np.nanmax(x)
            if target >= mx:
                raise FrameworkError(
                    f"normalise: target of {code} ({target}) is not below its maximum ({mx})"
                )
            y = (mx - x) / (mx - target)
        if cap:
            y = np.minimum(y, 1.0)
        return y * (hi - lo) + lo
    if method == "goalposts":
        if goalposts is None:
            raise FrameworkError(f"normalise: indicator {code} has no goalposts")
        g0, g1 = goalposts
        y = (x - g0) / (g1 - g0) if direction == 1 else (x - g1) / (g0 - g1)
        y = np.clip(y, 0.0, 1.0)
        return y * (hi - lo) + lo
    if method == "standard":
        # 监测标准: the score is the achieved share of the standard, capped at 100%
        if standard is None:
            raise FrameworkError(f"normalise: indicator {code} has no standard (监测标准)")
        if direction == 1:
            y = x / standard
        else:
            if (x[~np.isnan(x)] <= 0).any():
                raise FrameworkError(
                    f"normalise: indicator {code} is lower-is-better and has values <= 0; "
                    "a standard cannot score them"
                )
            y = standard / x
        if cap:
            y = np.minimum(y, 1.0)
        return y * (hi - lo) + lo
    raise FrameworkError(f"normalise: unknown method {method!r} for {code}")


def normalise(values: np.ndarray, fw: Framework, params: dict) -> np.ndarray:
    out = np.empty_like(values)
    for j, ind in enumerate(fw.indicators):
        p = {**params, **(ind.normalise or {})}
        lo, hi = p.get("range", [0, 100])
        out[:, j] = normalise_column(
            values[:, j],
            p.get("method", "minmax"),
            direction=ind.direction,
            code=ind.code,
            lo=lo,
            hi=hi,
            target=ind.target,
            standard=ind.standard,
            goalposts=ind.goalposts,
            cap=p.get("cap", True),
            mean=p.get("mean", 0.0),
            sd=p.get("sd", 1.0),
        )
    return out


def pca_weights(block: np.ndarray, codes: list[str], parent: str) -> np.ndarray:
    """Weights of one aggregate's children from the first principal component of their
    correlation matrix: the squared loadings (they sum to 1). Needs complete data."""
    if block.shape[1] == 1:
        return np.ones(1)
    bad = [codes[j] for j in range(block.shape[1]) if np.isnan(block[:, j]).any()]
    if bad:
        raise FrameworkError(f"weights: PCA for {parent} needs complete data; missing in {', '.join(bad)}")
    sd = block.std(axis=0, ddof=1)
    flat = [codes[j] for j in np.flatnonzero(sd == 0)]
    if flat:
        raise FrameworkError(f"weights: PCA for {parent}: {', '.join(flat)} do not vary")
    corr = np.corrcoef(block, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    v = vecs[:, -1]
    return v**2 / (v**2).sum()


AGG_METHODS_POSITIVE = ("geometric", "harmonic")

# ---------------------------------------------------------------------------------------------
# aggregation (one function for the single build and for batches of Monte Carlo replications)


def agg_batch(x: np.ndarray, w: np.ndarray, member: np.ndarray, method: str) -> np.ndarray:
    """Aggregate children into parents for a batch.

    x: (R, U, C) children scores (NaN = missing, skipped with its weight);
    w: (R, C) or (C,) children weights; member: (C, P) 0/1 membership. Returns (R, U, P).
    """
    if w.ndim == 1:
        w = np.broadcast_to(w, (x.shape[0], w.shape[0]))
    ok = ~np.isnan(x)
    wm = w[:, None, :] * ok  # (R, U, C)
    den = wm @ member  # (R, U, P)
    if method == "arithmetic":
        num = (np.where(ok, x, 0.0) * w[:, None, :]) @ member
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / den
    if method == "geometric":
        with np.errstate(divide="ignore", invalid="ignore"):
            lx = np.where(ok, np.log(np.where(ok, x, 1.0)), 0.0)
            return np.exp(((lx * w[:, None, :]) @ member) / den)
    if method == "harmonic":
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = np.where(ok, 1.0 / np.where(ok, x, 1.0), 0.0)
            return den / ((inv * w[:, None, :]) @ member)
    raise FrameworkError(f"aggregate: unknown method {method!r}")


def level_methods(fw: Framework, params: dict) -> dict[int, str]:
    """The aggregation method of each level (2..top)."""
    base = params.get("method", "arithmetic")
    per = params.get("methods") or {}
    return {lev: per.get(fw.levels[lev - 1], base) for lev in range(2, fw.n_levels + 1)}


@dataclass
class Structure:
    """The tree as matrices, for vectorised aggregation."""

    levels: list[tuple[int, list[str], list[str], np.ndarray]]  # (level, child codes, parent codes, member)

    @classmethod
    def of(cls, fw: Framework) -> Structure:
        out = []
        children = fw.indicator_codes
        for lev in range(2, fw.n_levels + 1):
            parents = [a.code for a in fw.aggregates_at(lev)]
            parent_of = {i.code: i.parent for i in fw.indicators} | {a.code: a.parent for a in fw.aggregates}
            member = np.zeros((len(children), len(parents)))
            for c, code in enumerate(children):
                parent = parent_of[code]
                assert parent is not None, code  # only the index has no parent, and it is no child
                member[c, parents.index(parent)] = 1.0
            out.append((lev, list(children), parents, member))
            children = parents
        return cls(out)


def check_positive(x: np.ndarray, codes: list[str], units: list[str], method: str, parent_level: str):
    bad = np.argwhere(~np.isnan(x) & (x <= 0))
    if len(bad):
        u, c = bad[0]
        raise FrameworkError(
            f"aggregate: {method} mean at level {parent_level} needs positive scores; "
            f"{codes[c]} is {x[u, c]:.4g} for {units[u]} (normalise to a range above 0, e.g. [1, 100])"
        )


@dataclass
class BuildResult:
    framework: Framework
    units: list[str]
    unit_names: list[str]
    datasets: dict[str, np.ndarray]
    imputed: np.ndarray  # bool (units × indicators): filled by imputation
    missing: np.ndarray  # bool: no value after all steps (skipped in aggregation)
    treatments: list[Treatment]
    screened_out: list[tuple[str, float]]
    weights: dict[str, float]  # final weights of every indicator and aggregate (within its parent)
    columns: list[str]  # aggregate codes, top level first
    scores: np.ndarray  # units × columns
    steps_run: list[str]
    coverage: np.ndarray  # share of the unit's indicators with a reported value
    denominator_missing: np.ndarray  # bool: value reported but its denominator missing

    @property
    def index(self) -> np.ndarray:
        return self.scores[:, 0]

    @property
    def ranks(self) -> np.ndarray:
        return rank_desc(self.index)

    def score(self, code: str) -> np.ndarray:
        if code in self.columns:
            return self.scores[:, self.columns.index(code)]
        return self.datasets["Normalised"][:, self.framework.indicator_codes.index(code)]


def rank_desc(x: np.ndarray) -> np.ndarray:
    """Rank 1 = highest; ties share the best rank; NaN ranks last (as NaN)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    v = -x[ok]
    out[ok] = np.searchsorted(np.sort(v), v, side="left") + 1
    return out


def build(fw: Framework, ds: Dataset, *, overrides: dict | None = None) -> BuildResult:
    """Run the framework's steps over the data. `overrides` replaces a step's parameters
    (e.g. {"normalise": {"method": "zscore"}}) without editing the framework."""
    overrides = overrides or {}
    if ds.indicators != fw.indicator_codes:
        raise FrameworkError("the data's indicators are not the framework's (order or codes differ)")
    x = ds.values.astype(float).copy()
    reported = ~np.isnan(ds.values)
    units = list(ds.units)
    names = list(ds.unit_names)
    groups = {g: list(v) for g, v in ds.groups.items()}
    rows = np.arange(len(units))
    imputed = np.zeros_like(reported)
    denominator_missing = np.zeros_like(reported)
    datasets = {"Raw": ds.values.copy()}
    inp = ds.values.copy()  # the data as reported (denominated), never imputed or treated
    treatments: list[Treatment] = []
    screened_out: list[tuple[str, float]] = []
    steps_run = []
    weight_method = "given"
    agg_params = {"method": "arithmetic"}
    for name, params in fw.steps:
        params = {**params, **overrides.get(name, {})}
        steps_run.append(name)
        if name == "denominate":
            x, lost = denominate(
                x,
                fw,
                Dataset(
                    units,
                    names,
                    ds.indicators,
                    x,
                    denominators={k: v[rows] for k, v in ds.denominators.items()},
                ),
            )
            reported &= ~lost
            inp = x.copy()
            denominator_missing |= lost
            datasets["Denominated"] = x.copy()
        elif name == "impute":
            gname = params.get("group", "")
            x, newly = impute(x, params["method"], fw, groups.get(gname) if gname else None, gname)
            imputed |= newly
            datasets["Imputed"] = x.copy()
        elif name == "screen":
            av = availability(x)
            keep = av >= float(params["min_availability"])
            if not keep.any():
                raise FrameworkError("screen: no unit has the required data availability")
            screened_out = [(units[k], float(av[k])) for k in np.flatnonzero(~keep)]
            x, imputed, reported, rows = x[keep], imputed[keep], reported[keep], rows[keep]
            denominator_missing = denominator_missing[keep]
            inp = inp[keep]
            units = [u for u, k in zip(units, keep, strict=True) if k]
            names = [u for u, k in zip(names, keep, strict=True) if k]
            groups = {g: [v for v, k in zip(vals, keep, strict=True) if k] for g, vals in groups.items()}
            datasets["Screened"] = x.copy()
        elif name == "treat":
            x, treatments = treat(
                x,
                fw,
                winmax=params.get("winmax", 5),
                skew_thresh=params.get("skew_thresh", 2.0),
                kurt_thresh=params.get("kurt_thresh", 3.5),
                log=params.get("log", True),
            )
            datasets["Treated"] = x.copy()
        elif name == "normalise":
            x = normalise(x, fw, params)
            datasets["Normalised"] = x.copy()
        elif name == "weights":
            weight_method = params.get("method", "given")
        elif name == "aggregate":
            agg_params = params
    datasets["Input"] = inp
    if "Normalised" not in datasets:
        raise FrameworkError("aggregate needs the normalise step before it")

    st = Structure.of(fw)
    methods = level_methods(fw, agg_params)
    given = {i.code: i.weight for i in fw.indicators} | {a.code: a.weight for a in fw.aggregates}
    weights: dict[str, float] = {}
    cur = datasets["Normalised"]
    cols: dict[str, np.ndarray] = {}
    for lev, child_codes, parent_codes, member in st.levels:
        if weight_method == "equal":
            w = np.ones(len(child_codes))
        elif weight_method == "pca":
            w = np.zeros(len(child_codes))
            for p in range(len(parent_codes)):
                idx = np.flatnonzero(member[:, p])
                w[idx] = pca_weights(cur[:, idx], [child_codes[i] for i in idx], parent_codes[p])
        else:
            w = np.array([given[c] for c in child_codes], dtype=float)
        for p, pc in enumerate(parent_codes):
            idx = np.flatnonzero(member[:, p])
            if w[idx].sum() <= 0:
                raise FrameworkError(f"weights: the children of {pc} all weigh 0")
        weights.update(dict(zip(child_codes, w.tolist(), strict=True)))
        method = methods[lev]
        if method in AGG_METHODS_POSITIVE:
            check_positive(cur, child_codes, units, method, fw.levels[lev - 1])
        nxt = agg_batch(cur[None], w, member, method)[0]
        for p, pc in enumerate(parent_codes):
            empty = np.isnan(nxt[:, p])
            if empty.any():
                raise FrameworkError(
                    f"aggregate: {pc} has no data for {', '.join(u for u, e in zip(units, empty, strict=True) if e)}"
                )
            cols[pc] = nxt[:, p]
        cur = nxt
    weights[fw.top.code] = 1.0
    columns = fw.output_columns()
    scores = np.column_stack([cols[c] for c in columns])
    return BuildResult(
        framework=fw,
        units=units,
        unit_names=names,
        datasets=datasets,
        imputed=imputed,
        missing=np.isnan(datasets["Normalised"]),
        treatments=treatments,
        screened_out=screened_out,
        weights=weights,
        columns=columns,
        scores=scores,
        steps_run=steps_run,
        coverage=reported.mean(axis=1),
        denominator_missing=denominator_missing,
    )


def results_table(res: BuildResult, decimals: int = 2) -> list[dict]:
    """One row per unit, sorted by rank: uCode, Rank, then every aggregate (top level first)."""
    order = np.lexsort((np.array(res.units), res.ranks))
    rows = []
    for k in order:
        row = {"uCode": res.units[k], "Rank": int(res.ranks[k])}
        for c, col in enumerate(res.columns):
            row[col] = round(float(res.scores[k, c]), decimals)
        rows.append(row)
    return rows

"""Uncertainty and sensitivity of a composite index, vectorised over replications.

Pure numpy. The uncertain choices (the framework's `uncertainty:` section) are the factors:

- ``weights``: every weight multiplied by a uniform factor in [1 - noise, 1 + noise];
- ``normalise``: one of the listed normalisations;
- ``impute``: one of the listed imputations;
- ``aggregate``: one of the listed aggregation methods (the same at every level).

The Monte Carlo uses Saltelli's design: two random matrices A and B of the factors, and for each
factor i a matrix AB_i (A with column i from B); all N(k+2) rows are valid samples of the
choices, so the rank intervals use all of them, and the sensitivity indices use their structure:
first order S_i (Saltelli 2010) and total S_Ti (Jansen 1999) of the mean absolute rank shift
against the nominal ranking, and of each unit's rank.

Why it is fast: the data steps (impute, treat, normalise) are computed once per discrete
combination (here 2 × 2), and every replication only re-weights and re-aggregates; the
aggregation of a whole batch of replications is one matrix product per level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .composite import AGG_METHODS_POSITIVE, BuildResult, Structure, agg_batch, build, level_methods
from .framework import (
    AGGREGATE_METHODS,
    IMPUTE_METHODS,
    NORMALISE_METHODS,
    Dataset,
    Framework,
    FrameworkError,
)

FACTORS = ("weights", "normalise", "impute", "aggregate")


@dataclass
class UncertaintySpec:
    weights_noise: float = 0.25
    normalise: list[dict] = field(default_factory=list)
    impute: list[dict] = field(default_factory=list)
    aggregate: list[str] = field(default_factory=list)

    def factors(self) -> list[str]:
        out = []
        if self.weights_noise > 0:
            out.append("weights")
        for name in ("normalise", "impute", "aggregate"):
            if len(getattr(self, name)) > 1:
                out.append(name)
        return out


def parse_uncertainty(fw: Framework) -> UncertaintySpec:
    """Read and check the framework's `uncertainty:` section; defaults are the nominal choices
    (so a framework without it varies the weights only)."""
    raw = fw.uncertainty or {}
    if not isinstance(raw, dict):
        raise FrameworkError("a mapping", path="uncertainty")
    extra = sorted(set(raw) - {"weights_noise", "normalise", "impute", "aggregate"})
    if extra:
        raise FrameworkError(f"unknown key(s): {', '.join(extra)}", path="uncertainty")
    noise = raw.get("weights_noise", 0.25)
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0 <= noise < 1:
        raise FrameworkError("a share in [0, 1)", path="uncertainty.weights_noise")
    nominal_norm = fw.step("normalise") or {}
    nominal_imp = fw.step("impute")
    norms = raw.get("normalise") or [nominal_norm]
    imps = raw.get("impute") or ([nominal_imp] if nominal_imp is not None else [])
    aggs = raw.get("aggregate") or [(fw.step("aggregate") or {}).get("method", "arithmetic")]
    for k, n in enumerate(norms):
        if not isinstance(n, dict) or n.get("method") not in NORMALISE_METHODS:
            raise FrameworkError(
                f"method one of {', '.join(NORMALISE_METHODS)}", path=f"uncertainty.normalise[{k}]"
            )
    for k, n in enumerate(imps):
        if not isinstance(n, dict) or n.get("method") not in IMPUTE_METHODS:
            raise FrameworkError(
                f"method one of {', '.join(IMPUTE_METHODS)}", path=f"uncertainty.impute[{k}]"
            )
    if imps and nominal_imp is None:
        raise FrameworkError("the framework has no impute step to vary", path="uncertainty.impute")
    for k, a in enumerate(aggs):
        if a not in AGGREGATE_METHODS:
            raise FrameworkError(f"one of {', '.join(AGGREGATE_METHODS)}", path=f"uncertainty.aggregate[{k}]")
    return UncertaintySpec(float(noise), list(norms), list(imps), list(aggs))


@dataclass
class MonteCarloResult:
    units: list[str]
    n_runs: int
    factors: list[str]
    nominal_rank: np.ndarray  # (U,)
    ranks: np.ndarray  # (n_runs, U)
    scores: np.ndarray  # (n_runs, U) index scores
    rank_median: np.ndarray
    rank_lo: np.ndarray  # 5th percentile
    rank_hi: np.ndarray  # 95th percentile
    first_order: dict[str, float]  # of the mean absolute rank shift
    total: dict[str, float]
    first_order_unit: dict[str, np.ndarray]  # of each unit's rank (NaN where the rank never moves)
    total_unit: dict[str, np.ndarray]
    base_n: int
    seed: int


def rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank every row (1 = highest, ties share the best rank), without a Python loop over rows."""
    out = np.empty(scores.shape)
    step = max(1, 2_000_000 // max(1, scores.shape[1] ** 2))
    for s in range(0, scores.shape[0], step):
        block = scores[s : s + step]
        out[s : s + step] = 1 + (block[:, None, :] > block[:, :, None]).sum(axis=2)
    return out


def _design(rng: np.random.Generator, base_n: int, k: int) -> np.ndarray:
    """Saltelli's design: rows A, B, AB_1..AB_k stacked; shape (base_n (k+2), k) in [0, 1)."""
    a = rng.random((base_n, k))
    b = rng.random((base_n, k))
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def monte_carlo(
    fw: Framework,
    ds: Dataset,
    n: int,
    seed: int = 1,
    *,
    nominal: BuildResult | None = None,
    chunk: int = 2000,
) -> MonteCarloResult:
    """Run about `n` replications (rounded down to a multiple of k + 2, at least k + 2)."""
    if n < 1:
        raise FrameworkError("the number of replications must be positive")
    spec = parse_uncertainty(fw)
    factors = spec.factors()
    if not factors:
        raise FrameworkError(
            "nothing is uncertain: set uncertainty.weights_noise or list alternatives", path="uncertainty"
        )
    k = len(factors)
    base_n = max(1, n // (k + 2))
    rng = np.random.default_rng(seed)
    design = _design(rng, base_n, k)
    runs = design.shape[0]
    nominal = nominal or build(fw, ds)
    st = Structure.of(fw)

    # the data of each discrete combination, computed once
    norms: list[dict | None] = [*spec.normalise] or [fw.step("normalise")]
    imps: list[dict | None] = [*spec.impute] or [None]
    data = {}
    for a, imp in enumerate(imps):
        for b, norm in enumerate(norms):
            ov = {"normalise": norm}
            if imp is not None:
                ov["impute"] = imp
            try:
                r = build(fw, ds, overrides=ov)
            except FrameworkError as exc:
                raise FrameworkError(
                    f"uncertainty: impute option {a + 1}, normalise option {b + 1}: {exc}"
                ) from None
            if r.units != nominal.units:
                raise FrameworkError(
                    f"uncertainty: impute option {a + 1} screens different units than the nominal build"
                )
            x = r.datasets["Normalised"]
            for m in spec.aggregate:
                if m in AGG_METHODS_POSITIVE:
                    bad = np.argwhere(~np.isnan(x) & (x <= 0))
                    if len(bad):
                        u, c = bad[0]
                        raise FrameworkError(
                            f"uncertainty: {m} aggregation needs positive scores, but normalise option "
                            f"{b + 1} gives {fw.indicator_codes[c]} = {x[u, c]:.4g} for {r.units[u]}",
                            path=f"uncertainty.normalise[{b}]",
                        )
            data[(a, b)] = x

    # which choice each run takes
    col = {f: design[:, i] for i, f in enumerate(factors)}
    imp_idx = (col["impute"] * len(imps)).astype(int) if "impute" in col else np.zeros(runs, int)
    norm_idx = (col["normalise"] * len(norms)).astype(int) if "normalise" in col else np.zeros(runs, int)
    aggs: list[str | None] = [*spec.aggregate]
    agg_idx = (col["aggregate"] * len(aggs)).astype(int) if "aggregate" in col else np.zeros(runs, int)
    nominal_agg = fw.step("aggregate") or {}
    if "aggregate" not in col:
        aggs = [None]  # use the framework's per-level methods
    # weights: a pool of perturbed weight sets; the factor picks one
    pool = max(base_n, 1)
    level_w = []
    for _lev, child_codes, _parents, _member in st.levels:
        w0 = np.array([nominal.weights[c] for c in child_codes])  # as built: given, equal or PCA
        if "weights" in col:
            noise = rng.uniform(1 - spec.weights_noise, 1 + spec.weights_noise, size=(pool, len(child_codes)))
            level_w.append(w0[None, :] * noise)
        else:
            level_w.append(w0[None, :])
    w_idx = (col["weights"] * pool).astype(int) if "weights" in col else np.zeros(runs, int)

    scores = np.empty((runs, len(nominal.units)))
    for (a, b), x in data.items():
        for g, agg in enumerate(aggs):
            rows = np.flatnonzero((imp_idx == a) & (norm_idx == b) & (agg_idx == g))
            if not len(rows):
                continue
            methods = level_methods(fw, {"method": agg} if agg else nominal_agg)
            for s in range(0, len(rows), chunk):
                rr = rows[s : s + chunk]
                cur = np.broadcast_to(x, (len(rr), *x.shape))
                for li, (lev, _c, _p, member) in enumerate(st.levels):
                    cur = agg_batch(cur, level_w[li][w_idx[rr]], member, methods[lev])
                scores[rr] = cur[:, :, 0]
    ranks = rank_rows(scores)
    shift = np.abs(ranks - nominal.ranks[None, :]).mean(axis=1)
    s1, st_, s1u, stu = _sobol(shift, ranks, base_n, factors)
    q = np.percentile(ranks, [50, 5, 95], axis=0)
    return MonteCarloResult(
        units=nominal.units,
        n_runs=runs,
        factors=factors,
        nominal_rank=nominal.ranks,
        ranks=ranks,
        scores=scores,
        rank_median=q[0],
        rank_lo=q[1],
        rank_hi=q[2],
        first_order=s1,
        total=st_,
        first_order_unit=s1u,
        total_unit=stu,
        base_n=base_n,
        seed=seed,
    )


def _sobol(y: np.ndarray, yu: np.ndarray, n: int, factors: list[str]):
    """First-order (Saltelli 2010) and total (Jansen) indices from the stacked design."""
    ya, yb = y[:n], y[n : 2 * n]
    ua, ub = yu[:n], yu[n : 2 * n]
    v = np.var(np.concatenate([ya, yb]))
    vu = np.var(np.concatenate([ua, ub]), axis=0)
    s1, st, s1u, stu = {}, {}, {}, {}
    for i, f in enumerate(factors):
        yab = y[(2 + i) * n : (3 + i) * n]
        uab = yu[(2 + i) * n : (3 + i) * n]
        s1[f] = float(np.mean(yb * (yab - ya)) / v) if v > 0 else 0.0
        st[f] = float(np.mean((ya - yab) ** 2) / (2 * v)) if v > 0 else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            s1u[f] = np.where(vu > 0, np.mean(ub * (uab - ua), axis=0) / vu, np.nan)
            stu[f] = np.where(vu > 0, np.mean((ua - uab) ** 2, axis=0) / (2 * vu), np.nan)
    return s1, st, s1u, stu


@dataclass
class Mover:
    code: str
    rank_gain: int
    index_gain: float
    new_rank: int


def rank_movers(res: BuildResult, step: float = 10.0, top: int = 5) -> dict[str, list[Mover]]:
    """For each unit, the indicators whose improvement by `step` points on the normalised scale
    (capped at the scale's top) lifts its rank most, all else equal, with the new rank.

    Every unit × indicator pair is one row of a single batch through the aggregation.
    """
    fw = res.framework
    x = res.datasets["Normalised"]
    n_u, n_i = x.shape
    norm = fw.step("normalise") or {}
    top_of_scale = np.array(
        [float({**norm, **(ind.normalise or {})}.get("range", [0, 100])[1]) for ind in fw.indicators]
    )
    if norm.get("method") == "zscore":
        top_of_scale = np.nanmax(x, axis=0)
    st = Structure.of(fw)
    methods = level_methods(fw, fw.step("aggregate") or {})
    batch = np.broadcast_to(x, (n_u * n_i, n_u, n_i)).copy()
    uu = np.repeat(np.arange(n_u), n_i)
    ii = np.tile(np.arange(n_i), n_u)
    cur_vals = batch[np.arange(n_u * n_i), uu, ii]
    batch[np.arange(n_u * n_i), uu, ii] = np.where(
        np.isnan(cur_vals), np.nan, np.maximum(cur_vals, np.minimum(cur_vals + step, top_of_scale[ii]))
    )
    cur = batch
    for lev, child_codes, _p, member in st.levels:
        w = np.array([res.weights[c] for c in child_codes])
        cur = agg_batch(cur, w, member, methods[lev])
    new_index = cur[np.arange(n_u * n_i), uu, 0].reshape(n_u, n_i)
    base = res.index
    new_rank = 1 + (base[None, None, :] > new_index[:, :, None]).sum(axis=2)
    # a unit does not compete with its own old score
    new_rank -= (base[:, None] > new_index).astype(int)
    gain = res.ranks[:, None] - new_rank
    out = {}
    for u in range(n_u):
        order = np.lexsort((-(new_index[u] - base[u]), -gain[u]))
        movers = [
            Mover(
                fw.indicator_codes[i], int(gain[u, i]), float(new_index[u, i] - base[u]), int(new_rank[u, i])
            )
            for i in order[:top]
            if new_index[u, i] - base[u] > 1e-12
        ]
        out[res.units[u]] = movers
    return out

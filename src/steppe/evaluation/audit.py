"""Statistical audit of a built index: indicator statistics, correlations, Cronbach's alpha, PCA.

Pure numpy. The figures follow COINr's `get_stats`, `get_corr`, `get_cronbach` and `get_PCA`
(outliers by the 1.5 × IQR rule; Pearson correlations; alpha from the covariance matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .composite import BuildResult, kurt, skew


@dataclass
class IndicatorStats:
    code: str
    availability: float  # share of units with a reported value (before imputation)
    imputed: int
    minimum: float
    maximum: float
    mean: float
    median: float
    sd: float
    skew: float
    kurtosis: float
    outliers: int  # beyond 1.5 × IQR of the quartiles
    treatment: str
    corr_parent: float  # with its pillar (normalised scores)
    corr_index: float


@dataclass
class AggregateAudit:
    code: str
    level: int
    children: list[str]
    cronbach_alpha: float
    pca_first_share: float  # share of variance on the first principal component
    pca_loadings: dict[str, float]
    corr_children: dict[str, float]  # each child with this aggregate
    corr_parent: float  # this aggregate with its parent (NaN for the index)


@dataclass
class Audit:
    indicators: list[IndicatorStats]
    aggregates: list[AggregateAudit]
    corr_matrix: dict  # {"codes": [...], "values": [[...]]} of the normalised indicators
    high_within: list[tuple[str, str, float]]  # pairs within a pillar with |r| >= 0.9
    negative_within: list[tuple[str, str, float]]  # pairs within a pillar with r <= -0.4


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~np.isnan(a) & ~np.isnan(b)
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def cronbach_alpha(block: np.ndarray) -> float:
    """Cronbach's alpha of the columns of `block` (complete rows only)."""
    block = block[~np.isnan(block).any(axis=1)]
    k = block.shape[1]
    if k < 2 or len(block) < 3:
        return float("nan")
    cov = np.cov(block, rowvar=False)
    total = cov.sum()
    if total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def pca(block: np.ndarray) -> tuple[float, np.ndarray]:
    """(share of variance of the first component, its loadings) on the correlation matrix."""
    block = block[~np.isnan(block).any(axis=1)]
    if block.shape[1] < 2 or len(block) < 3 or (block.std(axis=0) == 0).any():
        return float("nan"), np.full(block.shape[1], np.nan)
    vals, vecs = np.linalg.eigh(np.corrcoef(block, rowvar=False))
    v = vecs[:, -1]
    if v.sum() < 0:
        v = -v
    return float(vals[-1] / vals.sum()), v


def audit(res: BuildResult) -> Audit:
    fw = res.framework
    raw = res.datasets["Input"]  # denominated, screened, not imputed, not treated
    norm = res.datasets["Normalised"]
    index = res.index
    treat = {t.code: t.action for t in res.treatments}
    stats = []
    for j, ind in enumerate(fw.indicators):
        x = raw[:, j]
        vals = x[~np.isnan(x)]
        if len(vals):
            q1, q3 = np.percentile(vals, [25, 75])
            iqr = q3 - q1
            outl = int(((vals < q1 - 1.5 * iqr) | (vals > q3 + 1.5 * iqr)).sum())
        else:
            outl = 0
        stats.append(
            IndicatorStats(
                code=ind.code,
                availability=float((~np.isnan(x)).mean()),
                imputed=int(res.imputed[:, j].sum()),
                minimum=float(np.nanmin(x)) if len(vals) else float("nan"),
                maximum=float(np.nanmax(x)) if len(vals) else float("nan"),
                mean=float(np.nanmean(x)) if len(vals) else float("nan"),
                median=float(np.nanmedian(x)) if len(vals) else float("nan"),
                sd=float(np.nanstd(x, ddof=1)) if len(vals) > 1 else float("nan"),
                skew=skew(x),
                kurtosis=kurt(x),
                outliers=outl,
                treatment=treat.get(ind.code, "none"),
                corr_parent=_corr(norm[:, j], res.score(ind.parent)),
                corr_index=_corr(norm[:, j], index),
            )
        )
    aggs = []
    for a in fw.aggregates:
        kids = fw.children(a.code)
        block = np.column_stack([res.score(c) for c in kids])
        share, load = pca(block)
        aggs.append(
            AggregateAudit(
                code=a.code,
                level=a.level,
                children=kids,
                cronbach_alpha=cronbach_alpha(block),
                pca_first_share=share,
                pca_loadings=dict(zip(kids, load.tolist(), strict=True)),
                corr_children={c: _corr(res.score(c), res.score(a.code)) for c in kids},
                corr_parent=_corr(res.score(a.code), res.score(a.parent)) if a.parent else float("nan"),
            )
        )
    codes = fw.indicator_codes
    n = len(codes)
    cm = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(i, n):
            cm[i, j] = cm[j, i] = _corr(norm[:, i], norm[:, j])
    parent = {i.code: i.parent for i in fw.indicators}
    high, neg = [], []
    for i in range(n):
        for j in range(i + 1, n):
            if parent[codes[i]] == parent[codes[j]] and not np.isnan(cm[i, j]):
                if abs(cm[i, j]) >= 0.9:
                    high.append((codes[i], codes[j], float(cm[i, j])))
                elif cm[i, j] <= -0.4:
                    neg.append((codes[i], codes[j], float(cm[i, j])))
    return Audit(stats, aggs, {"codes": codes, "values": cm.tolist()}, high, neg)

"""Vectorised helpers shared by the rule formulas, and the trace registry.

`uses(*paths)` records which parameters a variable reads, so a result can be
explained (rule, parameter values with their dates and references).
"""

from __future__ import annotations

import numpy as np

# variable name -> parameter paths it reads
PARAMETERS_USED: dict[str, tuple[str, ...]] = {}
# variable name -> reliability of the rule text it encodes (R/S/M)
EPS = 1e-9


def uses(*paths: str):
    def mark(cls):
        PARAMETERS_USED[cls.__name__] = paths
        return cls

    return mark


def ratio(num, den):
    """num/den; 0 where den <= 0. Band edges are compared with a tolerance EPS (so 3/30 is 10%)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > 0)


def band(x, thresholds, points):
    """Left-inclusive bands: points[0] below thresholds[0], points[i+1] from thresholds[i] (含).

    Thresholds are few (≤ 6), so counting the ones reached beats a binary search per row.
    """
    pts = np.asarray(list(points), dtype=float)
    x = np.asarray(x, dtype=float)
    idx = np.zeros(x.shape, dtype=np.int8)
    for t in thresholds:
        idx += x >= float(t) - EPS
    return pts[idx]


def year_of(dates):
    """datetime64 array -> calendar year (int)."""
    return np.asarray(dates).astype("datetime64[Y]").astype(int) + 1970


def memo(e, key: str, period, compute):
    """Compute a helper result once per simulation and period (several variables share it).

    The helpers are pure functions of the simulation's inputs, so caching on the simulation
    object is safe; it halves the work of the innovation-score interval at a million rows.
    """
    sim = e.simulation
    cache = sim.__dict__.setdefault("_steppe_memo", {})
    k = (key, str(period))
    if k not in cache:
        cache[k] = compute()
    return cache[k]

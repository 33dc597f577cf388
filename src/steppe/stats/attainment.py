"""Attainment of plan targets from observed statistics. Pure numpy, no Django.

Contract
--------
A target (``TargetSpec``) says what value an indicator must reach by a target year: its
``kind`` is one of ``level`` (e.g. R&D intensity reaches 1.5%), ``amount`` (R&D expenditure
reaches 375亿元), ``threshold`` (technology-market turnover passes 100亿元), ``share`` (more
than 35% of firms with R&D), ``avg_growth`` (average annual growth above 12% since the
baseline year), ``multiple`` (翻番: twice the baseline year's value) or ``qualitative``
(words only; never scored).

For every target and series (one region's values by year) we compute:

* ``latest`` year and value (the last observation not after ``as_of``);
* ``baseline`` (given, or read from the statistics at the baseline year);
* ``needed``: the value the indicator must have at the target year, and the ``gap``
  (needed - latest, in the indicator's unit);
* ``required_growth``: the average annual growth still required from the latest year to
  reach ``needed`` at the target year, and ``observed_growth``: the average annual growth
  since the baseline year (compound rates, 0.12 = 12%);
* ``ratio`` = observed / required, banded as in Open SDG's progress measure:
  achieved, on track (ratio >= 0.95), acceleration needed (0.60-0.95), limited progress
  (0-0.60), deteriorating (ratio < 0: moving away from the target), no data;
* ``projection``: a log-linear trend fitted over all available years, extrapolated to the
  target year with a 90% prediction interval, always labelled an estimate.

Everything is computed for many series at once (``assess_matrix``), so all targets for all
regions over 15 years take well under a millisecond per series. ``assess`` is the one-series
convenience wrapper returning an ``Attainment`` with the rule behind its status in
Simplified Chinese and English.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

KINDS = ("level", "amount", "threshold", "share", "avg_growth", "multiple", "qualitative")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
_LEVEL, _AMOUNT, _THRESHOLD, _SHARE, _AVG_GROWTH, _MULTIPLE, _QUALITATIVE = range(7)

# Statuses, in the order of the legend. Codes are stable (API, CSS classes).
ACHIEVED = "achieved"
ON_TRACK = "on_track"
ACCELERATION_NEEDED = "acceleration_needed"
LIMITED_PROGRESS = "limited_progress"
DETERIORATING = "deteriorating"
NO_DATA = "no_data"
STATUSES = (ACHIEVED, ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, DETERIORATING, NO_DATA)
_STATUS_BY_CODE = dict(enumerate(STATUSES))

# Band edges of the ratio observed growth / required growth (Open SDG progress measure).
ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.60

STATUS_LABELS = {
    ACHIEVED: ("已实现", "Achieved"),
    ON_TRACK: ("进展顺利", "On track"),
    ACCELERATION_NEEDED: ("需加快进度", "Acceleration needed"),
    LIMITED_PROGRESS: ("进展有限", "Limited progress"),
    DETERIORATING: ("趋势恶化", "Deteriorating"),
    NO_DATA: ("暂无数据", "No data"),
}
# Units in the English texts (rule_en; the English pages use the same words)
UNIT_EN = {
    "亿元": "×100 million yuan",
    "万元": "×10,000 yuan",
    "万元/人年": "×10,000 yuan per person-year",
    "人年": "person-years",
    "个": "units",
    "家": "enterprises",
    "项": "items",
    "rank": "(rank)",
    "index": "(index)",
}
STATUS_COLOURS = {
    ACHIEVED: "#1a7f37",
    ON_TRACK: "#4caf50",
    ACCELERATION_NEEDED: "#f0b400",
    LIMITED_PROGRESS: "#e8710a",
    DETERIORATING: "#c62828",
    NO_DATA: "#9e9e9e",
}
# The general rule behind each status, for legends and the report.
STATUS_RULES = {
    ACHIEVED: (
        "最新统计值已经达到或超过目标值(“年均增长”类目标须到目标年才判定)。",
        "The latest published value meets the target (average-growth targets are judged in the target year).",
    ),
    ON_TRACK: (
        "基期以来的实际年均增速,达到“从最新年份到目标年每年还需要的增速”的95%以上:照此速度可以按期完成。",
        "Growth observed since the baseline is at least 95% of the annual growth still required: at this pace the target is met on time.",
    ),
    ACCELERATION_NEEDED: (
        "实际年均增速只有所需增速的60%至95%:方向正确,但需要加快才能按期完成。",
        "Observed growth is 60-95% of the growth required: right direction, but it must speed up.",
    ),
    LIMITED_PROGRESS: (
        "实际年均增速不到所需增速的60%(或目标年已到仍未达标):照此速度难以按期完成。",
        "Observed growth is below 60% of the growth required (or the target year has passed unmet).",
    ),
    DETERIORATING: (
        "基期以来指标朝着偏离目标的方向变化:需要扭转趋势。",
        "Since the baseline the indicator has moved away from the target: the trend must be reversed.",
    ),
    NO_DATA: (
        "缺少计算所需的统计数据(最新值、基期值或至少两个年份),不作判定;缺失不按零处理。",
        "The statistics needed (latest value, baseline, or two years) are missing; no status is given and missing is never read as zero.",
    ),
}

# Two-sided 90% prediction interval: Student t 0.95 quantile by degrees of freedom.
_T95 = np.array(
    [np.nan, 6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812]
    + [1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725]
    + [1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697]
)
_Z95 = 1.645
PROJECTION_LEVEL = 0.90


def _t95(df: np.ndarray) -> np.ndarray:
    df = np.asarray(df, dtype=np.int64)
    out = np.full(df.shape, _Z95)
    small = (df >= 1) & (df < len(_T95))
    out[small] = _T95[df[small]]
    out[df < 1] = np.nan
    return out


@dataclass(frozen=True)
class TargetSpec:
    """What the plan asks, in plain data (mirrors plans.Target)."""

    code: str
    kind: str
    indicator: str = ""
    unit: str = ""
    target_year: int | None = None
    target_value: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None  # None: read from the statistics at baseline_year
    comparison: str = ">="  # '>=' reach, '>' pass/exceed
    direction: int = 1  # +1 higher is better, -1 lower is better (ranks)
    statement: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"target {self.code}: unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}"
            )
        if self.comparison not in (">=", ">"):
            raise ValueError(f"target {self.code}: comparison must be '>=' or '>', not {self.comparison!r}")
        if self.kind != "qualitative" and (self.target_year is None or self.target_value is None):
            raise ValueError(f"target {self.code}: a {self.kind} target needs target_year and target_value")


@dataclass(frozen=True)
class Projection:
    year: int
    value: float
    low: float | None
    high: float | None
    level: float = PROJECTION_LEVEL
    meets_target: bool | None = None
    method: str = "log-linear trend over available years"
    label: str = "估算 (estimate)"


@dataclass
class Attainment:
    target: TargetSpec
    status: str
    latest_year: int | None = None
    latest_value: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    growth_start_year: int | None = None
    needed_value: float | None = None
    gap: float | None = None
    required_growth: float | None = None
    observed_growth: float | None = None
    ratio: float | None = None
    projection: Projection | None = None
    rule_zh: str = ""
    rule_en: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def label_zh(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def stale(self) -> bool:
        """Unscored, and the only figure predates the baseline year (a 2015 value for a 2022-2025
        target): pages say so instead of showing it as the latest value beside 暂无数据."""
        return (
            self.status == NO_DATA
            and self.latest_year is not None
            and self.baseline_year is not None
            and self.latest_year < self.baseline_year
        )

    @property
    def label_en(self) -> str:
        return STATUS_LABELS[self.status][1]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    def as_dict(self) -> dict:
        p = self.projection
        return {
            "target": self.target.code,
            "kind": self.target.kind,
            "indicator": self.target.indicator,
            "unit": self.target.unit,
            "status": self.status,
            "status_label": self.label_zh,
            "latest": None
            if self.latest_year is None
            else {"year": self.latest_year, "value": self.latest_value},
            "baseline": None
            if self.baseline_value is None
            else {"year": self.baseline_year, "value": self.baseline_value},
            "needed": None
            if self.needed_value is None
            else {"year": self.target.target_year, "value": self.needed_value},
            "gap": self.gap,
            "required_growth": self.required_growth,
            "observed_growth": self.observed_growth,
            "ratio": self.ratio,
            "projection": None
            if p is None
            else {
                "year": p.year,
                "value": p.value,
                "low": p.low,
                "high": p.high,
                "level": p.level,
                "meets_target": p.meets_target,
                "method": p.method,
                "estimate": True,
            },
            "rule_zh": self.rule_zh,
            "rule_en": self.rule_en,
        }


def _nan(x) -> float:
    return float("nan") if x is None else float(x)


def _opt(x) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def assess_matrix(
    years: Sequence[int] | np.ndarray,
    values: np.ndarray,
    *,
    kind: np.ndarray,
    target_year: np.ndarray,
    target_value: np.ndarray,
    baseline_year: np.ndarray,
    baseline_value: np.ndarray,
    strict: np.ndarray,
    direction: np.ndarray,
    as_of: int | None = None,
) -> dict[str, np.ndarray]:
    """Vectorised attainment of S series over T years.

    ``values`` is (S, T) with NaN for missing; every other argument is an array of length S
    (``kind`` as codes from ``KIND_CODE``, NaN for absent years/values). Returns a dict of
    arrays of length S: status (codes into STATUSES), latest_year, latest_value,
    baseline_value, start_year, needed, gap, required, observed, ratio, proj_value, proj_low,
    proj_high, reason (int: 0 ok, 1 no latest, 2 no baseline, 3 one year only,
    4 non-positive values, 5 qualitative).
    """
    years = np.asarray(years, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != years.shape[0]:
        raise ValueError(f"values must be (series, {years.shape[0]}) but is {v.shape}")
    S, T = v.shape
    kind = np.asarray(kind, dtype=np.int64)
    ty = np.asarray(target_year, dtype=np.float64)
    tv = np.asarray(target_value, dtype=np.float64)
    by = np.asarray(baseline_year, dtype=np.float64)
    bv_given = np.asarray(baseline_value, dtype=np.float64)
    strict = np.asarray(strict, dtype=bool)
    d = np.asarray(direction, dtype=np.float64)

    mask = ~np.isnan(v)
    if as_of is not None:
        mask &= (years <= as_of)[None, :]
    has_any = mask.any(axis=1)
    rows = np.arange(S)

    # latest observation per row
    last_idx = T - 1 - np.argmax(mask[:, ::-1], axis=1)
    latest_year = np.where(has_any, years[last_idx], np.nan)
    latest_value = np.where(has_any, v[rows, last_idx], np.nan)

    # baseline: given, else the statistics at the baseline year
    col_of_year = {int(y): i for i, y in enumerate(years)}
    by_col = np.array([col_of_year.get(int(b), -1) if np.isfinite(b) else -1 for b in by], dtype=np.int64)
    by_ok = by_col >= 0
    bv_stat = np.full(S, np.nan)
    sel = by_ok & mask[rows, np.where(by_ok, by_col, 0)]
    bv_stat[sel] = v[rows[sel], by_col[sel]]
    baseline_value = np.where(np.isnan(bv_given), bv_stat, bv_given)

    # start of observed growth: the baseline (given value counts at the baseline year);
    # else, for kinds whose target does not depend on the baseline, the observed year
    # nearest the baseline year that lies before the latest year (ties: the earlier one).
    relative_kind = (kind == _AVG_GROWTH) | (kind == _MULTIPLE)
    start_year = np.where(np.isfinite(baseline_value), by, np.nan)
    start_value = baseline_value.copy()
    need_fallback = ~np.isfinite(start_value) & ~relative_kind & has_any
    if need_fallback.any():
        yy = np.broadcast_to(years, (S, T))
        cand = mask & (yy < latest_year[:, None])
        ref = np.where(np.isfinite(by), by, -np.inf)
        dist = np.where(cand, np.abs(yy - ref[:, None]) * 2 + (yy > ref[:, None]), np.inf)
        j = np.argmin(dist, axis=1)
        ok = need_fallback & np.isfinite(dist[rows, j])
        start_year[ok] = years[j[ok]]
        start_value[ok] = v[rows[ok], j[ok]]

    # value needed at the target year
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        needed = np.where(
            kind == _MULTIPLE,
            baseline_value * tv,
            np.where(kind == _AVG_GROWTH, baseline_value * (1.0 + tv / 100.0) ** (ty - by), tv),
        )
        needed = np.where(kind == _QUALITATIVE, np.nan, needed)
        gap = needed - latest_value

        span_obs = latest_year - start_year
        observed = np.where(
            (span_obs > 0) & (start_value > 0) & (latest_value > 0),
            (latest_value / start_value) ** (1.0 / span_obs) - 1.0,
            np.nan,
        )
        span_req = ty - latest_year
        required = np.where(
            (span_req > 0) & (needed > 0) & (latest_value > 0),
            (needed / latest_value) ** (1.0 / span_req) - 1.0,
            np.nan,
        )
        ratio = observed / required

        # achieved?
        diff = (latest_value - needed) * d
        meets = np.where(strict, diff > 0, diff >= -1e-12 * np.maximum(1.0, np.abs(needed)))
        # average growth targets are judged only once the target year is in
        rate_diff = (observed * 100.0 - tv) * d
        rate_meets = np.where(strict, rate_diff > 0, rate_diff >= -1e-9)
        achieved = np.where(kind == _AVG_GROWTH, (latest_year >= ty) & rate_meets, meets)
        achieved &= has_any & np.isfinite(needed)

    reason = np.zeros(S, dtype=np.int64)
    reason[~has_any] = 1
    reason[has_any & relative_kind & ~np.isfinite(baseline_value)] = 2
    reason[(reason == 0) & ~achieved & ~np.isfinite(observed)] = 3
    nonpos = has_any & ((latest_value <= 0) | (needed <= 0))
    reason[(reason == 0) & ~achieved & nonpos] = 4
    reason[kind == _QUALITATIVE] = 5

    status = np.full(S, STATUSES.index(NO_DATA), dtype=np.int64)
    scored = (reason == 0) & ~achieved
    past_deadline = latest_year >= ty
    # moving toward the target?  (observed growth has the sign of the needed change)
    toward = (
        np.sign(observed) * np.sign(np.where(np.isfinite(needed - latest_value), needed - latest_value, 0))
        > 0
    )
    band = np.where(
        ratio >= ON_TRACK_RATIO,
        1,
        np.where(ratio >= ACCELERATION_RATIO, 2, np.where(ratio >= 0, 3, 4)),
    )
    band = np.where(np.isfinite(ratio), band, np.where(toward, 3, 4))
    band = np.where(past_deadline, np.where(toward, 3, 4), band)
    status[scored] = band[scored]
    status[achieved & (reason != 5)] = 0

    # projection: ordinary least squares of ln(value) on year over available positive values
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        pm = mask & (v > 0)
        n = pm.sum(axis=1).astype(np.float64)
        x = years - years.mean()
        ly = np.where(pm, np.log(np.where(pm, v, 1.0)), 0.0)
        xm = np.where(pm, x[None, :], 0.0)
        sx, sy = xm.sum(1), ly.sum(1)
        sxx, sxy = (xm * xm).sum(1), (xm * ly).sum(1)
        den = n * sxx - sx * sx
        slope = np.where(den > 0, (n * sxy - sx * sy) / den, np.nan)
        icpt = (sy - slope * sx) / n
        x0 = ty - years.mean()
        fit = icpt + slope * x0
        resid = np.where(pm, ly - (icpt[:, None] + slope[:, None] * x[None, :]), 0.0)
        ssr = (resid * resid).sum(1)
        df = n - 2
        s2 = np.where(df > 0, ssr / np.maximum(df, 1), np.nan)
        xbar = sx / n
        sxx_c = sxx - n * xbar * xbar
        se = np.sqrt(s2 * (1.0 + 1.0 / n + (x0 - xbar) ** 2 / sxx_c))
        tq = _t95(np.where(df > 0, df, 0))
        proj_value = np.where(n >= 2, np.exp(fit), np.nan)
        proj_low = np.where(n >= 3, np.exp(fit - tq * se), np.nan)
        proj_high = np.where(n >= 3, np.exp(fit + tq * se), np.nan)
        proj_value[kind == _QUALITATIVE] = np.nan

    return {
        "status": status,
        "latest_year": latest_year,
        "latest_value": latest_value,
        "baseline_value": baseline_value,
        "start_year": start_year,
        "start_value": start_value,
        "needed": needed,
        "gap": gap,
        "required": required,
        "observed": observed,
        # an achieved target has no growth to compare (a negative "required" rate would make the
        # ratio negative and read like deterioration)
        "ratio": np.where(status == 0, np.nan, ratio),
        "proj_value": proj_value,
        "proj_low": proj_low,
        "proj_high": proj_high,
        "reason": reason,
    }


def spec_arrays(specs: Sequence[TargetSpec]) -> dict[str, np.ndarray]:
    """The per-series target arrays ``assess_matrix`` takes, from TargetSpecs."""
    return {
        "kind": np.array([KIND_CODE[s.kind] for s in specs], dtype=np.int64),
        "target_year": np.array([_nan(s.target_year) for s in specs]),
        "target_value": np.array([_nan(s.target_value) for s in specs]),
        "baseline_year": np.array([_nan(s.baseline_year) for s in specs]),
        "baseline_value": np.array([_nan(s.baseline_value) for s in specs]),
        "strict": np.array([s.comparison == ">" for s in specs], dtype=bool),
        "direction": np.array([s.direction for s in specs], dtype=np.float64),
    }


def assess_many(
    specs: Sequence[TargetSpec],
    years: Sequence[int],
    values: np.ndarray,
    *,
    as_of: int | None = None,
    explain: bool = True,
) -> list[Attainment]:
    """Attainment of specs[i] against the series values[i] (same years for all)."""
    if len(specs) == 0:
        return []
    r = assess_matrix(years, values, as_of=as_of, **spec_arrays(specs))
    out = []
    for i, spec in enumerate(specs):
        a = _attainment_from_row(spec, r, i)
        if explain:
            a.rule_zh, a.rule_en = explain_status(a, reason=int(r["reason"][i]))
        out.append(a)
    return out


def assess(
    spec: TargetSpec,
    series: dict[int, float | None] | Sequence[tuple[int, float | None]],
    *,
    as_of: int | None = None,
) -> Attainment:
    """Attainment of one target from one series {year: value} (None = missing)."""
    items = dict(series.items() if isinstance(series, dict) else series)
    years = sorted(set(items) | {y for y in (spec.baseline_year,) if y is not None})
    if not years:
        years = [spec.target_year or 0]
    vals = np.array([[_nan(items.get(y)) for y in years]])
    return assess_many([spec], years, vals, as_of=as_of)[0]


def _attainment_from_row(spec: TargetSpec, r: dict[str, np.ndarray], i: int) -> Attainment:
    def g(key):
        return _opt(float(r[key][i]))

    ly = g("latest_year")
    proj = None
    pv = g("proj_value")
    needed = g("needed")
    if pv is not None and spec.target_year is not None:
        meets = None
        if needed is not None and spec.kind != "avg_growth":
            meets = bool((pv - needed) * spec.direction > 0 or (spec.comparison == ">=" and pv == needed))
        elif needed is not None:
            meets = bool((pv - needed) * spec.direction >= 0)
        proj = Projection(
            year=int(spec.target_year), value=pv, low=g("proj_low"), high=g("proj_high"), meets_target=meets
        )
    sy = g("start_year")
    return Attainment(
        target=spec,
        status=_STATUS_BY_CODE[int(r["status"][i])],
        latest_year=None if ly is None else int(ly),
        latest_value=g("latest_value"),
        baseline_year=spec.baseline_year,
        baseline_value=g("baseline_value"),
        growth_start_year=None if sy is None else int(sy),
        needed_value=needed,
        gap=g("gap"),
        required_growth=g("required"),
        observed_growth=g("observed"),
        ratio=g("ratio"),
        projection=proj,
    )


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    ax = abs(x)
    if ax >= 1000:
        s = f"{x:,.0f}"
    elif ax >= 1:
        s = f"{x:.2f}".rstrip("0").rstrip(".")
    else:
        s = f"{x:.3g}"
    return f"{s}{unit}" if unit not in ("", "rank", "index") else s


# the figures pages, charts and reports print: counts never show a fractional tail (1572.07 家 reads 1,572)
fmt_figure = _fmt

# money in English reads in billions and millions of yuan, not "251.3 ×100 million yuan"
_MONEY_EN = {"亿元": (0.1, "billion yuan"), "万元": (0.01, "million yuan")}


def fmt_figure_en(x: float | None, unit: str = "") -> str:
    """A figure with its unit on an English page: 251.3 亿元 reads "25.13 billion yuan"."""
    if x is None:
        return "—"
    if unit in _MONEY_EN:
        factor, word = _MONEY_EN[unit]
        return f"{_fmt(x * factor)} {word}"
    u = UNIT_EN.get(unit, unit)
    if unit in ("", "index"):
        return _fmt(x)
    if unit == "rank":
        return f"No. {_fmt(x)}"
    return f"{_fmt(x)}{'' if unit == '%' else ' '}{u}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def explain_status(a: Attainment, *, reason: int = 0) -> tuple[str, str]:
    """The rule behind this status, with this target's figures, in Chinese and English."""
    t = a.target
    u = t.unit
    cmp_zh = "超过" if t.comparison == ">" else "达到"
    if t.kind == "qualitative":
        return (
            f"定性目标(“{t.statement or t.code}”),没有可计算的统计口径,不作量化判定,由牵头部门报告进展。",
            "Qualitative target: no statistical measure, not scored; progress is reported by the lead department.",
        )
    if t.kind == "multiple":
        # 翻番 is exactly twice; any other factor reads "达到基数的 N 倍" ("翻N倍" is ambiguous)
        goal_zh = (
            f"以{t.baseline_year}年为基数翻番"
            if t.target_value == 2
            else f"达到{t.baseline_year}年基数的{_fmt(t.target_value)}倍"
        )
        goal_zh += f"(基数 {_fmt(a.baseline_value, u)},{t.target_year}年需{cmp_zh} {_fmt(a.needed_value, u)})"
        if t.statement:
            goal_zh += f",{t.statement}"
        goal_en = f"x{_fmt(t.target_value)} the {t.baseline_year} value ({fmt_figure_en(a.baseline_value, u)} -> {fmt_figure_en(a.needed_value, u)} by {t.target_year})"
    elif t.kind == "avg_growth":
        goal_zh = f"{t.baseline_year}—{t.target_year}年年均增长{'高于' if t.comparison == '>' else '不低于'}{_fmt(t.target_value)}%"
        if a.needed_value is not None:
            goal_zh += f"(按此增速{t.target_year}年应达 {_fmt(a.needed_value, u)})"
        goal_en = f"average annual growth {t.comparison} {_fmt(t.target_value)}% from {t.baseline_year} to {t.target_year}"
    else:
        goal_zh = f"{t.target_year}年{cmp_zh} {_fmt(t.target_value, u)}"
        goal_en = f"{t.comparison} {fmt_figure_en(t.target_value, u)} by {t.target_year}"

    if reason == 1:
        return (
            f"目标:{goal_zh}。还没有该指标的统计数据,暂不判定(缺失不按零处理)。",
            f"Target: {goal_en}. No published value yet; not scored (missing is not zero).",
        )
    if reason == 2:
        return (
            f"目标:{goal_zh}。缺少{t.baseline_year}年的基期值,无法计算,暂不判定。",
            f"Target: {goal_en}. The {t.baseline_year} baseline value is missing; not scored.",
        )
    latest_zh = f"最新值为{a.latest_year}年的 {_fmt(a.latest_value, u)}"
    latest_en = f"latest {a.latest_year}: {fmt_figure_en(a.latest_value, u)}"
    if reason == 4:
        return (
            f"目标:{goal_zh}。{latest_zh};数值非正,无法计算增速,暂不判定。",
            f"Target: {goal_en}; {latest_en}. Non-positive values: growth undefined; not scored.",
        )
    if a.status == ACHIEVED:
        if t.kind == "avg_growth":
            return (
                f"目标:{goal_zh}。{a.baseline_year}年以来实际年均增长 {_pct(a.observed_growth)},已实现。",
                f"Target: {goal_en}. Observed average growth {_pct(a.observed_growth)}: achieved.",
            )
        return (
            f"目标:{goal_zh}。{latest_zh},已{cmp_zh}目标值,判为“已实现”。",
            f"Target: {goal_en}; {latest_en} meets it: achieved.",
        )
    if reason == 3:
        return (
            f"目标:{goal_zh}。{latest_zh},但只有一个年份的数据,无法计算实际增速,暂不判定。",
            f"Target: {goal_en}; {latest_en}. Only one year of data: no observed growth; not scored.",
        )
    start = a.growth_start_year
    since_zh = f"{start}年以来" if start is not None else "基期以来"
    fallback_zh = ""
    if start is not None and a.baseline_year is not None and start != a.baseline_year:
        fallback_zh = f"(基期{a.baseline_year}年无数据,以最接近的{start}年为起点)"
    gap_zh = f"{_fmt(a.gap)}个百分点" if u == "%" else _fmt(a.gap, u)
    head_zh = f"目标:{goal_zh}。{latest_zh},距目标还差 {gap_zh}。"
    head_en = f"Target: {goal_en}; {latest_en}, gap {fmt_figure_en(a.gap, u)}."
    if a.latest_year is not None and t.target_year is not None and a.latest_year >= t.target_year:
        if a.status == DETERIORATING:
            return (
                head_zh
                + f"目标年已到仍未达标,且{since_zh}指标朝偏离目标的方向变化(年均 {_pct(a.observed_growth)}),判为“趋势恶化”。",
                head_en + " Target year reached, unmet, and moving away from the target: deteriorating.",
            )
        return (
            head_zh + "目标年已到仍未达标,判为“进展有限”。",
            head_en + " Target year reached and unmet: limited progress.",
        )
    core_zh = (
        f"{since_zh}实际年均增长 {_pct(a.observed_growth)}{fallback_zh};"
        f"要在{t.target_year}年{cmp_zh}目标,{a.latest_year}年后每年还需增长 {_pct(a.required_growth)}"
    )
    core_en = f" Observed growth since {start}: {_pct(a.observed_growth)}; required from {a.latest_year}: {_pct(a.required_growth)}"
    # one decimal below 100%, so a ratio of 94.6% never reads "95%" beside the band "60%—95%"
    ratio_txt = (
        "—" if a.ratio is None else (f"{a.ratio * 100:.1f}%" if a.ratio < 1 else f"{a.ratio * 100:.0f}%")
    )
    if a.status == ON_TRACK:
        tail_zh = f";实际增速是所需增速的 {ratio_txt}(不低于95%),判为“进展顺利”。"
        tail_en = f"; ratio {ratio_txt} >= 95%: on track."
    elif a.status == ACCELERATION_NEEDED:
        tail_zh = f";实际增速只有所需增速的 {ratio_txt}(60%—95%),判为“需加快进度”。"
        tail_en = f"; ratio {ratio_txt} in 60-95%: acceleration needed."
    elif a.status == LIMITED_PROGRESS:
        tail_zh = f";实际增速只有所需增速的 {ratio_txt}(低于60%),判为“进展有限”。"
        tail_en = f"; ratio {ratio_txt} below 60%: limited progress."
    else:
        tail_zh = ";指标朝偏离目标的方向变化,判为“趋势恶化”。"
        tail_en = "; moving away from the target: deteriorating."
    return head_zh + core_zh + tail_zh, head_en + core_en + tail_en


def describe_projection(a: Attainment) -> str:
    """One sentence on the trend projection, labelled an estimate."""
    p = a.projection
    if p is None:
        return "数据不足两个年份,无法按趋势外推。"
    u = a.target.unit
    rng = f"(90%区间 {_fmt(p.low, u)}—{_fmt(p.high, u)})" if p.low is not None else "(仅两个年份,无区间)"
    verdict = ""
    if p.meets_target is True:
        verdict = ",按趋势可达到目标"
    elif p.meets_target is False:
        verdict = ",按趋势达不到目标"
    return f"估算:按已有年份的对数线性趋势外推,{p.year}年约为 {_fmt(p.value, u)}{rng}{verdict}。这是估算,不是统计数据。"


def describe_projection_en(a: Attainment) -> str:
    """describe_projection in English, for the English pages."""
    p = a.projection
    if p is None:
        return "Fewer than two years of data: no trend projection."
    def f(x):
        return fmt_figure_en(x, a.target.unit)

    rng = (
        f" (90% interval {f(p.low)} to {f(p.high)})"
        if p.low is not None
        else " (two years only, no interval)"
    )
    verdict = ""
    if p.meets_target is True:
        verdict = "; on this trend the target is met"
    elif p.meets_target is False:
        verdict = "; on this trend the target is missed"
    return (
        f"Estimate: extending the log-linear trend of the years so far, {p.year} comes to about "
        f"{f(p.value)}{rng}{verdict}. This is an estimate, not a statistic."
    )


@dataclass
class PeerCheck:
    """A value placed among its peers (全国中游水平: the other provinces' values of the same year)."""

    year: int | None
    peers: int  # how many peer values there are
    median: float | None
    reaches: bool | None  # None: too few peer values to judge

    @property
    def note_zh(self) -> str:
        if self.reaches is None:
            return (f"全国中游水平:缺少其他省份同口径数据(现有 {self.peers} 个),该部分暂不判定。")
        word = "达到" if self.reaches else "未达到"
        return f"全国中游水平:{self.year}年{word}其他 {self.peers} 个省份的中位数 {self.median:.4g}。"

    @property
    def note_en(self) -> str:
        if self.reaches is None:
            return f"National middle: too few other provinces' values ({self.peers}); that part is not judged yet."
        word = "reaches" if self.reaches else "is below"
        return f"National middle: in {self.year} the value {word} the median of {self.peers} other provinces ({self.median:.4g})."


MIN_PEERS = 15  # of the 30 other provincial-level divisions: fewer cannot place a value in the middle


def peer_check(value: float | None, year: int | None, peers: Sequence[float]) -> PeerCheck:
    """Does `value` reach the median of `peers` (the same year)? Undecided with fewer than MIN_PEERS."""
    clean = [float(p) for p in peers if p is not None and np.isfinite(p)]
    if value is None or len(clean) < MIN_PEERS:
        return PeerCheck(year, len(clean), float(np.median(clean)) if clean else None, None)
    median = float(np.median(clean))
    return PeerCheck(year, len(clean), median, value >= median)

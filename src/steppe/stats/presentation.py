"""How the monitoring pages, exports and the report write figures, goals and units.

Plain functions of plain values (and the attainment results of ``queries``), shared by the pages
(views), the report (report.py) and the template filters; nothing here reads a request.
"""

from __future__ import annotations

from django.utils.translation import gettext

from . import queries
from .attainment import STATUS_LABELS, UNIT_EN, fmt_figure_en
from .i18n import english

KIND_LABELS = {
    "level": "达到水平",
    "amount": "总量",
    "threshold": "突破",
    "avg_growth": "年均增长",
    "multiple": "倍增",
    "share": "占比",
    "qualitative": "定性",
}


def fmt(v, unit: str = "") -> str:
    """A figure as a page shows it; missing is a dash, never zero."""
    if v is None:
        return "—"
    a = abs(v)
    if a >= 1000:
        s = f"{v:,.0f}"
    elif a >= 1:
        s = f"{v:.2f}".rstrip("0").rstrip(".")
    else:
        s = f"{v:.3g}"
    if unit == "rank":
        return f"第{s}位"
    return s + ("" if unit in ("", "index") else unit)


def pct(x) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def goal_text(t, res) -> str:
    if english():
        return goal_text_en(t, res)
    u = res.target.unit
    if t.kind == "qualitative":
        return t.statement or t.name
    if t.kind == "avg_growth":
        return f"{t.baseline_year}—{t.target_year}年年均增长{'高于' if t.comparison == '>' else '不低于'}{fmt(float(t.target_value))}%"
    if t.kind == "multiple":
        base = f"(基数 {fmt(res.baseline_value, u)})" if res.baseline_value is not None else "(基数暂缺)"
        return f"{t.target_year}年达到{t.baseline_year}年的{fmt(float(t.target_value))}倍{base}"
    word = "超过" if t.comparison == ">" else "达到"
    return f"{t.target_year}年{word} {fmt(res.needed_value, u)}"


def unit_en(unit: str) -> str:
    """A unit on an English page: the catalog's English, after a space (% stays as it is)."""
    if unit in ("", "%", "rank", "index"):
        return "" if unit == "index" else unit
    return " " + UNIT_EN.get(unit, gettext(unit))


def fmt_en(v, unit: str = "") -> str:
    s = fmt(v, "")
    if v is None:
        return s
    if unit in ("亿元", "万元"):
        return fmt_figure_en(v, unit)  # 251.3 亿元 reads "25.13 billion yuan"
    if unit == "rank":
        return f"No. {s}"
    return s + unit_en(unit)


def fmt_local(v, unit: str = "") -> str:
    return fmt_en(v, unit) if english() else fmt(v, unit)


def goal_text_en(t, res) -> str:
    u = res.target.unit
    if t.kind == "qualitative":
        return t.statement or t.name  # the plan's own words (Chinese only)
    if t.kind == "avg_growth":
        word = "above" if t.comparison == ">" else "at least"
        return f"average annual growth {word} {fmt(float(t.target_value))}% from {t.baseline_year} to {t.target_year}"
    if t.kind == "multiple":
        base = (
            f" (base {fmt_en(res.baseline_value, u)})"
            if res.baseline_value is not None
            else " (base missing)"
        )
        return f"{fmt(float(t.target_value))} times the {t.baseline_year} value by {t.target_year}{base}"
    word = "over" if t.comparison == ">" else "reach"
    return f"{word} {fmt_en(res.needed_value, u)} by {t.target_year}"


def baseline_note_en(ta) -> str:
    y = ta.target.baseline_year
    c = ta.series.get(y) if y is not None else None
    if c is not None and c.derived and ta.target.baseline_from_statistics:
        return (
            f"The {y} baseline value {fmt(c.value)} is computed (not published by the statistics bureau): "
            f"{ta.target.indicator} = {c.formula}"
        )
    return ""


def _r6(x):
    """Figures in exported tables: no floating-point tails (294.3324160000001 -> 294.332416)."""
    return None if x is None else round(x, 6)


def _pct_num(x):
    """A growth rate or ratio as a percentage number for tables (0.089 -> 8.9), missing stays missing."""
    return None if x is None else round(x * 100, 2)


def attainment_table(plan, as_of: int) -> tuple[list[str], list[list]]:
    cols = [
        "目标",
        "名称",
        "类型",
        "地区",
        "指标",
        "单位",
        "基期年",
        "基期值",
        "最新年份",
        "最新值",
        "目标年",
        "目标年应达值",
        "差距",
        "实际年均增速(%)",
        "所需年均增速(%)",
        "比值(%)",
        "状态",
        "判定规则",
        "趋势外推(估算)",
        "来源",
    ]
    rows = []
    for ta in queries.plan_attainment(plan, as_of=as_of):
        for region, r, series in [(ta.region, ta.result, ta.series)] + list(ta.leagues):
            cell = series.get(r.latest_year) if r.latest_year is not None else None
            p = r.projection
            rows.append(
                [
                    ta.target.code,
                    ta.target.name,
                    KIND_LABELS.get(ta.target.kind, ""),
                    region.name,
                    ta.target.indicator,
                    r.target.unit,
                    ta.target.baseline_year,
                    _r6(r.baseline_value),
                    r.latest_year,
                    _r6(r.latest_value),
                    ta.target.target_year,
                    _r6(r.needed_value),
                    _r6(r.gap),
                    _pct_num(r.observed_growth),
                    _pct_num(r.required_growth),
                    _pct_num(r.ratio),
                    STATUS_LABELS[r.status][0],
                    r.rule_zh,
                    None if p is None else _r6(p.value),
                    None if cell is None else f"{cell.source_title} {cell.source_url}".strip(),
                ]
            )
    return cols, rows

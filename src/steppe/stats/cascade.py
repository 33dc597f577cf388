"""分解下达: are the leagues' shares of a regional target consistent with it? Pure Python, no Django.

The department gives each league its own target (``plans.LeagueTarget``); this module checks that
together they reach the regional one, and names every shortfall:

- ``amount`` / ``threshold`` (研发经费投入总量 375 亿元, 技术市场成交额 100 亿元): the league amounts add up
  to at least the regional target;
- ``multiple`` (高新技术企业、科技型中小企业翻番): a league's target is a count (家); the counts add up to at
  least the regional baseline × the factor;
- ``avg_growth`` (年均增长高于 12%): each league's baseline grown at its rate adds up to at least the
  regional baseline grown at the regional rate over the same years;
- ``level`` (研发投入强度 1.5%): the league intensities weighted by GDP reach the regional intensity;
- ``share`` (规上工业企业中有研发活动企业占比 35%): the league shares weighted by the number of above-scale
  industrial enterprises reach the regional share.

A league without a target, a weight or a baseline the rule needs is named as a shortfall of its
own: the check never fills a gap with a guess. ``ok`` is None when nothing can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WEIGHT_OF = {"level": "gdp", "share": "industrial_enterprises"}


@dataclass
class LeagueEntry:
    code: str
    name: str
    target: float | None  # the league's own target, in the regional target's value unit (a count for multiple)
    baseline: float | None = None  # avg_growth: the league's value in the baseline year
    weight: float | None = None  # level: GDP; share: the number of above-scale industrial enterprises


@dataclass
class Shortfall:
    kind: str  # missing_target, missing_weight, missing_baseline, missing_regional, below
    regions: list[str] = field(default_factory=list)  # league names, for the missing_* kinds
    value: float | None = None  # what the leagues add up to (below)
    needed: float | None = None  # what the region needs (below)

    @property
    def message(self) -> str:
        names = "、".join(self.regions)
        if self.kind == "missing_target":
            return f"未分解目标:{names}"
        if self.kind == "missing_weight":
            return f"缺少权重数据:{names}"
        if self.kind == "missing_baseline":
            return f"缺少基期值:{names}"
        if self.kind == "missing_regional":
            return "缺少全区基期值,无法核对"
        return f"盟市合计 {self.value:.6g} 低于全区所需 {self.needed:.6g},差 {self.needed - self.value:.6g}"


@dataclass
class Consistency:
    ok: bool | None
    aggregate: float | None  # the leagues' sum, implied total or weighted value
    needed: float | None  # what the region's target requires of it
    shortfalls: list[Shortfall] = field(default_factory=list)


def check(
    kind: str,
    *,
    regional_target: float | None,
    leagues: list[LeagueEntry],
    regional_baseline: float | None = None,
    years: int | None = None,
    strict: bool = False,
) -> Consistency:
    """Consistency of the league targets with the regional target (rules in the module docstring).

    ``regional_target`` is the target's value (amount, level, share), its factor (multiple) or its
    rate in % a year (avg_growth); ``years`` is target year − baseline year for avg_growth.
    """
    shortfalls: list[Shortfall] = []
    missing = [lg.name for lg in leagues if lg.target is None]
    if missing:
        shortfalls.append(Shortfall("missing_target", missing))
    have = [lg for lg in leagues if lg.target is not None]
    aggregate = needed = None
    if kind in ("amount", "threshold"):
        aggregate = sum(lg.target for lg in have) if have else None
        needed = regional_target
    elif kind == "multiple":
        aggregate = sum(lg.target for lg in have) if have else None
        if regional_baseline is None or regional_target is None:
            shortfalls.append(Shortfall("missing_regional"))
        else:
            needed = regional_baseline * regional_target
    elif kind == "avg_growth":
        no_base = [lg.name for lg in have if lg.baseline is None]
        if no_base:
            shortfalls.append(Shortfall("missing_baseline", no_base))
        grown = [lg for lg in have if lg.baseline is not None]
        if regional_baseline is None or regional_target is None or not years:
            shortfalls.append(Shortfall("missing_regional"))
        else:
            needed = regional_baseline * (1 + regional_target / 100) ** years
        if grown and years:
            aggregate = sum(lg.baseline * (1 + lg.target / 100) ** years for lg in grown)
    elif kind in WEIGHT_OF:
        no_weight = [lg.name for lg in have if lg.weight is None or lg.weight <= 0]
        if no_weight:
            shortfalls.append(Shortfall("missing_weight", no_weight))
        weighted = [lg for lg in have if lg.weight is not None and lg.weight > 0]
        if weighted:
            aggregate = sum(lg.target * lg.weight for lg in weighted) / sum(lg.weight for lg in weighted)
        needed = regional_target
    else:
        return Consistency(None, None, None, [])
    if aggregate is not None and needed is not None:
        short = aggregate <= needed if strict and kind in ("amount", "threshold") else aggregate < needed - 1e-9
        if short:
            shortfalls.append(Shortfall("below", value=aggregate, needed=needed))
    if aggregate is None or needed is None:
        ok = None if not shortfalls or all(s.kind == "missing_regional" for s in shortfalls) else False
    else:
        ok = not shortfalls
    return Consistency(ok, aggregate, needed, shortfalls)

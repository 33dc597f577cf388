"""Format 1 -> format 2 (pure Python, no Django).

A format 1 file says nothing of a measure's type nor which targets it drives. `upgrade` gives an
old plan a reading of both, so it still loads and supervision can work with it:

- the type comes from the measure's own words (定期/持续 -> recurring each round; 项目/工程/攻关 ->
  project; 实验室/中心/示范区/基地/园区/研究院 with 建设/培育/创建 -> register; 机制/制度/政策/改革/
  清单/基金 -> mechanism; anything else -> one_off);
- a measure drives the targets whose indicator it lists in `indicators`.

`plan_to_yaml` writes a `PlanSpec` as a format 2 file. `steppe plan convert OLD.yaml --out NEW.yaml`
runs both; the person converting reads the result (the reading is a first draft, not the text's
word) and `steppe plan validate` says what format 2 still needs (e.g. a target no measure names).
"""

from __future__ import annotations

import copy
from decimal import Decimal

import yaml

from .schema import FORMAT_VERSION, PlanSpec, TargetSpec, UnitRef

RECURRING_WORDS = ("定期", "持续实施", "持续推进", "持续推动", "每年", "年度")
PROJECT_WORDS = ("项目", "工程", "揭榜挂帅", "攻关")
REGISTER_OBJECTS = ("实验室", "中心", "示范区", "基地", "园区", "研究院", "孵化器", "平台")
REGISTER_VERBS = ("建设", "培育", "创建", "重组", "布局")
MECHANISM_WORDS = ("机制", "制度", "政策", "改革", "清单", "基金", "办法", "方案")


def infer_type(title: str, clause: str) -> tuple[str, str]:
    """(type, frequency) read from a measure's words; see the module docstring."""
    text = f"{title} {clause}"
    if any(w in text for w in RECURRING_WORDS):
        return "recurring", "per_round"
    if any(w in text for w in PROJECT_WORDS):
        return "project", ""
    if any(o in text for o in REGISTER_OBJECTS) and any(v in text for v in REGISTER_VERBS):
        return "register", ""
    if any(w in text for w in MECHANISM_WORDS):
        return "mechanism", ""
    return "one_off", ""


def upgrade(spec: PlanSpec) -> PlanSpec:
    """A format 1 plan read as format 2 (a copy; `spec` is not changed). Format 2 plans come back as they are."""
    if spec.format >= 2:
        return spec
    out = copy.deepcopy(spec)
    by_indicator: dict[str, list[TargetSpec]] = {}
    for t in out.targets:
        by_indicator.setdefault(t.indicator, []).append(t)
    for _action, m in out.iter_measures():
        if not m.type:
            m.type, m.frequency = infer_type(m.title, m.clause)
        if not m.targets:
            m.targets = [t.code for ind in m.indicators for t in by_indicator.get(ind, [])]
            m.targets = list(dict.fromkeys(m.targets))
        for code in m.targets:
            t = next(t for t in out.targets if t.code == code)
            if m.code not in t.measures:
                t.measures.append(m.code)
    out.format = FORMAT_VERSION
    return out


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _unit(ref: UnitRef):
    if ref.basis == "lead_departments":
        return {"name": ref.name, "via": "lead_departments"}
    if ref.inferred:
        return {"name": ref.name, "inferred": True}
    return ref.name


def _target(t: TargetSpec) -> dict:
    d: dict = {"code": t.code, "name": t.name}
    if t.indicator:
        d["indicator"] = t.indicator
    d.update({"kind": t.kind, "region": t.region})
    if t.unit:
        d["unit"] = t.unit
    if t.baseline is not None:
        d["baseline"] = {
            "year": t.baseline.year,
            "value": "from_statistics" if t.baseline.from_statistics else _number(t.baseline.value),
        }
    goal: dict = {"year": t.target_year}
    if t.kind == "avg_growth":
        goal["rate"] = _number(t.target_value)
    elif t.kind == "multiple":
        goal["factor"] = _number(t.target_value)
    elif t.kind == "qualitative":
        goal["statement"] = t.statement
        if t.target_value is not None:
            goal["value"] = _number(t.target_value)
    else:
        goal["value"] = _number(t.target_value)
    if t.kind != "qualitative" or t.comparison != ">=":
        goal["comparison"] = t.comparison
    d["target"] = goal
    if t.peers is not None:
        d["peers"] = {"scope": t.peers.scope, "reach": t.peers.reach}
    if t.lead_units:
        d["lead_units"] = [_unit(u) for u in t.lead_units]
    d["clause"] = t.clause
    return d


def plan_to_dict(spec: PlanSpec) -> dict:
    spec = upgrade(spec)
    d: dict = {
        "format": FORMAT_VERSION,
        "code": spec.code,
        "title": spec.title,
        "short_title": spec.short_title,
        "issuers": list(spec.issuers),
        "document_number": spec.document_number,
        "issued_on": spec.issued_on,
    }
    if spec.published_on:
        d["published_on"] = spec.published_on
    d["period"] = {"start": spec.period_start, "end": spec.period_end}
    d["source"] = {"title": spec.source_title, "url": spec.source_url}
    d["language"] = spec.language
    if spec.lead_departments is not None:
        d["lead_departments"] = {"units": list(spec.lead_departments.units), "clause": spec.lead_departments.clause}
    d["targets"] = [_target(t) for t in spec.targets]
    for kind, key in (("action", "actions"), ("safeguard", "safeguards")):
        items = []
        for a in (a for a in spec.actions if a.kind == kind):
            measures = []
            for m in a.measures:
                md: dict = {"code": m.code, "title": m.title}
                if m.title_en:
                    md["title_en"] = m.title_en
                md["type"] = m.type
                if m.frequency:
                    md["frequency"] = m.frequency
                md["targets"] = list(m.targets)
                md["clause"] = m.clause
                md["lead_units"] = [_unit(u) for u in m.lead_units]
                if m.cooperating_units:
                    md["cooperating_units"] = [_unit(u) for u in m.cooperating_units]
                md["due"] = m.due
                md["indicators"] = list(m.indicators)
                md["tags"] = list(m.tags)
                measures.append(md)
            item = {"code": a.code, "number": a.number, "title": a.title}
            if a.title_en:
                item["title_en"] = a.title_en
            if a.summary:
                item["summary"] = a.summary
            item.update({"clause": a.clause, "measures": measures})
            items.append(item)
        if items or key == "actions":
            d[key] = items
    return d


def plan_to_yaml(spec: PlanSpec) -> str:
    """The plan as a format 2 file (UTF-8 text, Chinese kept as it is)."""
    header = (
        f"# {spec.title}\n# 由 steppe plan convert 从格式 {spec.format} 转换为格式 {FORMAT_VERSION};"
        "举措类型(type)与目标关联(targets)为按文字推定的初稿,请对照原文核对。\n\n"
    )
    return header + yaml.safe_dump(plan_to_dict(spec), allow_unicode=True, sort_keys=False, width=1000)

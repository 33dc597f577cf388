"""Innovation points (创新积分): a configurable scoring model, vectorised over the batch columns.

The national indicator system (全国试行版, 2024-08) has 3 first-level classes (技术创新,
成长经营, 辅助) and 18 second-level indicators, with weights by enterprise stage. **The official
list, weights and formula are not public** (policy-rules.md §E), so this model is Steppe's own
approximation with documented default weights; where an officially issued score is on file
(Enterprise.innovation_score_official) it prevails. Each indicator is normalised to 0..1
(value / cap, capped at 1); the score is Σ weight × indicator (weights sum to 100).
"""

from __future__ import annotations

import numpy as np

# indicator -> (class, default weight, cap for normalisation, description)
INDICATORS: dict[str, tuple[str, float, float, str]] = {
    "rd_intensity": ("技术创新", 20, 0.10, "研发费用 / 销售收入，达 10% 得满分"),
    "tech_staff_ratio": ("技术创新", 12, 0.40, "科技人员 / 职工总数，达 40% 得满分"),
    "ip_class_i": ("技术创新", 12, 5, "Ⅰ类知识产权件数，5 件得满分"),
    "ip_class_ii": ("技术创新", 6, 10, "Ⅱ类知识产权件数，10 件得满分"),
    "conversions": ("技术创新", 10, 5, "当年科技成果转化项数，5 项得满分"),
    "hightech_revenue_share": ("成长经营", 10, 0.80, "高新技术产品收入 / 收入总额，达 80% 得满分"),
    "revenue_growth": ("成长经营", 12, 0.30, "销售收入增长率（高企认定口径），达 30% 得满分"),
    "net_asset_growth": ("成长经营", 8, 0.30, "净资产增长率，达 30% 得满分"),
    "hte_certificate": ("辅助", 4, 1, "持有有效的高新技术企业证书"),
    "tsme": ("辅助", 3, 1, "当年取得科技型中小企业入库登记编号"),
    "compliance": ("辅助", 3, 1, "当年无违规记录"),
}
# what pages call each indicator (never its code)
LABELS = {
    "rd_intensity": "研发投入强度",
    "tech_staff_ratio": "科技人员占比",
    "ip_class_i": "Ⅰ类知识产权",
    "ip_class_ii": "Ⅱ类知识产权",
    "conversions": "科技成果转化",
    "hightech_revenue_share": "高新技术产品收入占比",
    "revenue_growth": "销售收入增长率",
    "net_asset_growth": "净资产增长率",
    "hte_certificate": "高新技术企业证书",
    "tsme": "科技型中小企业入库",
    "compliance": "无违规记录",
}
DEFAULT_WEIGHTS = {k: v[1] for k, v in INDICATORS.items()}
DEFAULT_THRESHOLD = 70.0


class ModelError(ValueError):
    pass


def check_weights(weights: dict) -> dict:
    for k, w in weights.items():
        if k not in INDICATORS:
            raise ModelError(f"weights.{k}: unknown indicator; expected one of {', '.join(INDICATORS)}")
        if not isinstance(w, (int, float)) or w < 0:
            raise ModelError(f"weights.{k}: must be a number ≥ 0")
    total = sum(weights.values())
    if abs(total - 100) > 1e-6:
        raise ModelError(f"weights: must sum to 100 (got {total:g})")
    return weights


def _g(x1, x2, x3):
    safe2 = np.where(x2 > 0, x2, 1.0)
    three = 0.5 * (x2 / np.where(x1 > 0, x1, 1.0) + x3 / safe2) - 1
    g = np.where(x1 > 0, three, x3 / safe2 - 1)
    return np.where(x2 > 0, g, 0.0)


def indicator_values(columns: dict, year: int, results: dict) -> dict[str, np.ndarray]:
    ys = columns["years"]
    cur = ys.get(year, {})
    n = len(results["tsme_eligible"])
    z = np.zeros(n)

    def col(y, k):
        return np.asarray(ys.get(y, {}).get(k, z), dtype=float)

    rev = col(year, "revenue")
    emp = col(year, "employees")
    income = col(year, "income_total")
    return {
        "rd_intensity": np.divide(col(year, "rd_expense"), rev, out=z.copy(), where=rev > 0),
        "tech_staff_ratio": np.divide(col(year, "tech_staff"), emp, out=z.copy(), where=emp > 0),
        "ip_class_i": col(year, "ip_class_i"),
        "ip_class_ii": col(year, "ip_class_ii"),
        "conversions": col(year, "conversions"),
        "hightech_revenue_share": np.divide(
            col(year, "hightech_revenue"), income, out=z.copy(), where=income > 0
        ),
        "revenue_growth": _g(col(year - 2, "revenue"), col(year - 1, "revenue"), rev),
        "net_asset_growth": _g(
            col(year - 2, "net_assets"), col(year - 1, "net_assets"), col(year, "net_assets")
        ),
        "hte_certificate": np.asarray(results["hte_certificate_valid"], dtype=float),
        "tsme": np.asarray(cur.get("tsme_number_issued", z), dtype=float),
        "compliance": np.asarray(cur.get("compliance_ok", np.ones(n)), dtype=float),
    }


def breakdown(columns: dict, year: int, results: dict, weights: dict | None = None) -> dict[str, np.ndarray]:
    """The points each indicator contributes (weight × value / cap, capped), for every enterprise:
    what the white list shows a bank beside the total."""
    weights = check_weights(dict(weights or DEFAULT_WEIGHTS))
    values = indicator_values(columns, year, results)
    return {k: w * np.clip(values[k] / INDICATORS[k][2], 0, 1) for k, w in weights.items()}


def score(columns: dict, year: int, results: dict, weights: dict | None = None) -> np.ndarray:
    """Innovation points 0..100 for every enterprise (the sum of ``breakdown``)."""
    parts = breakdown(columns, year, results, weights)
    total = np.zeros(len(results["tsme_eligible"]))
    for points in parts.values():
        total += points
    return np.round(total, 1)

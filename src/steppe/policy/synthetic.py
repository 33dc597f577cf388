"""Synthetic enterprise data (numpy, reproducible) for benchmarks and `steppe policy generate`.

Produces batch columns for `engine.evaluate_many`: three accounting years Y−2..Y with
plausible sizes, R&D, staff and IP, so every policy branch is exercised.
"""

from __future__ import annotations

import numpy as np

from .rules.variables.inputs import YEARLY_INPUTS

NMG_COUNTIES = [
    "150102", "150103", "150104", "150105", "150121", "150202", "150203", "150204", "150205",
    "150206", "150207", "150221", "150302", "150402", "150502", "150602", "150603", "150702",
    "150802", "150902", "152201", "152502", "152921",
]  # fmt: skip


def generate_columns(n: int, year: int, seed: int = 0) -> dict:
    """Columns for n enterprises with data for year−2, year−1 and year."""
    rng = np.random.default_rng(seed)
    reg_days = rng.integers(0, 365 * 25, n)
    registered = np.datetime64(f"{year}-12-31") - reg_days.astype("timedelta64[D]")
    emp = np.maximum(3, rng.lognormal(3.6, 1.0, n)).round()
    staff_share = rng.beta(2, 6, n)
    rev = np.maximum(10, rng.lognormal(7.5, 1.4, n))
    growth = rng.normal(0.08, 0.15, n)
    rd_share = rng.beta(1.5, 30, n)
    cert = rng.random(n) < 0.12
    issued = np.datetime64(f"{year}-06-30") - rng.integers(0, 365 * 4, n).astype("timedelta64[D]")
    ent = {
        "registered_on": registered,
        "region_code": rng.choice(np.array(NMG_COUNTIES, dtype=int), n),
        "hte_certificate_held": cert,
        "hte_certificate_issued_on": issued,
        "ic_or_machine_tool": rng.random(n) < 0.01,
    }
    years = {}
    for k, y in enumerate((year - 2, year - 1, year)):
        f = (1 + growth) ** (k - 2)
        r = rev * f
        rd = r * rd_share
        cols = {
            "employees": emp,
            "tech_staff": (emp * staff_share).round(),
            "revenue": r,
            "income_total": r * 1.02,
            "total_costs": r * 0.9,
            "total_assets": r * rng.uniform(0.6, 1.6, n),
            "net_assets": r * 0.4 * f,
            "hightech_revenue": r * rng.uniform(0.2, 0.95, n),
            "rd_expense": rd,
            "rd_expense_in_china": rd * rng.uniform(0.5, 1.0, n),
            "rd_five_expensed": rd * 0.9,
            "rd_other_expensed": rd * 0.1,
            "rd_other_allowed_by_project": rd * 0.1,
            "rd_other_limit_by_project": rd * 0.1,
            "negative_list_income": r * (rng.random(n) < 0.08),
            "manufacturing_income": r * (rng.random(n) < 0.4),
            "ip_class_i": rng.poisson(0.6, n).astype(float),
            "ip_class_ii": rng.poisson(2.0, n).astype(float),
            "conversions": rng.poisson(1.5, n).astype(float),
            "tech_transfer_income": np.where(rng.random(n) < 0.05, rng.uniform(0, 1500, n), 0.0),
            "taxable_income": r * rng.uniform(-0.05, 0.12, n),
            "tsme_number_issued": rng.random(n) < 0.3,
            "tsme_number_code_zero": rng.random(n) < 0.8,
            "compliance_ok": rng.random(n) > 0.01,
        }
        assert set(cols) <= set(YEARLY_INPUTS)
        years[y] = cols
    return {"enterprise": ent, "years": years}

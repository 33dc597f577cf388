"""Attainment of every target for every region over 15 years: prints the time.

Usage: .venv/bin/python bench/stats_attainment.py
Goal (issue 3): under 100 ms for all targets x all regions (region + 12 leagues + 103 counties).
"""

import statistics
import time

import numpy as np

from steppe.stats.attainment import TargetSpec, assess_many

TARGETS = [
    TargetSpec("T1", "avg_growth", "rd_expenditure", "亿元", 2025, 12, 2022, comparison=">"),
    TargetSpec("T2", "level", "rd_intensity", "%", 2025, 1.5, 2022),
    TargetSpec("T3", "amount", "rd_expenditure", "亿元", 2025, 375, 2022),
    TargetSpec("T4", "threshold", "tech_contract_turnover", "亿元", 2025, 100, 2022, comparison=">"),
    TargetSpec("T5", "multiple", "high_tech_enterprises", "家", 2025, 2, 2022),
    TargetSpec("T6", "multiple", "tech_smes", "家", 2025, 2, 2022),
    TargetSpec("T7", "share", "share_industrial_enterprises_with_rd", "%", 2025, 35, 2022, comparison=">"),
    TargetSpec("T8", "qualitative", statement="综合科技创新水平稳中有升"),
]
REGIONS = 1 + 12 + 103
YEARS = list(range(2011, 2026))


def main():
    rng = np.random.default_rng(0)
    specs = [t for t in TARGETS for _ in range(REGIONS)]
    base = rng.uniform(10, 500, size=(len(specs), 1))
    growth = rng.normal(0.08, 0.05, size=(len(specs), 1))
    values = (
        base
        * (1 + growth) ** np.arange(len(YEARS))[None, :]
        * rng.lognormal(0, 0.03, (len(specs), len(YEARS)))
    )
    values[rng.uniform(size=values.shape) < 0.15] = np.nan
    runs_vec, runs_full = [], []
    for _ in range(7):
        t0 = time.perf_counter()
        res = assess_many(specs, YEARS, values, as_of=2024, explain=False)
        runs_vec.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        res = assess_many(specs, YEARS, values, as_of=2024, explain=True)
        runs_full.append(time.perf_counter() - t0)
    by_status = {}
    for a in res:
        by_status[a.status] = by_status.get(a.status, 0) + 1
    print(f"series: {len(specs)} ({len(TARGETS)} targets x {REGIONS} regions), years: {len(YEARS)}")
    print(
        f"attainment (figures + status):          median {statistics.median(runs_vec) * 1000:.1f} ms, best {min(runs_vec) * 1000:.1f} ms"
    )
    print(
        f"attainment (+ rule text zh/en per row): median {statistics.median(runs_full) * 1000:.1f} ms, best {min(runs_full) * 1000:.1f} ms"
    )
    print("goal: < 100 ms;", "statuses:", by_status)


if __name__ == "__main__":
    main()

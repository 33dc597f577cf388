"""Engine alone on 1,000,000 enterprise-years (goal < 5 s).

Prints: the time to evaluate every rule (TSME, HTE pre-check over three years, super deduction,
15% rate, loss carry-forward, tech transfer, rewards) for N enterprises for one accounting year
(each reads its three years of data), and the same over N/3 enterprises × 3 evaluation years.
Usage: .venv/bin/python bench/policy_engine.py [N]
"""

import sys
import time

from steppe.policy.engine import evaluate_many
from steppe.policy.synthetic import generate_columns


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    year = 2024
    evaluate_many(generate_columns(1000, year), year)  # warm up: load the tax-benefit system
    t0 = time.perf_counter()
    cols = generate_columns(n, year)
    t1 = time.perf_counter()
    res = evaluate_many(cols, year)
    t2 = time.perf_counter()
    print(f"generate {n:,} enterprises × 3 years of data: {t1 - t0:.2f} s")
    print(f"engine, {n:,} enterprise-years (one evaluation year, {len(res)} outputs): {t2 - t1:.2f} s")
    print(
        f"  tsme eligible {int(res['tsme_eligible'].sum()):,}; hte yes {int((res['hte_eligibility'] == 1).sum()):,}, "
        f"depends {int((res['hte_eligibility'] == -1).sum()):,}; super deduction {res['sd_amount'].sum() / 1e4:,.0f} 亿元"
    )
    m = n // 3
    cols = generate_columns(m, year, seed=1)
    t3 = time.perf_counter()
    for y in (year - 2, year - 1, year):
        evaluate_many(cols, y)
    t4 = time.perf_counter()
    print(f"engine, {m:,} enterprises × 3 evaluation years = {3 * m:,} enterprise-years: {t4 - t3:.2f} s")


if __name__ == "__main__":
    main()

"""Monte Carlo uncertainty over COINr's example (51 units × 49 indicators): prints the times.

Usage: .venv/bin/python bench/evaluation_mc.py
Goal (issue 13): 1,000 replications under 5 s, 10,000 under 30 s. Each run varies the weights
(±25 %), the normalisation (2 options), the imputation (2) and the aggregation (2), with
first-order and total sensitivity indices from Saltelli's design.
"""

import time

from steppe.evaluation.composite import build
from steppe.evaluation.framework import builtin_frameworks, load_dataset, load_framework
from steppe.evaluation.uncertainty import monte_carlo, rank_movers


def main():
    fw = load_framework(builtin_frameworks()["asem-coinr-example"])
    ds = load_dataset(fw)
    t0 = time.perf_counter()
    nominal = build(fw, ds)
    print(f"nominal build (denominate … aggregate): {(time.perf_counter() - t0) * 1000:.0f} ms")
    t0 = time.perf_counter()
    rank_movers(nominal)
    print(f"what moves the rank, 51 units × 49 indicators: {(time.perf_counter() - t0) * 1000:.0f} ms")
    for n in (1_000, 10_000):
        best = None
        for _ in range(3):
            t0 = time.perf_counter()
            mc = monte_carlo(fw, ds, n, seed=1, nominal=nominal)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        s = ", ".join(f"{f} S1={mc.first_order[f]:.2f} ST={mc.total[f]:.2f}" for f in mc.factors)
        print(f"{n:>6} replications ({mc.n_runs} runs): best of 3 {best:.2f} s   [{s}]")


if __name__ == "__main__":
    main()

"""Matching on the development split: the figures of shared/data/matching-dev/README.md.

    .venv/bin/python bench/match_dev.py [--data DIR] [--k 10] [--halves SEEDS]

The same computation as `steppe match bench` (which also writes the ranked results), without
Django. Prints figures; asserts nothing.

``--halves 3`` also splits the corpus into random halves (seeds 1..3), each with the queries whose
relevant document it holds, as a stand-in for a held-out split: if a method keyed on this split,
its figures would fall on the halves. Same-field precision@9 is printed beside its ceiling (a
field with fewer than ten documents cannot fill nine places), since halving lowers both.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from steppe.transfer.matching.evaluate import format_figures, load_jsonl, run_bench  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--halves", type=int, default=0, metavar="SEEDS", help="also run random halves")
    args = ap.parse_args()
    if not (args.data / "corpus.jsonl").exists():
        print(f"skipped: no development split at {args.data} (pass --data DIR)")
        return
    corpus = load_jsonl(args.data / "corpus.jsonl", required=("id", "text"))
    queries = load_jsonl(args.data / "queries.jsonl", required=("id", "text"))
    _, figures = run_bench(corpus, queries, k=args.k)
    print(f"documents: {len(corpus)}")
    print(format_figures(figures, k=args.k))
    print(f"same-field precision@9 ceiling: {p9_ceiling(corpus, queries):.4f}")
    for seed in range(1, args.halves + 1):
        ids = [str(r["id"]) for r in corpus]
        random.Random(seed).shuffle(ids)
        for name, half in (("a", set(ids[: len(ids) // 2])), ("b", set(ids[len(ids) // 2 :]))):
            c = [r for r in corpus if str(r["id"]) in half]
            q = [r for r in queries if r.get("relevant") and str(r["relevant"][0]) in half]
            _, f = run_bench(c, q, k=args.k)
            print(
                f"half {seed}{name}: {len(c)} documents, {len(q)} queries: MRR@{args.k} {f['mrr']['all']:.4f}, "
                f"same-field precision@9 {f['same_field_precision_at_9']:.4f} (ceiling {p9_ceiling(c, q):.4f})"
            )


def p9_ceiling(corpus: list[dict], queries: list[dict]) -> float:
    """The best same-field precision@9 possible: min(9, same-field documents - 1) / 9 per query."""
    field = {str(r["id"]): r.get("field") or "" for r in corpus}
    count = Counter(field.values())
    shares = [
        min(9, count[field[str(q["relevant"][0])]] - 1) / 9
        for q in queries
        if q.get("relevant") and field.get(str(q["relevant"][0]))
    ]
    return sum(shares) / len(shares) if shares else 0.0


if __name__ == "__main__":
    main()

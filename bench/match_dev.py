"""Matching on the development split: the figures of shared/data/matching-dev/README.md.

    .venv/bin/python bench/match_dev.py [--data DIR] [--k 10]

The same computation as `steppe match bench` (which also writes the ranked results), without
Django. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from steppe.transfer.matching.evaluate import format_figures, load_jsonl, run_bench  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    if not (args.data / "corpus.jsonl").exists():
        print(f"skipped: no development split at {args.data} (pass --data DIR)")
        return
    corpus = load_jsonl(args.data / "corpus.jsonl", required=("id", "text"))
    queries = load_jsonl(args.data / "queries.jsonl", required=("id", "text"))
    _, figures = run_bench(corpus, queries, k=args.k)
    print(f"documents: {len(corpus)}")
    print(format_figures(figures, k=args.k))


if __name__ == "__main__":
    main()

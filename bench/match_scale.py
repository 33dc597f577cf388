"""Matching at 100,000 documents: index build time and query latency, in one process.

    .venv/bin/python bench/match_scale.py [--docs 100000] [--seed 7] [--data DIR]

The corpus is the development corpus (shared/data/matching-dev) plus distractors made by
recombining its sentences (seeded), each distractor taking the field of its first sentence's
source. The development queries are then answered against the whole corpus. Prints figures;
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from steppe.transfer.matching import Document, MatchIndex  # noqa: E402
from steppe.transfer.matching.evaluate import evaluate, load_jsonl  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev"
_SENTENCE_END = re.compile(r"(?<=[。；;!?！？.])")


def distractors(corpus: list[dict], n: int, seed: int) -> list[Document]:
    rng = random.Random(seed)
    pool = []  # (sentence, field)
    for row in corpus:
        for s in _SENTENCE_END.split(row["text"]):
            if len(s.strip()) >= 8:
                pool.append((s.strip(), row.get("field") or ""))
    out = []
    for i in range(n):
        parts = [rng.choice(pool) for _ in range(rng.randint(3, 7))]
        out.append(Document(id=f"x{i:06d}", text="".join(p[0] for p in parts), field=parts[0][1]))
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()

    if not (args.data / "corpus.jsonl").exists():
        print(f"skipped: no development split at {args.data} (pass --data DIR)")
        return
    corpus = load_jsonl(args.data / "corpus.jsonl")
    queries = load_jsonl(args.data / "queries.jsonl")
    docs = [Document(id=r["id"], text=r["text"], field=r.get("field") or "") for r in corpus]
    docs += distractors(corpus, max(0, args.docs - len(docs)), args.seed)
    print(f"documents: {len(docs)}  queries: {len(queries)}  cores: {os.cpu_count()}")

    index = MatchIndex()
    t0 = time.perf_counter()
    index.build(docs)
    build = time.perf_counter() - t0
    print(f"index build (tokenise + bm25s): {build:.1f} s")

    for q in queries[:20]:  # warm-up
        index.search(q["text"])
    lat, results = [], {}
    for q in queries:
        t = time.perf_counter()
        results[q["id"]] = index.search(q["text"], k=10).ids
        lat.append(1000 * (time.perf_counter() - t))
    print(
        f"query latency over {len(lat)} queries: p50 {pct(lat, 0.5):.2f} ms, p95 {pct(lat, 0.95):.2f} ms, max {max(lat):.2f} ms"
    )
    fig = evaluate(queries, results, {d.id: d.field for d in docs})
    print(
        f"at {len(docs)} documents: MRR@10 {fig['mrr']['all']:.4f}  recall@10 {fig['recall']['all']:.4f}  "
        f"same-field precision@9 {fig['same_field_precision_at_9']:.4f}"
    )

    # incremental: add 500 new documents and remove 500 without a rebuild
    extra = distractors(corpus, 500, args.seed + 1)
    extra = [Document(id="n" + d.id, text=d.text, field=d.field) for d in extra]
    t = time.perf_counter()
    index.add(extra)
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    index.remove([d.id for d in docs[-500:]])
    rm_s = time.perf_counter() - t
    lat2 = []
    for q in queries:
        t = time.perf_counter()
        index.search(q["text"], k=10)
        lat2.append(1000 * (time.perf_counter() - t))
    print(
        f"incremental: add 500 in {add_s * 1000:.0f} ms, remove 500 in {rm_s * 1000:.1f} ms; "
        f"then p50 {pct(lat2, 0.5):.2f} ms, p95 {pct(lat2, 0.95):.2f} ms (delta {index.delta_size}, tombstones {index.tombstones})"
    )
    t = time.perf_counter()
    index.compact()
    print(f"compaction (no re-tokenising): {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()

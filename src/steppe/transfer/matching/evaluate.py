"""The benchmark of shared/data/matching-dev: file reading, running, and the figures.

Figures (read from a ranked list of ``k`` document ids per query):
- MRR@k and recall@k of the relevant documents, overall and by query ``kind``;
- same-field precision@9: for each query whose (first) relevant document has a field, the
  share of the other nine of the first ten results that have that field.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from .index import Document, MatchIndex


class BenchInputError(ValueError):
    """A malformed corpus or query file; the message names the file and line."""


def load_jsonl(path: str | Path, *, required: Sequence[str] = ()) -> list[dict]:
    rows = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BenchInputError(f"{path}: cannot read ({exc.strerror})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BenchInputError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise BenchInputError(f"{path}:{n}: expected an object")
        for key in required:
            if key not in row:
                raise BenchInputError(f"{path}:{n}: missing {key!r}")
        rows.append(row)
    return rows


def corpus_documents(rows: Iterable[dict]) -> list[Document]:
    return [
        Document(
            id=str(r["id"]),
            text=str(r.get("text") or ""),
            title=str(r.get("title") or ""),
            field=str(r.get("field") or ""),
            region=str(r.get("region") or ""),
        )
        for r in rows
    ]


def evaluate(
    queries: Sequence[dict], results: dict[str, list[str]], doc_fields: dict[str, str], *, k: int = 10
) -> dict:
    rr: dict[str, list[float]] = defaultdict(list)
    rec: dict[str, list[float]] = defaultdict(list)
    p9: list[float] = []
    for q in queries:
        ranked = results.get(str(q["id"]), [])[:k]
        relevant = [str(r) for r in q.get("relevant", [])]
        kind = str(q.get("kind") or "all")
        first = next((i for i, d in enumerate(ranked) if d in relevant), None)
        value = 0.0 if first is None else 1.0 / (first + 1)
        found = len(set(ranked) & set(relevant)) / len(relevant) if relevant else 0.0
        for key in ("all", kind) if kind != "all" else ("all",):
            rr[key].append(value)
            rec[key].append(found)
        field = doc_fields.get(relevant[0], "") if relevant else ""
        if field:
            others = [d for d in ranked[:10] if d not in relevant][:9]
            p9.append(sum(doc_fields.get(d) == field for d in others) / 9)
    out = {
        "queries": len(queries),
        "mrr": {key: sum(v) / len(v) for key, v in rr.items()},
        "recall": {key: sum(v) / len(v) for key, v in rec.items()},
        "same_field_precision_at_9": sum(p9) / len(p9) if p9 else 0.0,
        "field_queries": len(p9),
    }
    return out


def run_bench(
    corpus_rows: Sequence[dict], query_rows: Sequence[dict], *, k: int = 10, index: MatchIndex | None = None
) -> tuple[list[dict], dict]:
    """Build an index over the corpus, answer every query; return (result lines, figures)."""
    docs = corpus_documents(corpus_rows)
    index = MatchIndex() if index is None else index
    t0 = time.perf_counter()
    index.build(docs)
    build_s = time.perf_counter() - t0
    original = {str(r["id"]): r["id"] for r in corpus_rows}  # write ids back as the corpus gave them
    lines, results, latencies = [], {}, []
    for q in query_rows:
        t = time.perf_counter()
        ids = index.search(str(q.get("text") or ""), k=k).ids
        latencies.append(time.perf_counter() - t)
        results[str(q["id"])] = ids
        lines.append({"id": q["id"], "results": [original[i] for i in ids]})
    figures = evaluate(query_rows, results, {d.id: d.field for d in docs}, k=k)
    latencies.sort()
    figures["build_seconds"] = build_s
    if latencies:
        figures["latency_ms_p50"] = 1000 * latencies[len(latencies) // 2]
        figures["latency_ms_p95"] = 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    return lines, figures


def format_figures(fig: dict, *, k: int = 10) -> str:
    rows = [f"queries: {fig['queries']}"]
    for key in sorted(fig["mrr"], key=lambda x: (x != "all", x)):
        rows.append(f"MRR@{k} [{key}]: {fig['mrr'][key]:.4f}   recall@{k} [{key}]: {fig['recall'][key]:.4f}")
    rows.append(
        f"same-field precision@9: {fig['same_field_precision_at_9']:.4f} "
        f"({fig['field_queries']} queries with a field)"
    )
    if "build_seconds" in fig:
        rows.append(f"index build: {fig['build_seconds']:.2f} s")
    if "latency_ms_p50" in fig:
        rows.append(f"query latency: p50 {fig['latency_ms_p50']:.2f} ms, p95 {fig['latency_ms_p95']:.2f} ms")
    return "\n".join(rows)

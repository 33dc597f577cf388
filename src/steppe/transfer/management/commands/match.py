"""`steppe match ...`: supply-demand matching.

steppe match bench --corpus C.jsonl --queries Q.jsonl [--k 10] [--out RESULTS.jsonl]
    Build an index over the corpus, answer every query, write one line per query
    {"id": query id, "results": [doc ids best first]} and print MRR@k, recall@k (overall and
    by kind) and same-field precision@9. Does not touch the database.
steppe match reindex
    Rebuild the platform's matching index from the published records.
steppe match query TEXT [--kind achievement|demand|expert] [--k 10]
    Print the ranked records for TEXT with their explanations.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Supply-demand matching: bench, reindex, query"
    requires_system_checks: list = []  # `match bench` must work before `migrate`

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        bench = sub.add_parser("bench", help="measure matching on a corpus and queries (JSON lines)")
        bench.add_argument("--corpus", required=True, help='JSON lines: {"id", "text", "field"}')
        bench.add_argument("--queries", required=True, help='JSON lines: {"id", "text", "relevant", "kind"}')
        bench.add_argument("--k", type=int, default=10, help="results per query (default 10)")
        bench.add_argument("--out", help="write the ranked results here (JSON lines)")
        bench.add_argument("--json", action="store_true", help="print the figures as JSON")
        sub.add_parser(
            "reindex", help="build the shared matching index from the published records now and make it current"
        )
        query = sub.add_parser("query", help="rank published records for a text")
        query.add_argument("text")
        query.add_argument("--kind", choices=["achievement", "demand", "expert"], default=None)
        query.add_argument("--k", type=int, default=10)
        sub.add_parser("expire", help="expire published records past their validity date")

    def handle(self, *args, action, **opts):
        return getattr(self, f"handle_{action}")(**opts)

    def handle_bench(self, *, corpus, queries, k, out=None, json: bool = False, **_):
        from steppe.transfer.matching.evaluate import BenchInputError, format_figures, load_jsonl, run_bench

        if k < 1:
            raise CommandError("--k must be at least 1")
        try:
            corpus_rows = load_jsonl(corpus, required=("id", "text"))
            query_rows = load_jsonl(queries, required=("id", "text"))
        except BenchInputError as exc:
            raise CommandError(str(exc)) from exc
        if not corpus_rows:
            raise CommandError(f"{corpus}: no documents")
        lines, figures = run_bench(corpus_rows, query_rows, k=k)
        if out:
            Path(out).write_text(
                "".join(_dumps(line) + "\n" for line in lines),
                encoding="utf-8",
            )
        if json:
            self.stdout.write(_dumps(figures))
        else:
            self.stdout.write(f"documents: {len(corpus_rows)}")
            self.stdout.write(format_figures(figures, k=k))
            if out:
                self.stdout.write(f"results written to {out}")

    def handle_reindex(self, **_):
        from steppe.transfer.search import current_version, index_root, rebuild_index

        index = rebuild_index()
        self.stdout.write(f"indexed {len(index)} published records")
        self.stdout.write(f"version {current_version()} in {index_root()}")

    def handle_expire(self, **_):
        from steppe.transfer.services import listings_expire_due

        self.stdout.write(f"expired {listings_expire_due()} records")

    def handle_query(self, *, text, kind=None, k=10, **_):
        from steppe.transfer.matching import Filters
        from steppe.transfer.search import get_index

        index = get_index()
        if index is None:
            raise CommandError(
                "检索索引正在建立（任务 transfer.reindex），或运行 steppe match reindex"
                " The search index is being built (job transfer.reindex); or run `steppe match reindex`"
            )
        result = index.search(text, k=k, filters=Filters(kind=kind) if kind else None)
        self.stdout.write(f"field: {result.field or '-'} ({result.field_source or 'none'})")
        for m in result.matches:
            self.stdout.write(f"{m.rank:>2}. {m.id}  {m.score:.3f}  {m.explain()}")
        sys.stdout.flush()


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)

"""Supply-demand matching: a plain package (no Django), tested and benchmarked on its own.

    from steppe.transfer.matching import Document, Filters, MatchIndex
    index = MatchIndex()
    index.build([Document(id="a1", text="...", field="材料科学与工程", region="150200")])
    result = index.search("稀土永磁材料", k=10, filters=Filters(region="150000"))
    result.field, [(m.id, m.explain()) for m in result.matches]

See docs/matching.md for the method and the measured figures.
"""

from .evaluate import evaluate, load_jsonl
from .highlight import highlight
from .index import Document, Filters, Match, MatchIndex, SearchResult

__all__ = [
    "Document",
    "Filters",
    "Match",
    "MatchIndex",
    "SearchResult",
    "evaluate",
    "highlight",
    "load_jsonl",
]

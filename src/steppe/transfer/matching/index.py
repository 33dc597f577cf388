"""An incremental BM25 index with field-aware re-ranking.

Layout
------
- The *main* segment is a bm25s index built over every live document at the last
  compaction.
- The *delta* segment holds documents added since then, in a small inverted index scored in
  Python with the same BM25 formula (Lucene idf, Robertson tf), using the main segment's
  average length and the combined document frequencies.
- Removing a document sets a tombstone (``alive[slot] = False``); nothing is rebuilt.
- ``compact()`` folds the delta into a fresh main segment and drops tombstones. It reuses the
  stored token ids, so it never re-tokenises; it runs by itself when the delta outgrows
  ``max(min_delta, delta_ratio * main)`` or tombstones pass ``tombstone_ratio``.
- ``save(folder)`` / ``MatchIndex.load(folder, mmap=True)`` write and read the whole index
  (delta and tombstones included); the BM25 matrix through bm25s's own save/load, memory-mapped.

Ranking
-------
1. BM25 scores over every live document that passes the filters.
2. The query's field: given by the caller (a demand's own field), or inferred by a weighted
   vote of the top ``vote_k`` hits' fields, weight ``(score / best score) ** 2``.
3. The BM25 best hit stays first (it is the exact answer most of the time: MRR@10 is that of
   BM25); the rest are ordered by ``score / best + field_boost * same_field``. With
   ``field_boost = 0.35`` a document of another field still outranks a same-field one when its
   lexical score is more than 0.35 of the best above it, so strong exact matches survive.

The module is plain Python + numpy + bm25s: no Django.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from steppe.core import regioncodes

from . import tokenize as tk

logging.getLogger("bm25s").setLevel(logging.WARNING)

K1 = 1.5
B = 0.75
FIELD_BOOST = 0.35
VOTE_K = 10
BIGRAM_BASE = 1 << 30  # token ids at or above this are character bigrams
SAVE_FORMAT = 1  # MatchIndex.save's layout; load refuses another


@dataclass(frozen=True, slots=True)
class Document:
    """One searchable record. ``region`` is a GB/T 2260 code; prices are in 万元."""

    id: str
    text: str
    title: str = ""
    field: str = ""
    region: str = ""
    readiness: int | None = None
    price_min: float | None = None
    price_max: float | None = None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Filters:
    """Hard filters. ``region`` matches the region and everything under it (a league code
    matches its counties, 150000 matches all of Inner Mongolia). ``max_price`` keeps documents
    whose lowest price is at most that; ``min_price`` those whose highest price is at least
    that; a document without a price passes price filters."""

    region: str | None = None
    field: str | None = None
    kind: str | None = None
    min_readiness: int | None = None
    max_readiness: int | None = None
    min_price: float | None = None
    max_price: float | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f) in (None, "") for f in self.__slots__)


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    rank: int
    score: float
    field: str
    same_field: bool
    shared_terms: tuple[str, ...]
    region: str
    readiness: int | None
    kind: str

    def explain(self) -> str:
        """A one-line reason in Simplified Chinese."""
        parts = []
        if self.shared_terms:
            parts.append("共同词：" + "、".join(self.shared_terms[:8]))
        if self.field:
            parts.append(("同领域：" if self.same_field else "领域：") + self.field)
        if self.region:
            parts.append("地区：" + self.region)
        if self.readiness is not None:
            parts.append(f"成熟度：TRL {self.readiness}")
        return "；".join(parts) if parts else "无共同词"


@dataclass(slots=True)
class SearchResult:
    matches: list[Match]
    field: str = ""
    field_source: str = ""  # "given", "inferred" or "" (none)
    field_confidence: float = 0.0
    query_terms: list[str] = dataclasses.field(default_factory=list)
    # "index"; a caller without an index says what it answered instead ("database": a plain
    # database query, "pending": nothing yet)
    source: str = "index"

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.matches]


_region_prefix = regioncodes.prefix_of  # '150000' -> '15', '150200' -> '1502'
_region_keys = regioncodes.hierarchy_keys


class MatchIndex:
    """Thread-safe incremental index of :class:`Document` objects."""

    def __init__(
        self,
        *,
        k1: float = K1,
        b: float = B,
        field_boost: float = FIELD_BOOST,
        vote_k: int = VOTE_K,
        min_delta: int = 2000,
        delta_ratio: float = 0.2,
        tombstone_ratio: float = 0.25,
    ):
        self.k1, self.b = k1, b
        self.field_boost, self.vote_k = field_boost, vote_k
        self.min_delta, self.delta_ratio, self.tombstone_ratio = min_delta, delta_ratio, tombstone_ratio
        self._lock = threading.RLock()
        self._vocab: dict[str, int] = {}  # word -> id (0, 1, ...: insertion order)
        self._terms: list[str] = []  # id -> word, synced lazily from _vocab
        self._bigram_vocab: dict[int, int] = {}  # bigram key -> n; its token id is BIGRAM_BASE + n
        self._field_codes: dict[str, int] = {"": 0}
        self._kind_codes: dict[str, int] = {"": 0}
        self._reset_segments()

    # ------------------------------------------------------------------ state
    def _reset_segments(self) -> None:
        self._docs: list[Document] = []
        self._tok: list[np.ndarray] = []
        self._slot: dict[str, int] = {}
        self._alive = np.zeros(0, dtype=bool)
        self._fieldc = np.zeros(0, dtype=np.int32)
        self._kindc = np.zeros(0, dtype=np.int16)
        self._reg = np.zeros((0, 3), dtype=np.int64)
        self._trl = np.zeros(0, dtype=np.float32)
        self._pmin = np.zeros(0, dtype=np.float64)
        self._pmax = np.zeros(0, dtype=np.float64)
        self._main = None  # bm25s.BM25 over slots [0, n_main)
        self._n_main = 0
        self._main_words = 0  # word ids below this have a column in the main matrix
        self._main_bigrams = 0  # bigram numbers below this have column _main_words + n
        self._main_df = np.zeros(0, dtype=np.int64)
        self._avgdl = 1.0
        self._postings: dict[int, list[tuple[int, int]]] = {}
        self._delta_df: Counter[int] = Counter()
        self._dead_main = 0

    def __len__(self) -> int:
        return int(self._alive.sum())

    def __contains__(self, doc_id: str) -> bool:
        slot = self._slot.get(doc_id)
        return slot is not None and bool(self._alive[slot])

    @property
    def delta_size(self) -> int:
        return len(self._docs) - self._n_main

    @property
    def tombstones(self) -> int:
        return int((~self._alive).sum())

    def get(self, doc_id: str) -> Document | None:
        slot = self._slot.get(doc_id)
        return self._docs[slot] if slot is not None and self._alive[slot] else None

    # ------------------------------------------------------------------ building
    def _encode(self, texts: Sequence[str], word_lists: Sequence[list[str]]) -> list[np.ndarray]:
        """Token ids per text, growing the vocabularies: word ids, then bigram ids
        (``BIGRAM_BASE + n``, mapped for the whole batch at once with numpy)."""
        vocab = self._vocab  # ids are insertion order, so self._terms == list(vocab) once synced
        word_ids = [
            np.array([vocab.setdefault(w, len(vocab)) for w in ws], dtype=np.int32) for ws in word_lists
        ]
        keys, owner = tk.bigram_keys(texts)
        if not len(keys):
            return word_ids
        uniq, inverse = np.unique(keys, return_inverse=True)
        bv = self._bigram_vocab
        numbers = np.fromiter(
            (bv.setdefault(k, len(bv)) for k in uniq.tolist()), dtype=np.int64, count=len(uniq)
        )
        ids = (numbers[inverse] + BIGRAM_BASE).astype(np.int32)
        cuts = np.cumsum(np.bincount(owner, minlength=len(texts)))[:-1]
        return [np.concatenate([w, b]) for w, b in zip(word_ids, np.split(ids, cuts), strict=True)]

    def _query_ids(self, text: str, words: list[str]) -> np.ndarray:
        """Ids of the query's known tokens (duplicates kept, as BM25 sums per query token)."""
        ids = [self._vocab[w] for w in words if w in self._vocab]
        keys, _ = tk.bigram_keys([text])
        bv = self._bigram_vocab
        ids += [BIGRAM_BASE + bv[k] for k in keys.tolist() if k in bv]
        return np.array(ids, dtype=np.int64)

    def _columns(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Main-matrix columns of token ids, and which ids have one."""
        ids = np.asarray(ids, dtype=np.int64)
        bigram = ids >= BIGRAM_BASE
        n = ids - BIGRAM_BASE
        cols = np.where(bigram, n + self._main_words, ids)
        ok = np.where(bigram, n < self._main_bigrams, ids < self._main_words)
        return cols, ok

    def _sync_terms(self) -> list[str]:
        if len(self._terms) < len(self._vocab):
            self._terms.extend(itertools.islice(iter(self._vocab), len(self._terms), None))
        return self._terms

    def _code(self, table: dict[str, int], value: str) -> int:
        value = value or ""
        if value not in table:
            table[value] = len(table)
        return table[value]

    def _append(self, docs: Sequence[Document], encoded: Sequence[np.ndarray]) -> range:
        start = len(self._docs)
        for d, ids in zip(docs, encoded, strict=True):
            self._slot[d.id] = len(self._docs)
            self._docs.append(d)
            self._tok.append(ids)
        n = len(docs)
        nan = float("nan")
        self._alive = np.concatenate([self._alive, np.ones(n, dtype=bool)])
        self._fieldc = np.concatenate(
            [self._fieldc, np.array([self._code(self._field_codes, d.field) for d in docs], dtype=np.int32)]
        )
        self._kindc = np.concatenate(
            [self._kindc, np.array([self._code(self._kind_codes, d.kind) for d in docs], dtype=np.int16)]
        )
        self._reg = np.concatenate(
            [self._reg, np.array([_region_keys(d.region) for d in docs], dtype=np.int64).reshape(n, 3)]
        )
        self._trl = np.concatenate(
            [self._trl, np.array([nan if d.readiness is None else d.readiness for d in docs], np.float32)]
        )
        self._pmin = np.concatenate(
            [self._pmin, np.array([nan if d.price_min is None else d.price_min for d in docs], np.float64)]
        )
        self._pmax = np.concatenate(
            [self._pmax, np.array([nan if d.price_max is None else d.price_max for d in docs], np.float64)]
        )
        return range(start, start + n)

    def build(self, docs: Iterable[Document]) -> None:
        """Replace the whole index with ``docs``."""
        docs = list(docs)
        _check_unique(docs)
        texts = [_doc_text(d) for d in docs]
        word_lists = [tk.words(t) for t in texts]
        with self._lock:
            self._vocab, self._terms, self._bigram_vocab = {}, [], {}
            self._reset_segments()
            self._append(docs, self._encode(texts, word_lists))
            self._build_main()

    def _build_main(self) -> None:
        """(Re)build the main segment over every slot; the caller has dropped dead slots.

        The BM25 matrix is computed here with numpy (one sort of (term, doc) keys) in the
        exact layout bm25s builds with its per-document Python loop (CSC by term, Lucene idf,
        Robertson tf part), then handed to a ``bm25s.BM25`` that scores the queries. At
        100,000 documents this takes a few seconds where ``BM25.index`` takes ~25 s.
        """
        import bm25s

        n = len(self._docs)
        self._n_main = n
        self._postings, self._delta_df = {}, Counter()
        self._dead_main = 0
        self._main_words, self._main_bigrams = len(self._sync_terms()), len(self._bigram_vocab)
        n_vocab = self._main_words + self._main_bigrams
        lengths = np.fromiter((len(t) for t in self._tok), dtype=np.int64, count=n)
        if n == 0 or n_vocab == 0 or not lengths.sum():
            self._main, self._main_df = None, np.zeros(n_vocab, dtype=np.int64)
            self._avgdl = float(lengths.mean()) if n and lengths.sum() else 1.0
            return
        self._avgdl = avgdl = float(lengths.mean()) or 1.0
        flat, _ = self._columns(np.concatenate(self._tok))
        docs = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys, tf = np.unique(flat * n + docs, return_counts=True)  # sorted by term, then doc
        term, doc = keys // n, keys % n
        df = np.bincount(term, minlength=n_vocab)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        norm = self.k1 * (1 - self.b + self.b * lengths[doc] / avgdl)
        data = (idf[term] * tf / (tf + norm)).astype(np.float32)
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        retriever = bm25s.BM25(k1=self.k1, b=self.b, method="lucene", idf_method="lucene")
        retriever.scores = {"data": data, "indices": doc.astype(np.int32), "indptr": indptr, "num_docs": n}
        retriever.vocab_dict = {}  # queries are scored by column (get_scores_from_ids)
        retriever.unique_token_ids_set = set()
        retriever.nonoccurrence_array = None
        self._main = retriever
        self._main_df = df

    def add(self, docs: Iterable[Document] | Document) -> None:
        """Add or replace documents without a rebuild (they go to the delta segment)."""
        if isinstance(docs, Document):
            docs = [docs]
        docs = list(docs)
        if not docs:
            return
        _check_unique(docs)
        texts = [_doc_text(d) for d in docs]
        word_lists = [tk.words(t) for t in texts]
        with self._lock:
            self._remove_ids([d.id for d in docs], missing_ok=True)
            slots = self._append(docs, self._encode(texts, word_lists))
            for slot in slots:
                counts = Counter(self._tok[slot].tolist())
                for tid, tf in counts.items():
                    self._postings.setdefault(tid, []).append((slot, tf))
                    self._delta_df[tid] += 1
            self._maybe_compact()

    def remove(self, doc_ids: Iterable[str] | str, *, missing_ok: bool = True) -> int:
        """Tombstone documents; returns how many were live."""
        if isinstance(doc_ids, str):
            doc_ids = [doc_ids]
        with self._lock:
            n = self._remove_ids(list(doc_ids), missing_ok=missing_ok)
            self._maybe_compact()
            return n

    def _remove_ids(self, doc_ids: list[str], *, missing_ok: bool) -> int:
        n = 0
        for doc_id in doc_ids:
            slot = self._slot.get(doc_id)
            if slot is None or not self._alive[slot]:
                if not missing_ok:
                    raise KeyError(doc_id)
                continue
            self._alive[slot] = False
            del self._slot[doc_id]
            n += 1
            if slot < self._n_main:
                self._dead_main += 1
            else:
                for tid in set(self._tok[slot].tolist()):
                    self._delta_df[tid] -= 1
        return n

    def _maybe_compact(self) -> None:
        if self.delta_size > max(self.min_delta, self.delta_ratio * self._n_main) or (
            self._n_main and self._dead_main > self.tombstone_ratio * self._n_main
        ):
            self.compact()

    def compact(self) -> None:
        """Fold the delta into the main segment and drop tombstoned documents."""
        with self._lock:
            keep = np.flatnonzero(self._alive)
            docs = [self._docs[i] for i in keep]
            toks = [self._tok[i] for i in keep]
            attrs = (self._fieldc, self._kindc, self._reg, self._trl, self._pmin, self._pmax)
            self._reset_segments()
            self._docs, self._tok = docs, toks
            self._slot = {d.id: i for i, d in enumerate(docs)}
            self._alive = np.ones(len(docs), dtype=bool)
            self._fieldc, self._kindc, self._reg = attrs[0][keep], attrs[1][keep], attrs[2][keep]
            self._trl, self._pmin, self._pmax = attrs[3][keep], attrs[4][keep], attrs[5][keep]
            self._build_main()

    # ------------------------------------------------------------------ saving and loading
    def save(self, path) -> None:
        """Write the whole index to the folder ``path`` (created; it must not exist yet).

        The main segment's BM25 matrix goes through bm25s's own ``save`` (``.npy`` arrays that
        :meth:`load` memory-maps, so every process on the machine shares one copy in the page
        cache); token ids, per-document attributes and vocabularies are ``.npy``/JSON beside it.
        The delta segment and tombstones are kept as they are (no compaction needed to save).
        Document texts are not kept: ranking never reads them once tokenised.
        """
        import json
        from pathlib import Path

        with self._lock:
            path = Path(path)
            path.mkdir(parents=True)
            n = len(self._docs)
            if self._main is not None:
                self._main.save(path / "bm25", show_progress=False)
            lengths = np.fromiter((len(t) for t in self._tok), dtype=np.int64, count=n)
            flat = np.concatenate(self._tok).astype(np.int32) if n else np.zeros(0, np.int32)
            arrays: dict[str, np.ndarray] = {
                "tokens": flat, "lengths": lengths, "alive": self._alive, "fieldc": self._fieldc,
                "kindc": self._kindc, "reg": self._reg, "trl": self._trl, "pmin": self._pmin,
                "pmax": self._pmax, "main_df": self._main_df,
                "bigrams": np.fromiter(self._bigram_vocab, dtype=np.int64, count=len(self._bigram_vocab)),
            }  # fmt: skip
            for name, array in arrays.items():
                np.save(path / f"{name}.npy", array, allow_pickle=False)
            meta = {
                "format": SAVE_FORMAT,
                "params": {"k1": self.k1, "b": self.b, "field_boost": self.field_boost, "vote_k": self.vote_k},
                "n_main": self._n_main, "main_words": self._main_words, "main_bigrams": self._main_bigrams,
                "avgdl": self._avgdl, "fields": list(self._field_codes), "kinds": list(self._kind_codes),
                "ids": [d.id for d in self._docs], "regions": [d.region for d in self._docs],
                "words": self._sync_terms(),
            }  # fmt: skip
            (path / "index.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path, *, mmap: bool = True, **options) -> MatchIndex:
        """An index written by :meth:`save`. With ``mmap`` the BM25 matrix and the token ids are
        memory-mapped read-only (shared between processes); what changes (tombstones, the delta
        segment) lives in this process. ``options`` are the constructor's compaction settings;
        the ranking parameters are the saved ones. A folder of another format is refused
        (ValueError), never half read."""
        import json
        from pathlib import Path

        import bm25s

        path = Path(path)
        meta = json.loads((path / "index.json").read_text(encoding="utf-8"))
        if meta.get("format") != SAVE_FORMAT:
            raise ValueError(f"{path}: index format {meta.get('format')!r}, this code reads {SAVE_FORMAT}")
        index = cls(**meta["params"], **options)

        def arr(name, mapped=False):
            return np.load(path / f"{name}.npy", mmap_mode="r" if mapped and mmap else None, allow_pickle=False)

        index._vocab = dict(zip(meta["words"], range(len(meta["words"])), strict=True))
        index._terms = list(meta["words"])
        index._bigram_vocab = dict(zip(arr("bigrams").tolist(), itertools.count()))
        index._field_codes = {name: i for i, name in enumerate(meta["fields"])}
        index._kind_codes = {name: i for i, name in enumerate(meta["kinds"])}
        lengths = arr("lengths")
        tokens = arr("tokens", mapped=True).view(np.ndarray)  # a plain view: slicing a memmap is slow
        ends = np.cumsum(lengths).tolist()
        index._tok = [tokens[a:b] for a, b in zip([0, *ends][: len(ends)], ends, strict=True)]
        index._alive = arr("alive").copy()
        index._fieldc, index._kindc, index._reg = arr("fieldc"), arr("kindc"), arr("reg")
        index._trl, index._pmin, index._pmax = arr("trl"), arr("pmin"), arr("pmax")
        index._main_df = arr("main_df")
        index._n_main, index._avgdl = meta["n_main"], meta["avgdl"]
        index._main_words, index._main_bigrams = meta["main_words"], meta["main_bigrams"]
        if (path / "bm25").exists():
            main = bm25s.BM25.load(path / "bm25", mmap=mmap, load_vocab=False, show_progress=False)
            main.unique_token_ids_set, main.nonoccurrence_array = set(), None
            index._main = main
        field_names, kind_names = meta["fields"], meta["kinds"]
        columns = zip(meta["ids"], meta["regions"], index._fieldc.tolist(), index._kindc.tolist(),
                      index._trl.tolist(), index._pmin.tolist(), index._pmax.tolist(), strict=True)  # fmt: skip
        index._docs = [
            Document(
                id=doc_id, text="", field=field_names[fc], region=region, kind=kind_names[kc],
                readiness=None if trl != trl else int(trl),  # NaN (no readiness) is not equal to itself
                price_min=None if pmin != pmin else pmin, price_max=None if pmax != pmax else pmax,
            )
            for doc_id, region, fc, kc, trl, pmin, pmax in columns
        ]  # fmt: skip
        docs = index._docs
        index._slot = {d.id: i for i, d in enumerate(docs) if index._alive[i]}
        index._dead_main = int((~index._alive[: index._n_main]).sum())
        for slot in range(index._n_main, len(docs)):  # the delta segment's postings, from its token ids
            if index._alive[slot]:
                for tid, tf in Counter(index._tok[slot].tolist()).items():
                    index._postings.setdefault(tid, []).append((slot, tf))
                    index._delta_df[tid] += 1
        return index

    # ------------------------------------------------------------------ searching
    def _scores(self, query_ids: np.ndarray) -> np.ndarray:
        n = len(self._docs)
        scores = np.zeros(n, dtype=np.float64)
        if not len(query_ids):
            return scores
        cols, in_main = self._columns(query_ids)
        if self._main is not None and in_main.any():
            scores[: self._n_main] = self._main.get_scores_from_ids(cols[in_main].tolist())
        if self.delta_size:
            n_live = max(1, len(self))
            k1, b, avgdl = self.k1, self.b, self._avgdl
            for tid, col, ok in zip(query_ids.tolist(), cols.tolist(), in_main.tolist(), strict=True):
                plist = self._postings.get(tid)
                if not plist:
                    continue
                df = self._delta_df[tid] + (int(self._main_df[col]) if ok else 0)
                idf = math.log(1 + (n_live - df + 0.5) / (df + 0.5))
                for slot, tf in plist:
                    dl = len(self._tok[slot])
                    scores[slot] += idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))
        return scores

    def _mask(self, filters: Filters | None) -> np.ndarray:
        mask = self._alive.copy()
        if filters is None or filters.is_empty():
            return mask
        if filters.region:
            prefix = _region_prefix(filters.region)
            col = {2: 0, 4: 1, 6: 2}.get(len(prefix))
            if col is None or not prefix.isdigit():
                raise ValueError(f"filters.region: not a GB/T 2260 code: {filters.region!r}")
            mask &= self._reg[:, col] == int(prefix)
        if filters.field:
            code = self._field_codes.get(filters.field)
            mask &= self._fieldc == (code if code is not None else -1)
        if filters.kind:
            code = self._kind_codes.get(filters.kind)
            mask &= self._kindc == (code if code is not None else -1)
        with np.errstate(invalid="ignore"):
            if filters.min_readiness is not None:
                mask &= ~(self._trl < filters.min_readiness)
            if filters.max_readiness is not None:
                mask &= ~(self._trl > filters.max_readiness)
            if filters.max_price is not None:
                mask &= ~(self._pmin > filters.max_price)
            if filters.min_price is not None:
                mask &= ~(self._pmax < filters.min_price)
        return mask

    def infer_field(self, scores: np.ndarray) -> tuple[str, float]:
        """Weighted vote of the top hits' fields: (field, share of the vote)."""
        pos = np.flatnonzero(scores > 0)
        if not len(pos):
            return "", 0.0
        k = min(self.vote_k, len(pos))
        top = pos[np.argpartition(-scores[pos], k - 1)[:k]]
        best = float(scores[top].max())
        votes: dict[int, float] = {}
        for slot in top.tolist():
            code = int(self._fieldc[slot])
            if code:
                votes[code] = votes.get(code, 0.0) + (float(scores[slot]) / best) ** 2
        if not votes:
            return "", 0.0
        code, weight = max(votes.items(), key=lambda kv: kv[1])
        names = {v: k for k, v in self._field_codes.items()}
        return names[code], weight / sum(votes.values())

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        field: str | None = None,
        exclude: Iterable[str] = (),
    ) -> SearchResult:
        """Rank live documents for ``query``.

        ``field``: the query's own field when known (e.g. a demand's); otherwise inferred.
        ``exclude``: ids never returned (e.g. the record the query comes from).
        Documents sharing no term (word or character pair) with the query are returned only
        as same-field fill-ins (score 0): after every same-field lexical match, but ahead of
        other-field matches whose score is below ``field_boost`` of the best one.
        """
        query = query or ""
        all_words = tk.words(query)
        q_words = list(dict.fromkeys(all_words))
        with self._lock:
            q_ids = self._query_ids(query, all_words)
            if not len(self._docs) or not len(q_ids):
                return SearchResult([], query_terms=q_words)
            raw = self._scores(q_ids)
            mask = self._mask(filters)
            for doc_id in exclude:
                slot = self._slot.get(doc_id)
                if slot is not None:
                    mask[slot] = False
            scores = np.where(mask, raw, -np.inf)
            top1 = int(np.argmax(scores))
            best = float(scores[top1])
            if not best > 0:
                return SearchResult([], query_terms=q_words)
            if field:
                f_name, f_source, f_conf = field, "given", 1.0
            else:
                f_name, f_conf = self.infer_field(scores)
                f_source = "inferred" if f_name else ""
            f_code = self._field_codes.get(f_name, -1) if f_name else -1
            candidates = _top(scores, k + 1)
            if f_code > 0:
                same = np.where(self._fieldc == f_code, scores, -np.inf)
                candidates = np.union1d(candidates, _top(same, k))
            # a lexical match, or a same-field fill-in; never an unrelated document
            keep = scores[candidates] > 0
            if f_code > 0:
                keep |= np.isfinite(scores[candidates]) & (self._fieldc[candidates] == f_code)
            candidates = candidates[keep]
            cand_scores = scores[candidates]
            fused = cand_scores / best
            if f_code > 0:
                fused = fused + self.field_boost * (self._fieldc[candidates] == f_code)
            fused[candidates == top1] = np.inf
            order = candidates[np.lexsort((-cand_scores, -fused))][:k]
            terms = self._sync_terms()
            q_word_ids = np.array([self._vocab[w] for w in q_words if w in self._vocab], dtype=np.int32)
            matches = []
            for rank, slot in enumerate(order.tolist(), start=1):
                d = self._docs[slot]
                shared = np.intersect1d(self._tok[slot], q_word_ids)
                shared_terms = tuple(sorted((terms[i] for i in shared.tolist()), key=q_words.index))
                matches.append(
                    Match(
                        id=d.id,
                        rank=rank,
                        score=round(float(scores[slot]), 4),
                        field=d.field,
                        same_field=bool(f_code > 0 and self._fieldc[slot] == f_code),
                        shared_terms=shared_terms,
                        region=d.region,
                        readiness=d.readiness,
                        kind=d.kind,
                    )
                )
            return SearchResult(matches, f_name, f_source, round(f_conf, 3), q_words)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    n = len(scores)
    if n <= k:
        return np.arange(n)
    return np.argpartition(-scores, k - 1)[:k]


def _doc_text(d: Document) -> str:
    return f"{d.title}\n{d.text}" if d.title else d.text


def _check_unique(docs: Sequence[Document]) -> None:
    seen: set[str] = set()
    for i, d in enumerate(docs):
        if not d.id:
            raise ValueError(f"documents[{i}].id: empty")
        if d.id in seen:
            raise ValueError(f"documents[{i}].id: duplicate {d.id!r}")
        seen.add(d.id)

"""Chinese tokenisation for matching: jieba words plus character bigrams.

A document becomes two kinds of token:

- words from jieba's precise mode (HMM off: faster, and the domain dictionary carries the
  new words that matter), lower-cased, without punctuation and stop words; these are what a
  result shows as "shared terms";
- character bigrams of every run of Han characters, prefixed with ``BIGRAM_PREFIX`` so they
  never collide with a word. They catch compounds that jieba splits differently in a short
  query and in a long abstract (measured: MRR@10 0.9867 -> 0.9891 on the development split).

The segmenter is jieba's algorithm and dictionary, run by jieba-rs (``rjieba``) when installed
(same cuts, ~12x faster: 100,000 abstracts in seconds instead of a minute) or by the pure-Python
``jieba`` otherwise. It is private to this module (``jieba.dt`` is left untouched) and loads
``data/domain_dict.txt`` shipped with the package. Nothing is downloaded.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
BIGRAM_PREFIX = "##"

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORDLIKE = re.compile(r"[0-9a-z\u4e00-\u9fff]")

_lock = threading.Lock()
_cut = None
_stopwords: frozenset[str] = frozenset()
ENGINE = ""


def _domain_words() -> list[tuple[str, int, str]]:
    out = []
    for n, line in enumerate(DOMAIN_DICT.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) > 3 or (len(parts) >= 2 and not parts[1].isdigit()):
            raise ValueError(f"{DOMAIN_DICT.name}:{n}: expected 'word [frequency [tag]]'")
        out.append((parts[0], int(parts[1]) if len(parts) > 1 else 0, parts[2] if len(parts) > 2 else "n"))
    return out


def _segmenter():
    """The jieba segmenter with the domain dictionary: jieba-rs (``rjieba``, ~12x faster,
    the same dictionary and the same cuts) when installed, else the pure-Python jieba."""
    global _cut, _stopwords, ENGINE
    if _cut is None:
        with _lock:
            if _cut is None:
                words = _domain_words()
                try:
                    import rjieba

                    seg = rjieba.Jieba()
                    for w, freq, tag in words:
                        seg.add_word(w, freq or None, tag)

                    def cut(text: str) -> list[str]:
                        return seg.cut(text, False)

                    engine = "rjieba"
                except ImportError:  # pragma: no cover - rjieba is a dependency
                    with warnings.catch_warnings():  # jieba 0.42 has invalid escapes in its regexes
                        warnings.simplefilter("ignore", SyntaxWarning)
                        import jieba

                    jieba.setLogLevel(logging.WARNING)
                    seg = jieba.Tokenizer()
                    seg.initialize()
                    for w, freq, tag in words:
                        seg.add_word(w, freq or None, tag)

                    def cut(text: str) -> list[str]:
                        return seg.lcut(text, HMM=False)

                    engine = "jieba"
                _stopwords = frozenset(
                    w.strip() for w in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines() if w.strip()
                )
                ENGINE = engine
                _cut = cut
    return _cut


def words(text: str) -> list[str]:
    """Meaningful jieba words of ``text`` (lower-cased, no punctuation, no stop words)."""
    cut = _segmenter()
    stop = _stopwords
    search = _WORDLIKE.search
    # jieba emits whitespace and punctuation as tokens of their own; isalnum() settles most words
    # in C, the regex only the rest (e.g. "c++", "5g-a")
    return [
        w
        for w in cut((text or "").lower())
        if w not in stop and (w.isalnum() or search(w)) and not w.isspace()
    ]


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _HAN_RUN.findall(text or ""):
        out.extend(BIGRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))
    return out


def tokens(text: str) -> list[str]:
    """All index tokens of ``text``: words then bigrams."""
    return words(text) + bigrams(text)


def is_word(token: str) -> bool:
    return not token.startswith(BIGRAM_PREFIX)


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    """Tokenise many texts (about 0.1 ms a 250-character abstract with rjieba)."""
    return [tokens(t) for t in texts]


BIGRAM_SHIFT = 21  # code points fit in 21 bits: a bigram's key is (first << 21) | second


def bigram_keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Character bigrams of Han runs for many texts at once, as integer keys.

    Returns ``(keys, owner)``: int64 keys ``(first << 21) | second`` in text order, and the index
    of the text each comes from. The same bigrams as :func:`bigrams`, without building a string
    per bigram (vectorised over the whole batch: ~0.1 s for 100,000 abstracts).
    """
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    joined = "\n".join(texts)  # the separator is not Han, so no bigram spans two texts
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    han = (cp >= 0x4E00) & (cp <= 0x9FFF)
    pair = np.flatnonzero(han[:-1] & han[1:])
    keys = (cp[pair] << BIGRAM_SHIFT) | cp[pair + 1]
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    owner = np.searchsorted(starts, pair, side="right") - 1
    return keys, owner


def bigram_text(key: int) -> str:
    return chr(key >> BIGRAM_SHIFT) + chr(key & ((1 << BIGRAM_SHIFT) - 1))

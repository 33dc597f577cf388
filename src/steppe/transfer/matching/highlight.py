"""Mark the shared terms of a result in its text, for pages (HTML-escaped)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable


def highlight(text: str, terms: Iterable[str], *, tag: str = "mark", limit: int | None = None) -> str:
    """Return ``text`` HTML-escaped with every occurrence of ``terms`` wrapped in ``<tag>``.

    Longer terms win over shorter ones that overlap them; matching ignores case.
    ``limit`` cuts the text to about that many characters around the first match.
    """
    text = text or ""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if limit and len(text) > limit:
        first = min((m.start() for t in terms if (m := re.search(re.escape(t), text, re.I))), default=0)
        start = max(0, first - limit // 4)
        text = (
            ("…" if start else "") + text[start : start + limit] + ("…" if start + limit < len(text) else "")
        )
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.I)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        out.append(f"<{tag}>{html.escape(m.group(0))}</{tag}>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)

"""Service messages are written "中文 English" so that the API and the command line speak to both
readers. A page speaks one language: `in_language` keeps the part for the active language.

Only a message of that exact shape is split: Chinese, then, after its last Chinese character, an
English sentence of at least two words starting with a capital letter. Anything else (a Chinese
message ending in a value such as "年份应为整数：Abc", an English text quoting a Chinese term) is
returned whole, so nothing a reader needs is ever cut.
"""

import re

from django.utils import translation

_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
_ENGLISH_START = re.compile(r"(?<![A-Za-z0-9_./-])[A-Z][A-Za-z]*[,:;]? [A-Za-z0-9]")


def split(text: str) -> tuple[str, str] | None:
    """("中文", "English") for a bilingual message; None for any other text. Lines after the first
    (a list of row errors, say) belong to both parts."""
    first, newline, rest = text.partition("\n")
    last = None
    for m in _CJK.finditer(first):
        last = m.end()
    if last is None or last == len(first):
        return None
    tail = first[last:]
    start = _ENGLISH_START.search(tail)
    if start is None:
        return None
    chinese = (first[:last] + tail[: start.start()]).rstrip(" ")
    english = tail[start.start():]
    return chinese + newline + rest, english + newline + rest


def in_language(text, language: str | None = None):
    """The part of a bilingual message for `language` (default: the active one); other values as they are."""
    if not isinstance(text, str):
        return text
    parts = split(text)
    if parts is None:
        return text
    language = language or translation.get_language() or "zh-hans"
    return parts[1] if language.startswith("en") else parts[0]


def local_title(obj) -> str:
    """A plan action's or measure's title in the page's language: its English title (``title_en``, from
    the plan file) on English pages when it has one, the Chinese title otherwise."""
    if obj is None:
        return ""
    title = getattr(obj, "title", "") or ""
    if (translation.get_language() or "").startswith("en"):
        return getattr(obj, "title_en", "") or translation.gettext(title)  # a plan without English titles
    return title

"""Which stored addresses may become links: http(s) only (never javascript:, data:, vbscript:...)."""

from __future__ import annotations

from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https"})
MSG_NOT_HTTP = "链接地址只能以 http:// 或 https:// 开头 Only http(s) addresses are accepted"


def is_web_url(value) -> bool:
    """True for an absolute http(s) URL with a host. Browsers ignore tabs and newlines inside a
    scheme ("java\\tscript:"), so any control character or space disqualifies the value."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or any(ord(c) < 33 or ord(c) == 127 for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


def web_url_or_empty(value) -> str:
    return value.strip() if is_web_url(value) else ""

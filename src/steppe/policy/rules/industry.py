"""GB/T 4754-2017 industry codes: map a code to its section letter and division number.

Accepted forms: "C1610", "C16", "1610", "16", "C" (a section letter alone).
"""

from __future__ import annotations

import re

# GB/T 4754-2017: section letter -> inclusive range of two-digit divisions.
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}

_CODE = re.compile(r"^([A-T])?(\d{2}(?:\d{1,2})?)?$")


class IndustryCodeError(ValueError):
    pass


def parse(code: str) -> tuple[str, int | None]:
    """Return (section letter, division or None). Raises IndustryCodeError for a malformed code."""
    text = str(code).strip().upper()
    m = _CODE.match(text)
    if not text or not m or (m.group(1) is None and m.group(2) is None):
        raise IndustryCodeError(f"not a GB/T 4754-2017 code: {code!r}")
    letter, digits = m.group(1), m.group(2)
    division = int(digits[:2]) if digits else None
    if division is not None:
        found = next((s for s, (lo, hi) in SECTIONS.items() if lo <= division <= hi), None)
        if found is None:
            raise IndustryCodeError(f"unknown GB/T 4754-2017 division in {code!r}")
        if letter and letter != found:
            raise IndustryCodeError(
                f"division {division:02d} belongs to section {found}, not {letter}: {code!r}"
            )
        letter = found
    return letter, division


def matches(code: str, entry: str) -> bool:
    """Whether an industry code falls under a list entry such as "F" or "C16" or "R90"."""
    section, division = parse(code)
    e_section, e_division = parse(entry)
    if section != e_section:
        return False
    return e_division is None or division == e_division


def share_of(income_by_industry: dict[str, float], entries: list[str]) -> float:
    """Sum of the amounts whose code falls under any entry."""
    return float(sum(v for k, v in income_by_industry.items() if any(matches(k, e) for e in entries)))

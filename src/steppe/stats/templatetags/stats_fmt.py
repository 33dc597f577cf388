"""``{{ value|num }}``: a statistic as a table shows it - no trailing zeros, counts without '.0',
computed values to a sensible precision; missing stays missing (never zero)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(v):
    if v is None or v == "":
        return "—"
    if isinstance(v, str):
        return v
    x = float(v) if isinstance(v, Decimal) else v
    if float(x).is_integer():
        return f"{int(x)}"
    if abs(x) >= 1:
        return f"{x:.4f}".rstrip("0").rstrip(".")
    return f"{x:.4g}"


@register.filter
def loc(obj):
    """``{{ region|loc }}``: a region's, indicator's or target's name in the page's language: the
    English name (``name_en``) on English pages when there is one, the Chinese name otherwise."""
    from steppe.stats.i18n import local_name

    return local_name(obj)

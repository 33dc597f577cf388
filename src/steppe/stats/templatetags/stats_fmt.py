"""``{{ value|num }}``: a statistic as a table shows it - no trailing zeros, counts without '.0',
computed values to a sensible precision; missing stays missing (never zero); a stored value no number
can be (NaN, ±Infinity: a hand edit) is marked invalid, as ``core.templatetags.numbers`` marks it."""

from decimal import Decimal

from django import template

from steppe.core.templatetags.numbers import invalid_mark, is_invalid

register = template.Library()


@register.filter
def num(v):
    if v is None or v == "":
        return "—"
    if isinstance(v, str):
        return v
    if is_invalid(v):
        return invalid_mark()
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


@register.filter
def reason(text):
    """``{{ cell.reason|reason }}``: why this value among several sources, in the page's language."""
    from steppe.stats.i18n import reason_text

    return reason_text(text)


@register.filter
def source(title):
    """``{{ cell.source_title|source }}``: the source, with the computed-value note in the page's language."""
    from steppe.stats.i18n import source_text

    return source_text(title)


@register.filter
def unit(u):
    """``{{ indicator.unit|unit }}``: a unit as a heading or column shows it, in the page's language."""
    from steppe.stats.i18n import english
    from steppe.stats.presentation import unit_en

    return unit_en(u or "").strip().removeprefix("×") if english() else u


@register.filter
def unit_after(u):
    """``{{ value }} {{ unit|unit_after }}``: a unit right after a figure (×100 million yuan in English)."""
    from steppe.stats.i18n import english
    from steppe.stats.presentation import unit_en

    return unit_en(u or "").strip() if english() else u


@register.filter
def figure(v, u=""):
    """``{{ value|figure:unit }}``: a figure with its unit in the page's language (251.3 亿元 reads
    "25.13 billion yuan" in English)."""
    from steppe.stats.attainment import fmt_figure, fmt_figure_en
    from steppe.stats.i18n import english

    if v is None or v == "":
        return "—"
    x = float(v)
    return fmt_figure_en(x, u) if english() else fmt_figure(x, u)


@register.filter
def indicators(codes):
    """``{{ c.missing|indicators }}``: indicator codes (a list, or one code) as their names in the
    page's language, never the bare codes (rd_expenditure); an unknown code stays as it is."""
    from django.utils.translation import gettext

    from steppe.stats.i18n import local_name
    from steppe.stats.models import Indicator

    codes = [codes] if isinstance(codes, str) else list(codes or [])
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    return gettext("、").join(local_name(found[c]) if c in found else c for c in codes)

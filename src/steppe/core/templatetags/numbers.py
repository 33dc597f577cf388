"""`{% load numbers %}` then `{{ value|number:2 }}`: a stored number for a page.

A finite number is shown as ``floatformat`` shows it (the argument is floatformat's). A value no
number can be (NaN, ±Infinity: a hand edit that got into PostgreSQL before the inputs refused it)
is shown marked as invalid ("无效数值", English "invalid value"), never as a bare "NaN";
`steppe data check` lists its row. Empty stays empty (``None`` gives "—").
"""

from __future__ import annotations

import math
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


def is_invalid(value) -> bool:
    """Whether ``value`` is a number that is not finite (NaN or ±Infinity)."""
    if isinstance(value, Decimal):
        return not value.is_finite()
    if isinstance(value, float):
        return not math.isfinite(value)
    return False


def invalid_mark() -> str:
    return format_html(
        '<span class="invalid-value" title="{}">{}</span>',
        gettext("数据库中的值不是有效数字，请运行 steppe data check 查看"),
        gettext("无效数值"),
    )


@register.filter
def number(value, arg=-1):
    """``floatformat(value, arg)``, or the invalid-value mark; "—" for an empty value."""
    if value is None or value == "":
        return "—"
    if is_invalid(value):
        return invalid_mark()
    return floatformat(value, arg)


@register.filter
def percent(value):
    """A share (0..1) as a whole percentage ("87%"), or the invalid-value mark; "—" for an empty value."""
    if value is None or value == "":
        return "—"
    if is_invalid(value):
        return invalid_mark()
    return f"{100 * float(value):.0f}%"

"""The page filters for stored numbers: a value no number can be (NaN, ±Infinity, read back from
PostgreSQL after a hand edit) is marked invalid in the page's language, never shown as "NaN"."""

from decimal import Decimal

import pytest
from django.utils import translation

from steppe.core.templatetags.numbers import number, percent
from steppe.stats.templatetags.stats_fmt import num

BAD = [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("value", BAD)
def test_a_non_finite_value_is_marked_invalid(value):
    for shown in (number(value, 2), percent(value), num(value)):
        assert "无效数值" in shown and 'class="invalid-value"' in shown
        assert "NaN" not in shown and "nan" not in shown
        assert "inf" not in shown.lower()


def test_in_english_it_reads_invalid_value():
    with translation.override("en"):
        assert "invalid value" in number(Decimal("NaN"), 2)
        assert "无效数值" not in number(Decimal("NaN"), 2)


def test_finite_values_are_formatted_as_before():
    assert number(Decimal("12.345"), 2) == "12.35"
    assert number(3.0, "-2") == "3"
    assert number(None) == "—"
    assert percent(0.876) == "88%"
    assert num(Decimal("12.50")) == "12.5"

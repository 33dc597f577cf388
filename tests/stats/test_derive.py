"""Derived indicators by formula, with unit care: no database."""

import csv
from pathlib import Path

import numpy as np
import pytest

from steppe.stats.derive import Formula, FormulaError, convert, evaluate, growth_formula, same_dimension

CSV = Path(__file__).resolve().parents[2] / "src/steppe/stats/data/nmg_sti_indicators.csv"


def _published(region, indicator, year):
    with CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["region"], row["indicator"], row["year"]) == (region, indicator, str(year)):
                return float(row["value"]), row["unit"]
    raise LookupError((region, indicator, year))


def test_2022_rd_intensity_follows_from_rd_expenditure_and_gdp():
    rd, rd_unit = _published("内蒙古自治区", "rd_expenditure", 2022)
    gdp, gdp_unit = _published("内蒙古自治区", "gdp", 2022)
    assert (rd, rd_unit, gdp_unit) == (209.5, "亿元", "亿元")
    got = evaluate(
        "rd_expenditure / gdp * 100",
        {"rd_expenditure": (np.array([rd]), rd_unit), "gdp": (np.array([gdp]), gdp_unit)},
        "%",
    )
    assert round(float(got[0]), 2) == 0.90
    published, _ = _published("内蒙古自治区", "rd_intensity", 2022)
    assert round(float(got[0]), 2) == published


def test_units_are_converted_before_computing():
    # R&D in 万元 (as the yearbook gives it) over GDP in 亿元
    got = evaluate(
        "rd / gdp * 100", {"rd": (np.array([2095000.0]), "万元"), "gdp": (np.array([23159.0]), "亿元")}, "%"
    )
    assert got[0] == pytest.approx(0.9046, abs=1e-4)
    assert convert(1900595, "万元", "亿元") == pytest.approx(190.0595)


def test_per_capita_with_compound_unit():
    got = evaluate(
        "rd / fte", {"rd": (np.array([161.07]), "亿元"), "fte": (np.array([27914.0]), "人年")}, "万元/人年"
    )
    assert got[0] == pytest.approx(57.7, abs=0.1)  # published 57.7万元 for 2020


def test_growth_uses_previous_year_and_missing_stays_missing():
    x = np.array([[100.0, 110.0, np.nan, 121.0]])
    got = evaluate(growth_formula("x"), {"x": (x, "亿元")}, "%")
    assert np.isnan(got[0, 0]) and got[0, 1] == pytest.approx(10.0)
    assert np.isnan(got[0, 2]) and np.isnan(got[0, 3])


def test_unit_clash_is_refused():
    with pytest.raises(FormulaError, match="cannot add"):
        evaluate("a + b", {"a": (np.ones(1), "亿元"), "b": (np.ones(1), "家")}, "亿元")
    with pytest.raises(FormulaError, match="unit '%'"):
        evaluate("a * 100", {"a": (np.ones(1), "亿元")}, "%")
    with pytest.raises(FormulaError, match="unknown unit"):
        evaluate("a", {"a": (np.ones(1), "斤")}, "斤")
    assert same_dimension("万元", "亿元") and not same_dimension("亿元", "%")


def test_only_arithmetic_is_allowed():
    for bad in ("__import__('os')", "a.b", "a ** 2", "lag(a, 2)", "'x'"):
        with pytest.raises(FormulaError):
            Formula.parse(bad)
    assert Formula.parse("a / lag(a) - 1").inputs == ("a",)


def test_division_by_zero_is_missing_not_infinite():
    got = evaluate("a / b * 100", {"a": (np.array([1.0]), "亿元"), "b": (np.array([0.0]), "亿元")}, "%")
    assert np.isnan(got[0])

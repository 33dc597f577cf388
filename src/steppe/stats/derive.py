"""Derived indicators: a formula over other indicators, with unit care. Pure numpy, no Django.

A formula is a small arithmetic expression over indicator codes, written as people write it::

    rd_intensity          = rd_expenditure / gdp * 100              (亿元 / 亿元 -> %)
    rd_expenditure_growth = (rd_expenditure / lag(rd_expenditure) - 1) * 100   (%)
    basic_research_share  = basic_research_expenditure / rd_expenditure * 100   (%)
    rd_expenditure_per_fte = rd_expenditure / rd_personnel_fte      (亿元 / 人年 -> 万元/人年)

Allowed: indicator codes, numbers, ``+ - * /``, parentheses, unary minus and ``lag(x)`` (the
previous year's value; arrays are region x year with years on the last axis). Every input is
converted to its dimension's base scale first (万元 and 亿元 are both money: 1亿元 = 10,000万元),
the result's dimension is checked against the output unit, then scaled to it. Adding money to
a count, or declaring '%' for a money result, raises ``FormulaError`` naming the problem.
'%' is a plain number already in percent (so a share is written ``a / b * 100``).
A missing input (NaN) gives a missing result, never zero.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from fractions import Fraction

import numpy as np


class FormulaError(ValueError):
    pass


# unit -> (dimension, scale to the dimension's base)
_UNITS: dict[str, tuple[str, float]] = {
    "元": ("money", 1.0),
    "万元": ("money", 1e4),
    "亿元": ("money", 1e8),
    "%": ("", 1.0),
    "": ("", 1.0),
    "倍": ("", 1.0),
    "个": ("count", 1.0),
    "家": ("count", 1.0),
    "项": ("count", 1.0),
    "户": ("count", 1.0),
    "件": ("count", 1.0),
    "人": ("person", 1.0),
    "万人": ("person", 1e4),
    "人年": ("person_year", 1.0),
    "rank": ("rank", 1.0),
    "位": ("rank", 1.0),
    "index": ("index", 1.0),
    "篇": ("count", 1.0),
    "吨标准煤": ("energy", 1000.0),
    "千克标准煤": ("energy", 1.0),
    "平方米": ("area", 1.0),
    "千平方米": ("area", 1000.0),
    "百户": ("count", 100.0),
}

Dim = dict[str, Fraction]


def parse_unit(unit: str) -> tuple[Dim, float]:
    """'万元/人年' -> ({'money': 1, 'person_year': -1}, 1e4)."""
    unit = (unit or "").strip()
    parts = unit.split("/")
    if len(parts) > 2:
        raise FormulaError(f"unit {unit!r}: at most one '/'")
    dim: Dim = {}
    scale = 1.0
    for sign, part in zip((1, -1), parts, strict=False):
        part = part.strip()
        if part not in _UNITS:
            raise FormulaError(f"unknown unit {part!r} (known: {', '.join(k for k in _UNITS if k)})")
        d, s = _UNITS[part]
        if d:
            dim[d] = dim.get(d, Fraction(0)) + sign
        scale = scale * s if sign > 0 else scale / s
    return {k: v for k, v in dim.items() if v}, scale


def known_unit(unit: str) -> bool:
    try:
        parse_unit(unit)
    except FormulaError:
        return False
    return True


def same_dimension(a: str, b: str) -> bool:
    """Whether a value in unit a can be converted to unit b (万元 <-> 亿元 yes, 亿元 <-> % no)."""
    return parse_unit(a)[0] == parse_unit(b)[0]


def convert(value, from_unit: str, to_unit: str):
    """Convert between units of one dimension (e.g. 1900595 万元 -> 190.0595 亿元)."""
    fd, fs = parse_unit(from_unit)
    td, ts = parse_unit(to_unit)
    if fd != td:
        raise FormulaError(f"cannot convert {from_unit!r} to {to_unit!r}: different kinds of quantity")
    return value * (fs / ts)


def _dim_str(d: Dim) -> str:
    return "*".join(f"{k}^{v}" if v != 1 else k for k, v in sorted(d.items())) or "number"


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.Expression
    inputs: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Formula:
        try:
            tree = ast.parse(text.replace("×", "*").replace("÷", "/"), mode="eval")
        except SyntaxError as e:
            raise FormulaError(f"formula {text!r}: {e.msg}") from None
        names: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if not (
                    isinstance(node.func, ast.Name)
                    and node.func.id == "lag"
                    and len(node.args) == 1
                    and not node.keywords
                ):
                    raise FormulaError(f"formula {text!r}: only lag(x) may be called")
            elif isinstance(node, ast.Name):
                if node.id != "lag" and node.id not in names:
                    names.append(node.id)
            elif isinstance(node, ast.Constant):
                if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                    raise FormulaError(f"formula {text!r}: only numbers may appear as constants")
            elif not isinstance(
                node,
                ast.Expression
                | ast.BinOp
                | ast.UnaryOp
                | ast.Add
                | ast.Sub
                | ast.Mult
                | ast.Div
                | ast.USub
                | ast.UAdd
                | ast.Load,
            ):
                raise FormulaError(f"formula {text!r}: {type(node).__name__} is not allowed")
        return cls(text=text, tree=tree, inputs=tuple(names))

    def dimension(self, units: dict[str, str]) -> Dim:
        """The dimension of the result given the inputs' units (raises on a unit clash)."""
        return self._eval(self.tree.body, {k: (None, u) for k, u in units.items()}, dims_only=True)[1]

    def evaluate(self, env: dict[str, tuple[np.ndarray, str]], out_unit: str) -> np.ndarray:
        """Evaluate over arrays (region x year; lag on the last axis) given as {code: (values, unit)}."""
        missing = [n for n in self.inputs if n not in env]
        if missing:
            raise FormulaError(f"formula {self.text!r}: no values for {', '.join(missing)}")
        val, dim = self._eval(self.tree.body, env, dims_only=False)
        odim, oscale = parse_unit(out_unit)
        if dim != odim:
            raise FormulaError(
                f"formula {self.text!r} gives {_dim_str(dim)} but the indicator's unit {out_unit!r} is {_dim_str(odim)}"
            )
        return np.asarray(val, dtype=np.float64) / oscale

    def check(self, units: dict[str, str], out_unit: str) -> None:
        dim = self.dimension(units)
        odim, _ = parse_unit(out_unit)
        if dim != odim:
            raise FormulaError(
                f"formula {self.text!r} gives {_dim_str(dim)} but the indicator's unit {out_unit!r} is {_dim_str(odim)}"
            )

    def _eval(self, node, env, *, dims_only: bool):
        if isinstance(node, ast.Constant):
            return (None if dims_only else float(node.value)), {}
        if isinstance(node, ast.Name):
            if node.id not in env:
                raise FormulaError(f"formula {self.text!r}: unknown indicator {node.id!r}")
            arr, unit = env[node.id]
            dim, scale = parse_unit(unit)
            if dims_only:
                return None, dim
            return np.asarray(arr, dtype=np.float64) * scale, dim
        if isinstance(node, ast.UnaryOp):
            v, d = self._eval(node.operand, env, dims_only=dims_only)
            return (v if dims_only or isinstance(node.op, ast.UAdd) else -v), d
        if isinstance(node, ast.Call):
            v, d = self._eval(node.args[0], env, dims_only=dims_only)
            if dims_only:
                return None, d
            v = np.asarray(v, dtype=np.float64)
            out = np.full(v.shape, np.nan)
            out[..., 1:] = v[..., :-1]
            return out, d
        if isinstance(node, ast.BinOp):
            lv, ld = self._eval(node.left, env, dims_only=dims_only)
            rv, rd = self._eval(node.right, env, dims_only=dims_only)
            if isinstance(node.op, ast.Add | ast.Sub):
                if ld != rd:
                    raise FormulaError(
                        f"formula {self.text!r}: cannot add or subtract {_dim_str(ld)} and {_dim_str(rd)}"
                    )
                if dims_only:
                    return None, ld
                return (lv + rv if isinstance(node.op, ast.Add) else lv - rv), ld
            sign = 1 if isinstance(node.op, ast.Mult) else -1
            dim = dict(ld)
            for k, e in rd.items():
                dim[k] = dim.get(k, Fraction(0)) + sign * e
            dim = {k: e for k, e in dim.items() if e}
            if dims_only:
                return None, dim
            if sign > 0:
                return lv * rv, dim
            with np.errstate(divide="ignore", invalid="ignore"):
                rv = np.asarray(rv, dtype=np.float64)
                return np.where(rv == 0, np.nan, lv / np.where(rv == 0, 1.0, rv)), dim
        raise FormulaError(f"formula {self.text!r}: unsupported expression")


def evaluate(formula: str, env: dict[str, tuple[np.ndarray, str]], out_unit: str) -> np.ndarray:
    return Formula.parse(formula).evaluate(env, out_unit)


def growth_formula(code: str) -> str:
    """The formula of the year-on-year growth rate (%) of an indicator."""
    return f"({code} / lag({code}) - 1) * 100"

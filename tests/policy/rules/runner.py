"""A small runner for OpenFisca-format YAML rule tests (name, period, input, output,
absolute_error_margin). Inputs and outputs are either a value (at the test period, or
ETERNITY for enterprise attributes) or a mapping {period: value}."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder

from steppe.policy.rules import system

HERE = Path(__file__).parent


def load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        for i, test in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            cases.append((f"{path.stem}:{i + 1}:{test['name']}", test))
    return cases


def _array(tbs, name, value):
    var = tbs.variables[name]
    if var.value_type.__name__ == "date":
        return np.array([str(value)], dtype="datetime64[D]")
    return np.array([value], dtype=var.dtype)


def run_case(test: dict) -> list[str]:
    """Return the list of mismatches (empty when the case passes)."""
    tbs = system()
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("enterprise", ["e"])
    sim = builder.build(tbs)
    period = str(test["period"])
    for name, value in (test.get("input") or {}).items():
        if name not in tbs.variables:
            raise KeyError(f"input.{name}: unknown variable")
        eternal = tbs.variables[name].definition_period == DateUnit.ETERNITY
        items = value.items() if isinstance(value, dict) else [("ETERNITY" if eternal else period, value)]
        for p, v in items:
            sim.set_input(name, str(p), _array(tbs, name, v))
    margin = float(test.get("absolute_error_margin", 1e-6))
    errors = []
    for name, expected in (test.get("output") or {}).items():
        items = expected.items() if isinstance(expected, dict) else [(period, expected)]
        for p, exp in items:
            got = sim.calculate(name, str(p))[0]
            if isinstance(exp, bool) or isinstance(got, np.bool_):
                ok = bool(got) == bool(exp)
            else:
                ok = abs(float(got) - float(exp)) <= margin
            if not ok:
                errors.append(f"output.{name}[{p}]: expected {exp}, got {got}")
    return errors

"""Runs every YAML case table in this folder (one pytest item per case)."""

import pytest

from .runner import load_cases, run_case

CASES = load_cases()


@pytest.mark.parametrize("test", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_case(test):
    errors = run_case(test)
    assert not errors, "\n".join(errors)


def test_there_are_many_cases():
    assert len(CASES) > 80

"""Figures as pages print them: a count computed by formula never shows a fractional tail, and a
value older than a target's baseline is not shown as its latest."""

from steppe.stats import attainment as att


def test_a_computed_count_prints_without_decimals():
    assert att.fmt_figure(1572.07) == "1,572"
    assert att.fmt_figure(3144.13, "家") == "3,144家"
    assert att.fmt_figure(0.93, "%") == "0.93%"


def test_a_value_before_the_baseline_is_stale_not_latest():
    spec = att.TargetSpec(code="T2", kind="level", target_year=2025, target_value=1.5, baseline_year=2022, unit="%")
    old = att.assess(spec, {2015: 1.44})
    assert old.status == att.NO_DATA and old.stale
    recent = att.assess(spec, {2022: 1.2})
    assert not recent.stale

"""Attainment of targets: pure functions, no database."""

import math

import numpy as np
import pytest

from steppe.stats.attainment import (
    ACCELERATION_NEEDED,
    ACHIEVED,
    DETERIORATING,
    LIMITED_PROGRESS,
    NO_DATA,
    ON_TRACK,
    STATUS_RULES,
    STATUSES,
    TargetSpec,
    assess,
    assess_many,
    describe_projection,
)

RD = {
    2015: 136.1,
    2016: 147.5,
    2017: 132.3,
    2018: 129.2,
    2019: 147.8,
    2020: 161.07,
    2021: 190.06,
    2022: 209.5,
    2023: 228.15,
}


def level(value=100.0, **kw):
    args = dict(
        code="T",
        kind="level",
        indicator="x",
        unit="亿元",
        target_year=2025,
        target_value=value,
        baseline_year=2022,
    )
    args.update(kw)
    return TargetSpec(**args)


def test_it_reports_latest_baseline_needed_and_gap():
    a = assess(level(375, kind="amount"), RD)
    assert (a.latest_year, a.latest_value) == (2023, 228.15)
    assert a.baseline_value == 209.5
    assert a.needed_value == 375
    assert a.gap == pytest.approx(146.85)


def test_required_growth_is_from_latest_year_and_observed_since_baseline():
    a = assess(level(375, kind="amount"), RD)
    assert a.required_growth == pytest.approx((375 / 228.15) ** 0.5 - 1)
    assert a.observed_growth == pytest.approx(228.15 / 209.5 - 1)
    assert a.ratio == pytest.approx(a.observed_growth / a.required_growth)
    assert a.status == LIMITED_PROGRESS  # ratio about 0.32


@pytest.mark.parametrize(
    "latest, expected",
    [
        (121.0, ACHIEVED),  # past the target
        (110.0, ON_TRACK),  # observed 10%/yr vs required ~4.9%/yr
        (106.0, ACCELERATION_NEEDED),  # observed 6% vs required ~6.8%: ratio ~0.88
        (101.0, LIMITED_PROGRESS),
        (95.0, DETERIORATING),
    ],
)
def test_bands_follow_the_ratio_of_observed_to_required_growth(latest, expected):
    a = assess(level(121.0, target_year=2025, baseline_year=2022), {2022: 100.0, 2023: latest})
    assert a.status == expected, (a.ratio, a.rule_zh)


def test_band_edges_at_95_and_60_percent():
    # required growth from 2024 to 2025 is needed/latest - 1; choose values to hit edges
    def status_for(ratio):
        observed = 0.10
        required = observed / ratio
        latest = 100 * (1 + observed)
        needed = latest * (1 + required)
        return assess(level(needed, target_year=2024, baseline_year=2022), {2022: 100.0, 2023: latest}).status

    assert status_for(0.951) == ON_TRACK
    assert status_for(0.949) == ACCELERATION_NEEDED
    assert status_for(0.601) == ACCELERATION_NEEDED
    assert status_for(0.599) == LIMITED_PROGRESS


def test_threshold_with_strict_comparison_needs_to_pass_not_equal():
    t = level(100, kind="threshold", comparison=">")
    assert assess(t, {2022: 90, 2025: 100}).status != ACHIEVED
    assert assess(t, {2022: 90, 2025: 100.5}).status == ACHIEVED
    assert assess(level(100, kind="amount"), {2022: 90, 2025: 100}).status == ACHIEVED


def test_doubling_is_measured_against_the_baseline_year_value():
    t = TargetSpec("HTE", "multiple", "high_tech_enterprises", "家", 2025, 2, 2022)
    a = assess(t, {2022: 1000, 2023: 1400, 2024: 2100})
    assert a.needed_value == 2000
    assert a.status == ACHIEVED
    assert "翻番" in a.rule_zh
    b = assess(t, {2022: 1000, 2023: 1200})
    assert b.needed_value == 2000
    assert b.required_growth == pytest.approx((2000 / 1200) ** 0.5 - 1)


def test_doubling_without_baseline_is_no_data_not_zero():
    t = TargetSpec("HTE", "multiple", "high_tech_enterprises", "家", 2025, 2, 2022)
    a = assess(t, {2025: 2002})
    assert a.status == NO_DATA
    assert "基期" in a.rule_zh


def test_given_baseline_value_is_used_when_statistics_lack_it():
    t = TargetSpec("HTE", "multiple", "high_tech_enterprises", "家", 2025, 2, 2022, baseline_value=1000)
    assert assess(t, {2025: 2002}).status == ACHIEVED


def test_average_growth_is_the_cagr_since_baseline_and_judged_in_the_target_year():
    t = TargetSpec("G", "avg_growth", "rd_expenditure", "亿元", 2025, 12, 2022, comparison=">")
    a = assess(t, RD)
    assert a.observed_growth == pytest.approx(228.15 / 209.5 - 1)
    assert a.needed_value == pytest.approx(209.5 * 1.12**3)
    assert a.status == ACCELERATION_NEEDED
    # 13% a year for three years: achieved once 2025 is in
    done = assess(t, {2022: 100, 2025: 100 * 1.13**3})
    assert done.status == ACHIEVED
    # 11% a year: not achieved at the deadline
    missed = assess(t, {2022: 100, 2025: 100 * 1.11**3})
    assert missed.status == LIMITED_PROGRESS
    # growing 20% but target year not in yet: on track, not achieved
    early = assess(t, {2022: 100, 2023: 120})
    assert early.status == ON_TRACK


def test_share_reads_as_a_level():
    t = TargetSpec("S", "share", "share_industrial_enterprises_with_rd", "%", 2025, 35, 2022, comparison=">")
    a = assess(t, {2022: 24.0, 2023: 32.4})
    assert a.status == ON_TRACK
    assert a.gap == pytest.approx(2.6)
    assert "个百分点" in a.rule_zh


def test_missing_baseline_year_falls_back_to_nearest_year_and_says_so():
    a = assess(level(100), {2020: 50, 2021: 55, 2023: 60})
    assert a.growth_start_year == 2021
    assert "以最接近的2021年为起点" in a.rule_zh


def test_no_observation_is_no_data():
    a = assess(level(100), {})
    assert a.status == NO_DATA
    assert a.latest_value is None
    assert "缺失不按零处理" in a.rule_zh


def test_a_single_year_cannot_be_scored():
    a = assess(level(100, baseline_year=2022), {2023: 60})
    assert a.status == NO_DATA
    assert "一个年份" in a.rule_zh


def test_lower_is_better_ranks():
    t = TargetSpec("R", "level", "rank", "rank", 2025, 15, 2022, direction=-1)
    assert assess(t, {2022: 25, 2023: 20}).status == ON_TRACK
    assert assess(t, {2022: 25, 2023: 27}).status == DETERIORATING
    assert assess(t, {2022: 25, 2024: 14}).status == ACHIEVED


def test_qualitative_targets_are_not_scored():
    t = TargetSpec("Q", "qualitative", statement="综合科技创新水平稳中有升")
    a = assess(t, {})
    assert a.status == NO_DATA
    assert "定性目标" in a.rule_zh


def test_as_of_ignores_later_years():
    a = assess(level(375, kind="amount"), RD, as_of=2022)
    assert a.latest_year == 2022


def test_projection_is_loglinear_with_interval_and_labelled_estimate():
    series = {y: 100 * 1.1 ** (y - 2015) for y in range(2015, 2024)}
    a = assess(level(300), series)
    p = a.projection
    assert p.value == pytest.approx(100 * 1.1**10, rel=1e-9)
    assert p.low == pytest.approx(p.value) and p.high == pytest.approx(p.value)  # perfect fit
    noisy = dict(series)
    noisy[2019] *= 1.1
    q = assess(level(300), noisy).projection
    assert q.low < q.value < q.high
    assert "估算" in describe_projection(a)
    assert a.as_dict()["projection"]["estimate"] is True


def test_projection_needs_two_years():
    assert assess(level(100), {2023: 60}).projection is None
    p = assess(level(100), {2022: 50, 2023: 60}).projection
    assert p.value == pytest.approx(60 * 1.2**2)
    assert p.low is None


def test_vectorised_matches_single():
    rng = np.random.default_rng(1)
    years = list(range(2011, 2026))
    vals = rng.uniform(50, 150, size=(40, len(years)))
    vals[rng.uniform(size=vals.shape) < 0.2] = np.nan
    specs = [level(float(rng.uniform(80, 200)), code=f"T{i}") for i in range(40)]
    many = assess_many(specs, years, vals, as_of=2023)
    for i in range(40):
        one = assess(
            specs[i],
            {y: (None if math.isnan(v) else v) for y, v in zip(years, vals[i], strict=True)},
            as_of=2023,
        )
        assert one.status == many[i].status
        assert (one.ratio is None and many[i].ratio is None) or one.ratio == pytest.approx(many[i].ratio)


def test_every_status_has_a_rule_in_both_languages():
    for s in STATUSES:
        zh, en = STATUS_RULES[s]
        assert zh and en


def test_bad_spec_is_refused_with_its_code():
    with pytest.raises(ValueError, match="T9"):
        TargetSpec("T9", "levels", "x", "%", 2025, 1.5, 2022)
    with pytest.raises(ValueError, match="comparison"):
        TargetSpec("T9", "level", "x", "%", 2025, 1.5, 2022, comparison="<")


def test_rule_wording_for_a_shared_out_total_and_a_ratio_near_a_band_edge():
    """A league's share of a regional total reads 达到基数的N倍 (not the ambiguous 翻N倍) and says
    it is not a plan target; 94.6% is written 94.6%, never rounded to the band edge 95%."""
    spec = TargetSpec(
        code="T3",
        kind="multiple",
        indicator="rd_expenditure",
        unit="亿元",
        target_year=2025,
        target_value=375 / 209.5,
        baseline_year=2022,
        statement="按全区目标同比例分解到盟市(规划未给盟市定目标,仅供对照)",
    )
    a = assess(spec, {2022: 44.1, 2023: 53.2}, as_of=2025)
    assert a.status == "acceleration_needed"
    assert "达到2022年基数的1.79倍" in a.rule_zh and "翻1.79倍" not in a.rule_zh
    assert "规划未给盟市定目标" in a.rule_zh
    assert "94.6%(60%—95%)" in a.rule_zh


def test_an_achieved_target_has_no_ratio():
    spec = TargetSpec(
        code="T6", kind="multiple", unit="家", target_year=2025, target_value=2, baseline_year=2022
    )
    a = assess(spec, {2022: 1589.17, 2024: 3391}, as_of=2025)
    assert a.status == "achieved" and a.required_growth < 0  # it may even fall and still meet it
    assert a.ratio is None  # not a negative ratio that reads like deterioration

"""The engine's steps, each on small data whose answer is known."""

import numpy as np
import pytest
from scipy import stats as sps

from steppe.evaluation import composite as C
from steppe.evaluation.framework import Dataset, FrameworkError, parse_framework


def small_framework(**over):
    raw = {
        "code": "t",
        "name": "t",
        "levels": ["Indicator", "Pillar", "Index"],
        "aggregates": [
            {"code": "I"},
            {"code": "P1", "parent": "I"},
            {"code": "P2", "parent": "I", "weight": 3},
        ],
        "indicators": [
            {"code": "a", "parent": "P1", "standard": 10, "goalposts": [0, 20], "target": 8},
            {"code": "b", "parent": "P1", "direction": -1, "standard": 2, "goalposts": [0, 10], "target": 1},
            {"code": "c", "parent": "P2"},
        ],
        "steps": [
            {"normalise": {"method": "minmax", "range": [0, 100]}},
            {"aggregate": {"method": "arithmetic"}},
        ],
    }
    raw.update(over)
    return parse_framework(raw)


def data(values, groups=None):
    values = np.array(values, dtype=float)
    units = [f"u{k}" for k in range(len(values))]
    return Dataset(units, units, ["a", "b", "c"], values, groups=groups or {})


def test_skew_and_kurtosis_are_the_bias_corrected_sample_moments():
    x = np.random.default_rng(3).lognormal(size=40)
    assert C.skew(x) == pytest.approx(sps.skew(x, bias=False))
    assert C.kurt(x) == pytest.approx(sps.kurtosis(x, bias=False))


def test_winsorisation_replaces_the_outlier_by_the_next_value():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    y, rows, ok = C.winsorise(x, 5, 2.0, 3.5)
    assert ok and rows == [9] and y[9] == 9 and (y[:9] == x[:9]).all()


def test_treatment_falls_back_to_log_when_winsorisation_is_not_enough():
    x = np.exp(np.linspace(0, 12, 30))  # one long tail: five points are not enough
    fw = parse_framework(
        {
            "code": "t",
            "name": "t",
            "levels": ["Indicator", "Pillar"],
            "aggregates": [{"code": "P"}],
            "indicators": [{"code": "a", "parent": "P"}],
            "steps": [{"normalise": {"method": "minmax"}}, {"aggregate": {}}],
        }
    )
    out, rep = C.treat(x[:, None], fw, winmax=1)
    assert rep[0].action == "log"
    assert out[:, 0] == pytest.approx(np.log(x - x.min() + 0.01 * (x.max() - x.min())))


def test_normalisations():
    fw = small_framework()
    full = [*fw.raw["indicators"][:2], {"code": "c", "parent": "P2", "standard": 5, "goalposts": [0, 10]}]
    fw = small_framework(indicators=full)
    x = data([[0, 1, 5], [5, 4, 6], [10, 3, 7], [20, 2, 9]]).values
    mm = C.normalise(x, fw, {"method": "minmax"})
    assert mm[:, 0].tolist() == [0, 25, 50, 100]
    assert mm[:, 1].tolist() == [100, 0, pytest.approx(100 / 3), pytest.approx(200 / 3)]  # lower is better
    z = C.normalise(x, fw, {"method": "zscore"})
    assert np.nanmean(z[:, 2]) == pytest.approx(0) and np.std(z[:, 2], ddof=1) == pytest.approx(1)
    st = C.normalise(x, fw, {"method": "standard"})
    assert st[:, 0].tolist() == [0, 50, 100, 100]  # value / 监测标准, capped at 100
    assert st[:, 1].tolist() == [100, 50, pytest.approx(200 / 3), 100]  # standard / value for lower-is-better
    gp = C.normalise(x, fw, {"method": "goalposts"})
    assert gp[:, 0].tolist() == [0, 25, 50, 100]
    rk = C.normalise(x, fw, {"method": "rank"})
    assert rk[:, 0].tolist() == [0, pytest.approx(100 / 3), pytest.approx(200 / 3), 100]


def test_a_normalisation_without_its_parameter_names_the_indicator():
    fw = small_framework()
    x = data([[0, 1, 5], [5, 4, 6]]).values
    with pytest.raises(FrameworkError, match="indicator c has no standard"):
        C.normalise(x, fw, {"method": "standard"})
    with pytest.raises(FrameworkError, match="indicator a has the same value"):
        C.normalise(np.array([[1.0, 1, 2], [1, 2, 3]]), fw, {"method": "minmax"})


def test_group_imputation_flags_every_filled_cell_and_refuses_an_empty_group():
    fw = small_framework()
    x = np.array([[1, 2, np.nan], [3, 4, 5], [np.nan, 6, 7], [9, 8, np.nan]])
    out, flags = C.impute(x, "group_mean", fw, ["A", "A", "B", "B"], "g")
    assert flags.sum() == 3 and out[0, 2] == 5 and out[2, 0] == 9 and out[3, 2] == 7
    x[1, 2] = np.nan
    with pytest.raises(FrameworkError, match="indicator c has no value in group g=A"):
        C.impute(x, "group_mean", fw, ["A", "A", "B", "B"], "g")


def test_missing_is_never_zero_without_imputation():
    fw = small_framework()
    res = C.build(fw, data([[0, 1, 5], [5, np.nan, 6], [10, 3, 7], [20, 2, 9]]))
    k = res.units.index("u1")
    assert res.missing[k, 1] and res.coverage[k] == pytest.approx(2 / 3)
    # P1 of u1 is the score of a alone, not the mean with a zero
    assert res.score("P1")[k] == pytest.approx(res.datasets["Normalised"][k, 0])


def test_aggregation_methods_and_per_level_choice():
    x = np.array([[[4.0, 1.0]]])
    member = np.ones((2, 1))
    w = np.array([1.0, 1.0])
    assert C.agg_batch(x, w, member, "arithmetic")[0, 0, 0] == pytest.approx(2.5)
    assert C.agg_batch(x, w, member, "geometric")[0, 0, 0] == pytest.approx(2.0)
    assert C.agg_batch(x, w, member, "harmonic")[0, 0, 0] == pytest.approx(1.6)
    fw = small_framework(
        steps=[
            {"normalise": {"method": "minmax", "range": [1, 100]}},
            {"aggregate": {"methods": {"Pillar": "geometric", "Index": "arithmetic"}}},
        ]
    )
    res = C.build(fw, data([[0, 1, 5], [5, 4, 6], [10, 3, 7], [20, 2, 9]]))
    n = res.datasets["Normalised"]
    assert res.score("P1") == pytest.approx(np.sqrt(n[:, 0] * n[:, 1]))
    assert res.index == pytest.approx((res.score("P1") + 3 * res.score("P2")) / 4)


def test_geometric_mean_of_a_zero_score_fails_loudly_naming_the_indicator():
    fw = small_framework(steps=[{"normalise": {"method": "minmax"}}, {"aggregate": {"method": "geometric"}}])
    with pytest.raises(FrameworkError, match=r"geometric mean .* needs positive scores; a is 0 for u0"):
        C.build(fw, data([[0, 1, 5], [5, 4, 6], [10, 3, 7], [20, 2, 9]]))


def test_pca_weights_favour_the_indicators_that_move_together():
    rng = np.random.default_rng(1)
    f = rng.normal(size=60)
    block = np.column_stack(
        [f + 0.1 * rng.normal(size=60), f + 0.1 * rng.normal(size=60), rng.normal(size=60)]
    )
    w = C.pca_weights(block, ["x", "y", "z"], "P")
    assert w.sum() == pytest.approx(1) and w[0] > 0.4 and w[1] > 0.4 and w[2] < 0.1
    block[3, 2] = np.nan
    with pytest.raises(FrameworkError, match="PCA for P needs complete data; missing in z"):
        C.pca_weights(block, ["x", "y", "z"], "P")


def test_screening_removes_units_below_the_availability_threshold():
    fw = small_framework(
        steps=[{"screen": {"min_availability": 0.9}}, {"normalise": {"method": "minmax"}}, {"aggregate": {}}]
    )
    res = C.build(fw, data([[0, 1, 5], [5, np.nan, 6], [10, 3, 7], [20, 2, 9]]))
    assert res.units == ["u0", "u2", "u3"]
    assert res.screened_out == [("u1", pytest.approx(2 / 3))]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"indicators": [{"code": "a", "parent": "Nope"}]}, r"indicators\[0\].parent: parent 'Nope'"),
        ({"indicators": [{"code": "a", "parent": "P1", "direction": 2}]}, r"indicators\[0\].direction"),
        (
            {"indicators": [{"code": "a", "parent": "P1", "colour": 1}]},
            r"indicators\[0\]: unknown key\(s\): colour",
        ),
        (
            {"steps": [{"normalise": {"method": "cube"}}, {"aggregate": {}}]},
            r"steps\[0\].normalise: method must be",
        ),
        (
            {
                "steps": [
                    {"normalise": {"method": "minmax"}},
                    {"aggregate": {"methods": {"Nope": "geometric"}}},
                ]
            },
            "not an aggregate level",
        ),
        (
            {"steps": [{"impute": {"method": "group_mean"}}]},
            r"steps\[0\].impute: method group_mean needs `group`",
        ),
    ],
)
def test_framework_errors_name_the_yaml_path(change, message):
    with pytest.raises(FrameworkError, match=message):
        small_framework(**change)

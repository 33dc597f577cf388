"""Monte Carlo rank intervals, sensitivity indices and what moves a unit's rank."""

import numpy as np
import pytest

from steppe.evaluation.composite import build
from steppe.evaluation.framework import FrameworkError, builtin_frameworks, load_dataset, load_framework
from steppe.evaluation.uncertainty import monte_carlo, rank_movers, rank_rows


@pytest.fixture(scope="module")
def asem():
    fw = load_framework(builtin_frameworks()["asem-coinr-example"])
    ds = load_dataset(fw)
    return fw, ds, build(fw, ds)


def test_rank_rows_gives_ties_the_best_rank():
    assert rank_rows(np.array([[3.0, 1, 3, 2]])).tolist() == [[1, 4, 1, 3]]


def test_same_seed_same_intervals_and_intervals_hold_the_median(asem):
    fw, ds, res = asem
    a = monte_carlo(fw, ds, 300, seed=7, nominal=res)
    b = monte_carlo(fw, ds, 300, seed=7, nominal=res)
    assert np.array_equal(a.ranks, b.ranks)
    assert a.n_runs == 300 // 6 * 6 and a.factors == ["weights", "normalise", "impute", "aggregate"]
    assert (a.rank_lo <= a.rank_median).all() and (a.rank_median <= a.rank_hi).all()
    # the leader stays near the top; the intervals are not all degenerate
    che = res.units.index("CHE")
    assert a.rank_hi[che] <= 3 and (a.rank_hi - a.rank_lo).max() >= 3


def test_a_factor_with_no_effect_has_no_sensitivity(asem):
    fw, ds, res = asem
    # the imputation alternatives here differ little; the aggregation choice dominates
    mc = monte_carlo(fw, ds, 1200, seed=2, nominal=res)
    assert mc.total["impute"] < 0.1 < mc.total["aggregate"]
    assert all(mc.total[f] >= -0.05 for f in mc.factors)


def test_only_the_weights_vary_when_nothing_else_is_listed(asem):
    fw, ds, res = asem
    only_w = fw.__class__(**{**fw.__dict__, "uncertainty": {"weights_noise": 0.25}})
    mc = monte_carlo(only_w, ds, 90, seed=1, nominal=res)
    assert mc.factors == ["weights"]
    assert mc.total["weights"] == pytest.approx(1.0, abs=0.35)


def test_geometric_alternative_refuses_zero_scores_naming_the_option(asem):
    fw, ds, res = asem
    bad = fw.__class__(
        **{
            **fw.__dict__,
            "uncertainty": {
                "normalise": [{"method": "minmax", "range": [0, 100]}],
                "aggregate": ["arithmetic", "geometric"],
            },
        }
    )
    with pytest.raises(
        FrameworkError, match=r"geometric aggregation needs positive scores, but normalise option 1"
    ):
        monte_carlo(bad, ds, 50, nominal=res)


def test_rank_movers_are_the_heaviest_indicators_with_room_to_grow(asem):
    fw, ds, res = asem
    movers = rank_movers(res, step=10)
    ind = movers["IND"]
    assert ind and ind[0].index_gain > 0
    # all else equal, +10 points on an indicator moves the index by 10 × its effective weight
    k = res.units.index("IND")
    code = ind[0].code
    spec = next(i for i in fw.indicators if i.code == code)
    n_in_pillar = sum(1 for i in fw.indicators if i.parent == spec.parent)
    pillar = next(a for a in fw.aggregates if a.code == spec.parent)
    n_pillars = sum(1 for a in fw.aggregates if a.parent == pillar.parent)
    room = min(10, 100 - res.datasets["Normalised"][k, fw.indicator_codes.index(code)])
    assert ind[0].index_gain == pytest.approx(room / n_in_pillar / n_pillars / 2)
    assert ind[0].new_rank == res.ranks[k] - ind[0].rank_gain
    # the leader cannot rise
    assert all(m.rank_gain == 0 for m in movers["CHE"])


def test_the_weights_perturbed_are_the_weights_built_with_pca_too(asem):
    fw, ds, _res = asem
    pca = fw.with_steps(weights={"method": "pca"})
    nominal = build(pca, ds)
    assert np.abs(nominal.ranks - _res.ranks).max() >= 5  # PCA weights rank differently from the given ones
    # with only the weights perturbed around the PCA weights, the median rank stays near the nominal one
    only_w = pca.__class__(**{**pca.__dict__, "uncertainty": {"weights_noise": 0.05}})
    mc = monte_carlo(only_w, ds, 60, seed=1, nominal=nominal)
    assert np.abs(mc.rank_median - nominal.ranks).max() <= 2

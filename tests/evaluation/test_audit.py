"""The audit's figures agree with those COINr publishes for its example."""

import numpy as np
import pytest

from steppe.evaluation.audit import audit, cronbach_alpha
from steppe.evaluation.composite import build
from steppe.evaluation.framework import builtin_frameworks, load_dataset, load_framework


@pytest.fixture(scope="module")
def asem_audit():
    fw = load_framework(builtin_frameworks()["asem-coinr-example"])
    return audit(build(fw, load_dataset(fw)))


def test_indicator_statistics_match_coinrs_treatment_vignette(asem_audit):
    # COINr vignette "Outlier treatment": LPI skew -0.3042681, kurtosis -0.6567514 (before treatment)
    lpi = next(s for s in asem_audit.indicators if s.code == "LPI")
    assert lpi.skew == pytest.approx(-0.3042681, abs=1e-6)
    assert lpi.kurtosis == pytest.approx(-0.6567514, abs=1e-6)
    assert lpi.availability == 1.0 and lpi.treatment == "none"
    services = next(s for s in asem_audit.indicators if s.code == "Services")
    assert services.treatment == "winsorise" and services.outliers > 0


def test_negative_correlations_within_pillars_match_coinrs_analysis_vignette(asem_audit):
    # COINr vignette "Statistical analysis", get_corr_flags on the normalised data
    neg = {(a, b): r for a, b, r in asem_audit.negative_within}
    assert neg[("CostImpEx", "TBTs")] == pytest.approx(-0.697, abs=5e-4)
    assert neg[("TBTs", "RTAs")] == pytest.approx(-0.752, abs=5e-4)
    assert neg[("TBTs", "TIRcon")] == pytest.approx(-0.623, abs=5e-4)


def test_cronbach_alpha_of_identical_columns_is_one_and_of_opposites_is_negative():
    x = np.random.default_rng(0).normal(size=50)
    assert cronbach_alpha(np.column_stack([x, x, x])) == pytest.approx(1.0)
    assert cronbach_alpha(np.column_stack([x, -x + 0.01 * x**2])) < 0


def test_every_aggregate_is_audited_with_its_children(asem_audit):
    social = next(a for a in asem_audit.aggregates if a.code == "Social")
    assert len(social.children) == 9 and 0 < social.pca_first_share < 1
    assert social.cronbach_alpha > 0.8
    assert np.isnan(next(a for a in asem_audit.aggregates if a.code == "Index").corr_parent)

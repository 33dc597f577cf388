"""The Inner Mongolia frameworks: they parse, their indicators exist in the statistics dictionary,
their data come through the statistics import, and missing data stay missing."""

import math

import numpy as np
import pytest
import yaml

from steppe.evaluation.composite import build
from steppe.evaluation.framework import FrameworkError, builtin_frameworks, load_dataset, load_framework
from steppe.evaluation.queries import coverage, dataset_from_stats
from steppe.evaluation.services import INDICATORS_FILE, data_template
from steppe.stats import derive
from steppe.stats.services import INDICATORS_FILE as STATS_INDICATORS


def dictionary():
    codes = {}
    for f in (STATS_INDICATORS, INDICATORS_FILE):
        for d in yaml.safe_load(f.read_text(encoding="utf-8"))["indicators"]:
            codes[d["code"]] = d
    return codes


@pytest.mark.parametrize("code", ["nmg-leagues-cstii", "nmg-counties-innovative", "nmg-parks-htz"])
def test_framework_cites_its_structure(code):
    fw = load_framework(builtin_frameworks()[code])
    assert fw.source and fw.references
    assert all(i.name for i in fw.indicators)


@pytest.mark.parametrize("code", ["nmg-leagues-cstii", "nmg-counties-innovative"])
def test_every_indicator_is_in_the_statistics_dictionary_with_its_unit(code):
    fw = load_framework(builtin_frameworks()[code])
    known = dictionary()
    for ind in fw.indicators:
        d = known[ind.stats_code]
        assert d["unit"] == ind.unit, ind.code
        assert derive.known_unit(d["unit"])


def test_league_framework_has_the_five_national_first_level_indicators():
    fw = load_framework(builtin_frameworks()["nmg-leagues-cstii"])
    assert [a.name for a in fw.aggregates_at(3)] == [
        "科技创新环境",
        "科技活动投入",
        "科技活动产出",
        "高新技术产业化",
        "科技促进经济社会发展",
    ]
    assert fw.methods["official"]["normalise"]["method"] == "standard"


def test_official_scoring_refuses_to_run_without_the_standards():
    fw = load_framework(builtin_frameworks()["nmg-leagues-cstii"])
    x = np.ones((3, len(fw.indicators)))
    from steppe.evaluation.composite import normalise

    with pytest.raises(FrameworkError, match="indicator rd_personnel_per_10k has no standard"):
        normalise(x, fw, fw.methods["official"]["normalise"])


def test_league_data_come_from_the_statistics_import_and_missing_stays_missing(league_figures):
    fw = load_framework(builtin_frameworks()["nmg-leagues-cstii"])
    sd = dataset_from_stats(fw)
    ds = sd.dataset
    assert sd.year == 2023 and len(ds.units) == 12
    j = fw.indicator_codes.index("rd_intensity")
    hh = ds.units.index("150100")
    assert ds.values[hh, j] == pytest.approx(1.31)
    assert sd.cells[("150100", "rd_intensity")].source_title == "测试来源"
    # a league without a figure is NaN, never zero
    assert math.isnan(ds.values[ds.units.index("152900"), j])
    cov = coverage(fw, ds)
    hohhot = next(u for u in cov.units if u["code"] == "150100")
    assert hohhot["share"] == pytest.approx(3 / 39)
    assert "rd_personnel_per_10k" in hohhot["missing"]
    # with so little data the index is not computed, and the reason is given
    with pytest.raises(FrameworkError, match="screen: no unit has the required data availability"):
        build(fw, ds)


def test_park_template_lists_the_registered_parks_with_empty_figures():
    fw = load_framework(builtin_frameworks()["nmg-parks-htz"])
    text = data_template(fw).decode("utf-8-sig")
    assert "HTZ-150200-01,包头稀土高新技术产业开发区" in text
    ds = load_dataset(fw)
    assert np.isnan(ds.values).all()
    assert coverage(fw, ds).total == 0.0


def test_county_template_is_in_the_statistics_import_layout(eval_indicators):
    fw = load_framework(builtin_frameworks()["nmg-counties-innovative"])
    lines = data_template(fw, year=2024).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("region,indicator,year,value,unit")
    assert len(lines) == 1 + 103 * 15
    assert ",county_fiscal_st_share,2024,,%," in lines[1]

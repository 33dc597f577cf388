"""T7 (规上工业企业中有研发活动企业占比超过35%,达到全国中游水平) against the statistics Steppe ships: no
province's annual share is in them (src/steppe/stats/data/published_statistics.csv, from
/work/shared/data/nmg_sti_indicators.csv: Inner Mongolia's and the national *counts* of firms with R&D,
one league's first-half share), so the peer part of T7 is reported as not judged, never guessed."""

import csv
from pathlib import Path

import pytest

import steppe.stats

pytestmark = pytest.mark.django_db

DATA = Path(steppe.stats.__file__).parent / "data" / "published_statistics.csv"


def test_the_shipped_statistics_hold_no_annual_share_of_firms_with_rd_for_any_province():
    with DATA.open(encoding="utf-8") as f:
        named = {r["region"] for r in csv.DictReader(f) if r["indicator"] == "share_industrial_enterprises_with_rd"}
    # not even Inner Mongolia's annual share (only counts of firms with R&D, and 鄂尔多斯's first-half
    # share on another basis, kept as share_industrial_enterprises_with_rd_h1). When a province's published
    # share is added this fails: T7 can then be judged (the province must also be added to the reference
    # regions, which hold Inner Mongolia, its leagues and counties, and 全国 only).
    assert named == set()


def test_t7_says_its_peer_part_is_not_judged(plan):
    from steppe.stats import queries
    from steppe.stats.services import published_load

    published_load()
    (t7,) = [ta for ta in queries.plan_attainment(plan, with_leagues=False) if ta.target.code == "T7"]
    assert t7.peer is not None and t7.peer.reaches is None and t7.peer.peers == 0
    assert "暂不判定" in t7.result.rule_zh and "not judged" in t7.result.rule_en

"""全国中游水平 as part of T7: the region's share placed among the other provinces' shares."""

from steppe.stats.attainment import MIN_PEERS, peer_check


def test_a_value_at_or_above_the_provinces_median_reaches_the_middle():
    peers = list(range(20, 20 + MIN_PEERS))  # median 27
    assert peer_check(27.0, 2024, peers).reaches is True
    below = peer_check(26.9, 2024, peers)
    assert below.reaches is False and below.median == 27 and "未达到" in below.note_zh


def test_too_few_provinces_leave_the_peer_part_undecided():
    check = peer_check(40.0, 2024, [30.0, 31.0])
    assert check.reaches is None and "缺少其他省份同口径数据" in check.note_zh


def test_t7_names_the_missing_provincial_figures_instead_of_guessing(plan, published):
    from steppe.stats.queries import plan_attainment

    t7 = next(ta for ta in plan_attainment(plan, as_of=2025, with_leagues=False) if ta.target.code == "T7")
    assert t7.peer is not None and t7.peer.reaches is None
    assert "全国中游水平" in t7.result.rule_zh

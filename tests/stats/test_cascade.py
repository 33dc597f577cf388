"""分解下达: the consistency of league targets with a regional one (pure), each league's attainment
against its own target, and GET /api/v1/plans/{code}/targets/{target}/cascade."""

import pytest

from steppe.stats.cascade import LeagueEntry, check


def entries(*triples):
    return [LeagueEntry(code, code, target, baseline, weight) for code, target, baseline, weight in triples]


def test_amounts_must_add_up_to_the_regional_target():
    ok = check("amount", regional_target=375, leagues=entries(("a", 200, None, None), ("b", 175, None, None)))
    assert ok.ok is True and ok.aggregate == 375 and ok.shortfalls == []
    short = check("amount", regional_target=375, leagues=entries(("a", 200, None, None), ("b", 150, None, None)))
    assert short.ok is False
    [s] = short.shortfalls
    assert (s.kind, s.value, s.needed) == ("below", 350, 375)
    assert "差 25" in s.message


def test_a_threshold_to_pass_needs_more_than_the_regional_value():
    assert check("threshold", regional_target=100, strict=True,
                 leagues=entries(("a", 60, None, None), ("b", 40, None, None))).ok is False
    assert check("threshold", regional_target=100, strict=True,
                 leagues=entries(("a", 60, None, None), ("b", 40.5, None, None))).ok is True


def test_a_league_without_a_target_is_named():
    c = check("amount", regional_target=10, leagues=entries(("包头市", 20, None, None), ("乌海市", None, None, None)))
    assert c.ok is False and c.shortfalls[0].kind == "missing_target" and c.shortfalls[0].regions == ["乌海市"]


def test_intensities_weighted_by_gdp_must_reach_the_regional_intensity():
    # 2.0% on a GDP of 1000 and 1.0% on 3000: weighted 1.25% < 1.5%, though the plain mean is 1.5%
    c = check("level", regional_target=1.5, leagues=entries(("a", 2.0, None, 1000), ("b", 1.0, None, 3000)))
    assert c.ok is False and c.aggregate == pytest.approx(1.25)
    assert check("level", regional_target=1.5,
                 leagues=entries(("a", 2.0, None, 3000), ("b", 1.0, None, 1000))).ok is True


def test_a_missing_weight_is_named_not_guessed():
    c = check("level", regional_target=1.5, leagues=entries(("a", 2.0, None, 1000), ("b", 1.6, None, None)))
    assert [s.kind for s in c.shortfalls] == ["missing_weight"] and c.shortfalls[0].regions == ["b"]
    assert c.ok is False


def test_doubling_counts_add_up_to_twice_the_regional_baseline():
    c = check("multiple", regional_target=2, regional_baseline=1000,
              leagues=entries(("a", 1200, None, None), ("b", 700, None, None)))
    assert (c.ok, c.aggregate, c.needed) == (False, 1900, 2000)


def test_growth_rates_imply_a_total_that_must_reach_the_regional_one():
    # 100 growing 12%/yr for 3 years = 140.49; leagues 60 @ 15% and 40 @ 8% give 91.25 + 50.39 = 141.64
    c = check("avg_growth", regional_target=12, regional_baseline=100, years=3,
              leagues=entries(("a", 15, 60, None), ("b", 8, 40, None)))
    assert c.ok is True and c.needed == pytest.approx(140.4928) and c.aggregate == pytest.approx(141.6395, rel=1e-4)
    c = check("avg_growth", regional_target=12, regional_baseline=100, years=3,
              leagues=entries(("a", 15, None, None), ("b", 8, 40, None)))
    assert c.ok is False and c.shortfalls[0].kind == "missing_baseline"


# --- the API -------------------------------------------------------------------------------------


@pytest.fixture
def t3_split(plan, published, department_user):
    """An illustration for the tests only: the plan sets no league targets, the department would."""
    from steppe.plans.services import league_target_set

    t3 = plan.targets.get(code="T3")
    values = {"150100": 80, "150200": 100, "150600": 90}
    for region, value in values.items():
        league_target_set(target=t3, region_code=region, value=value, source="测试", actor=department_user)
    return t3


def test_the_cascade_api_lists_every_league_with_its_target_latest_figure_and_status(client, t3_split):
    data = client.get("/api/v1/plans/nmg-sti-2023-2025/targets/T3/cascade", {"as_of": 2023}).json()
    assert data["target"] == "T3" and data["unit"] == "亿元" and len(data["leagues"]) == 12
    baotou = next(lg for lg in data["leagues"] if lg["region"] == "150200")
    assert (baotou["target"], baotou["latest"], baotou["latest_year"]) == (100.0, 77.5, 2022)
    assert baotou["status"] != "no_target"
    wuhai = next(lg for lg in data["leagues"] if lg["region"] == "150300")
    assert (wuhai["target"], wuhai["status"]) == (None, "no_target")
    consistency = data["consistency"]
    assert consistency["ok"] is False
    kinds = {s["kind"]: s for s in consistency["shortfalls"]}
    assert "乌海市" in kinds["missing_target"]["regions"]
    assert kinds["below"]["value"] == 270 and kinds["below"]["needed"] == 375


def test_the_department_alone_sets_league_targets(plan, bureau_user):
    from steppe.core.errors import Forbidden
    from steppe.plans.services import league_target_set

    with pytest.raises(Forbidden):
        league_target_set(target=plan.targets.get(code="T3"), region_code="150200", value=1, actor=bureau_user)


def test_a_qualitative_target_has_no_cascade(client, plan):
    assert client.get("/api/v1/plans/nmg-sti-2023-2025/targets/Q1/cascade").status_code == 404

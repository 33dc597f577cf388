"""What the indicator page and the observations API compute after a data change (issue 10): less
than before, the same results. The keys of an indicator's cells are read without choosing every
value, the page's summary assesses only the indicator's own target, and the API counts the cells
from the page's keys."""

import pytest

from steppe.stats import cache as stats_cache
from steppe.stats import queries
from steppe.stats.models import Indicator
from steppe.stats.services import observation_import

pytestmark = pytest.mark.django_db


def _whole_table_keys(code: str) -> list[tuple[str, int]]:
    return sorted(((r, y) for (r, _i, y) in queries.cells(indicators=[code])), key=queries._table_order)


def test_the_keys_are_those_of_the_whole_table_for_every_indicator(published):
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert Indicator.objects.exclude(formula="").filter(code__in=codes).count() >= 5  # computed cells too
    for code in codes:
        assert queries._cell_keys(code) == _whole_table_keys(code), code


def test_a_year_only_the_formula_gives_is_a_key(published, make_csv):
    # 2001: rd_expenditure and gdp of 乌兰察布市, no published rd_intensity: a computed cell
    rows = [
        "乌兰察布市,rd_expenditure,2001,1.5,亿元,final,测试公报,,",
        "乌兰察布市,gdp,2001,300,亿元,final,测试公报,,",
    ]
    observation_import(data=make_csv(rows), file_name="u.csv")
    keys = queries._cell_keys("rd_intensity")
    assert ("150900", 2001) in keys
    assert queries.cells(indicators=["rd_intensity"], regions=["150900"])[
        ("150900", "rd_intensity", 2001)
    ].derived
    assert keys == _whole_table_keys("rd_intensity")
    # growth needs the year before as well (lag): 2001 has no 2000 figure, so no computed growth
    assert ("150900", 2001) not in queries._cell_keys("rd_expenditure_growth")
    assert queries._cell_keys("rd_expenditure_growth") == _whole_table_keys("rd_expenditure_growth")
    # a zero divisor gives no value, so no key
    observation_import(
        data=make_csv(
            [
                "乌兰察布市,gdp,2002,0,亿元,final,测试公报,,",
                "乌兰察布市,rd_expenditure,2002,1,亿元,final,测试公报,,",
            ]
        ),
        file_name="z.csv",
    )
    assert ("150900", 2002) not in queries._cell_keys("rd_intensity")
    assert queries._cell_keys("rd_intensity") == _whole_table_keys("rd_intensity")


def _rounded(x):
    """Floats to 10 significant digits: assessing one target alone sums its regression over fewer
    padding years than the whole plan's grid, which moves a projection in the 14th digit."""
    if isinstance(x, float):
        return float(f"{x:.10g}")
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_rounded(v) for v in x]
    return x


def test_one_indicators_attainment_is_the_whole_plans(loaded):
    from django.core.cache import cache

    whole = queries._plan_attainment(loaded, as_of=2025, with_leagues=True)
    quantitative = [ta for ta in whole if ta.target.kind != "qualitative"]
    assert len(quantitative) >= 5
    cache.clear()  # the whole plan's is not cached: each indicator's own is computed
    for code in {ta.target.indicator for ta in quantitative}:
        want = next(ta for ta in quantitative if ta.target.indicator == code)
        got = queries.indicator_attainment(loaded, code, as_of=2025)
        assert got.target.code == want.target.code
        assert _rounded(got.result.as_dict()) == _rounded(want.result.as_dict()), code
        assert (got.result.status, got.result.rule_zh) == (want.result.status, want.result.rule_zh)
        assert [(lg.code, _rounded(r.as_dict())) for lg, r, _s in got.leagues] == [
            (lg.code, _rounded(r.as_dict())) for lg, r, _s in want.leagues
        ], code
    assert queries.indicator_attainment(loaded, "no_such_indicator", as_of=2025) is None


def test_the_whole_plans_attainment_is_used_when_cached(loaded):
    from django.core.cache import cache

    queries.plan_attainment(loaded, as_of=2025)
    got = queries.indicator_attainment(loaded, "rd_intensity", as_of=2025)
    assert got is not None and got.target.indicator == "rd_intensity"
    assert cache.get(stats_cache.key("indicator_attainment", loaded.pk, 2025, "rd_intensity")) is None


def test_the_api_counts_from_the_pages_keys(client, published, make_csv, monkeypatch):
    queries.cell_keys("rd_intensity")
    # no count of its own is computed: the page's keys are counted
    monkeypatch.setattr(queries, "_region_counts", lambda table: pytest.fail("counted the whole table again"))
    r = client.get("/api/v1/observations", {"indicator": "rd_intensity", "limit": 5})
    assert r.status_code == 200 and len(r.json()) == 5
    before = len(queries.cell_keys("rd_intensity"))
    rows = [
        "乌兰察布市,rd_expenditure,2001,1.5,亿元,final,测试公报,,",
        "乌兰察布市,gdp,2001,300,亿元,final,测试公报,,",
    ]
    observation_import(data=make_csv(rows), file_name="u.csv")
    assert len(queries.cell_keys("rd_intensity")) == before + 1  # the import shows at once
    r = client.get("/api/v1/observations", {"indicator": "rd_intensity", "region": "150900", "limit": 500})
    assert [o["value"] for o in r.json() if o["year"] == 2001] == [0.5]


def test_the_map_is_built_again_only_when_what_it_draws_changes(client, published, make_csv, monkeypatch):
    from steppe.stats import charts

    built = []
    real = charts.choropleth_spec
    monkeypatch.setattr(charts, "choropleth_spec", lambda *a, **k: built.append(1) or real(*a, **k))
    page = "/monitoring/indicators/rd_expenditure/"
    client.get(page)
    assert len(built) == 1
    # a change elsewhere (another indicator): a new generation, the same map from the cache
    observation_import(data=make_csv(["包头市,gdp,2001,300,亿元,final,测试公报,,"]), file_name="g.csv")
    client.get(page)
    assert len(built) == 1
    # a newer value of a league: drawn again, showing it at once
    observation_import(data=make_csv(["包头市,rd_expenditure,2026,987.65,亿元,final,测试公报,,"]), file_name="r.csv")
    html = client.get(page).content.decode()
    assert len(built) == 2 and "987.65" in html
    # a league renamed: drawn again with the new name
    from steppe.core.models import Region

    Region.objects.filter(code="150200").update(name="包头市(测试)")
    stats_cache.invalidate()
    html = client.get(page).content.decode()
    assert len(built) == 3 and "包头市(测试)" in html

"""Figures a statistician checks by hand: the region's attainment, the 2022 R&D intensity against
its formula, two sources for one figure, rounding on pages and in exports, notes beside values."""

import pytest

from steppe.stats import queries
from steppe.stats.services import observation_import


def test_hand_computed_attainment_of_the_region(loaded):
    """Every quantitative target, recomputed by hand from nmg_sti_indicators.csv."""
    res = {ta.target.code: ta.result for ta in queries.plan_attainment(loaded, as_of=2025)}
    # T2: 0.90% in 2022 (209.5亿元 / 23,159亿元 = 0.905%), 0.93% in 2023; 1.5% by 2025
    assert res["T2"].baseline_value == pytest.approx(0.90)
    assert res["T2"].required_growth == pytest.approx((1.5 / 0.93) ** 0.5 - 1)
    assert res["T2"].status == "limited_progress"  # 3.3% a year against 27.0% needed
    # T3: 228.15亿元 in 2023, 375 by 2025
    assert res["T3"].ratio == pytest.approx((228.15 / 209.5 - 1) / ((375 / 228.15) ** 0.5 - 1))
    assert res["T3"].status == "limited_progress"
    # T4: 认定登记 turnover 52.49 (2022), 61.71 (2023); the 2024 Jan-May figure is not 2024's value
    assert (res["T4"].latest_year, res["T4"].latest_value) == (2023, 61.71)
    assert res["T4"].ratio == pytest.approx((61.71 / 52.49 - 1) / ((100 / 61.71) ** 0.5 - 1))
    assert res["T4"].status == "acceleration_needed"
    # T6: base 2022 = 458 / 28.82% = 1,589 (derived); 3,391 in 2024
    assert res["T6"].baseline_value == pytest.approx(458 / 0.2882)
    assert res["T6"].status == "achieved"


def test_tables_show_counts_without_decimals_and_computed_values_rounded(client, published):
    html = client.get("/monitoring/indicators/high_tech_enterprises/").content.decode()
    tables = html.split("<table")[1:]  # the charts' data may keep full precision
    assert any('class="num">461<' in t for t in tables) and not any(">461.0<" in t for t in tables)
    assert any(">1572.0663<" in t for t in tables) and not any("1572.066327" in t for t in tables)
    html = client.get("/monitoring/regions/150200/").content.decode()
    assert 'class="num">280<' in html and ">280.0<" not in html


def test_stats_pages_label_table_cells_for_phones(client, published):
    html = client.get("/monitoring/regions/150200/").content.decode()
    assert "web/labels.js" in html and "stats/labels.js" not in html  # the site-wide one, once


def test_the_2022_intensity_is_checked_against_its_formula_on_the_page_and_api(client, published):
    r = client.get(
        "/api/v1/observations",
        {"region": "150000", "indicator": "rd_intensity", "year_from": 2022, "year_to": 2022},
    )
    [o] = r.json()
    assert o["value"] == 0.9 and not o["derived"]
    assert o["formula_check"] == pytest.approx(209.5 / 23159 * 100, abs=1e-6)  # 0.9046 -> 0.90
    html = client.get("/monitoring/indicators/rd_intensity/").content.decode()
    assert "按公式核算 0.9046" in html


def test_two_sources_for_hohhot_2022_are_both_kept_and_the_choice_explained(client, published):
    r = client.get(
        "/api/v1/observations",
        {"region": "150100", "indicator": "rd_expenditure", "year_from": 2022, "year_to": 2022},
    )
    [o] = r.json()
    assert o["value"] == 44.5  # the regional bulletin (2023-10-09)
    assert [a["value"] for a in o["alternatives"]] == [52.4]  # the city's own figure, kept
    assert "2023-10-09" in o["choice_reason"] and "未注明日期" in o["choice_reason"]


def test_the_attainment_export_gives_growth_in_percent_without_float_tails(client, loaded):
    import io

    import openpyxl

    r = client.get("/monitoring/?as_of=2025&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    t1 = dict(zip(head, next(x for x in rows if x[0] == "T1" and x[3] == "内蒙古自治区"), strict=True))
    assert t1["实际年均增速(%)"] == pytest.approx(8.9, abs=0.01)
    assert t1["所需年均增速(%)"] == pytest.approx(13.58, abs=0.01)
    assert t1["比值(%)"] == pytest.approx(65.54, abs=0.01)
    assert t1["目标年应达值"] == 294.332416
    t7 = dict(zip(head, next(x for x in rows if x[0] == "T7"), strict=True))
    assert t7["最新值"] is None and t7["实际年均增速(%)"] is None  # missing stays empty, never 0


def test_league_comparison_marks_a_computed_latest_value(client, published, make_csv):
    # Baotou's 2023 intensity is not published; with its 2023 R&D and GDP it is computed
    observation_import(
        data=make_csv(["包头市,rd_expenditure,2023,82,亿元,final,测试公报,,"]), file_name="b.csv"
    )
    html = client.get("/monitoring/indicators/rd_intensity/").content.decode()
    row = html.split('href="/monitoring/regions/150200/"')[1].split("</tr>")[0]
    assert "1.9231" in row and "计算值" in row  # 82 / 4,263.9 x 100
    from steppe.stats import charts

    spec = charts.league_bar_spec(
        [{"region": "包头市", "value": 1.92312, "year": 2023, "derived": True, "status_label": "已实现"}],
        title="t",
        unit="%",
    )
    assert "1.923(2023,计算值)" in str(spec)


def test_indicator_page_shows_each_values_note(client, published):
    html = client.get("/monitoring/indicators/tech_contract_turnover/").content.decode()
    assert "备注:" in html and "reprint site" in html
    r = client.get("/monitoring/indicators/tech_contract_turnover/?format=csv")
    assert "备注" in r.content.decode("utf-8-sig").splitlines()[0]

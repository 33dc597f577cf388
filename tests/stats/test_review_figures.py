"""Acceptance review of issue 3: figures a statistician would check by hand.

Part-year figures (a count stated at a date within a year, a first-half share) are never filed as
that year's value; re-loading the published file never undoes a later revision; a value that
left the published file stops being current but stays in the history.
"""

import csv
import re

import pytest

from steppe.stats import queries
from steppe.stats.models import Indicator, Observation
from steppe.stats.services import DATA_DIR, PUBLISHED_FILE, observation_import, published_load

# notes of the collected statistics that describe part of a year
PART_YEAR_NOTE = re.compile(
    r"上半年|\bH1\b|2023H1|截至目前|as of 20\d\d-\d\d|stated at 20\d\d-\d\d|1-[5-8]月|January-August|to 20\d\d-\d\d-\d\d"
)


@pytest.fixture
def loaded(plan, published):
    return plan


def _raw_rows():
    with open(DATA_DIR / "nmg_sti_indicators.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_part_year_rows_are_filed_under_part_year_indicators(published):
    period = dict(Indicator.objects.values_list("code", "periodicity"))
    with open(PUBLISHED_FILE, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    raw_part = [r for r in _raw_rows() if PART_YEAR_NOTE.search(r["note"] or "")]
    assert len(raw_part) >= 10  # the collected file has such rows; the check below must bite
    for r in raw_part:
        [out] = [
            o
            for o in rows
            if o["region"] == r["region"]
            and o["year"] == r["year"]
            and o["source_title"] == r["source_title"]
            and o["value"] == r["value"]
            and r["note"] in o["note"]
        ]
        assert period[out["indicator"]] in ("half_year", "ytd", "point"), (r, out["indicator"])


def test_an_april_count_is_not_the_years_value(published):
    hte = queries.cells(indicators=["high_tech_enterprises", "tech_smes"], regions=["150000", "150800"])
    assert ("150000", "high_tech_enterprises", 2025) not in hte
    assert ("150000", "tech_smes", 2025) not in hte
    assert ("150800", "high_tech_enterprises", 2025) not in hte
    assert hte[("150000", "tech_smes", 2024)].value == 3391
    interim = queries.cells(indicators=["high_tech_enterprises_interim"], regions=["150000"])
    assert interim[("150000", "high_tech_enterprises_interim", 2025)].value == 2002


def test_ordos_first_half_share_is_not_a_full_year_share(published):
    share = queries.cells(indicators=["share_industrial_enterprises_with_rd"], regions=["150600"])
    assert share == {}
    h1 = queries.cells(indicators=["share_industrial_enterprises_with_rd_h1"], regions=["150600"])
    assert {k[2]: c.value for k, c in h1.items()} == {2022: 24.0, 2023: 32.4}


def test_dashboard_shows_part_year_figures_beside_the_status_but_does_not_score_them(client, loaded):
    html = client.get("/monitoring/?as_of=2025").content.decode()
    t5 = html.split('id="target-T5"')[1].split("</article>")[0]
    assert "非全年数" in t5 and "2,002家" in t5 and "截至2025-04-17" in t5
    assert "目标年已到" not in t5  # an April count does not close the target year


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


def test_reloading_the_published_file_keeps_a_later_revision(published, make_csv):
    with open(PUBLISHED_FILE, encoding="utf-8") as f:
        row = next(
            r
            for r in csv.DictReader(f)
            if r["region"] == "内蒙古自治区" and r["indicator"] == "rd_expenditure" and r["year"] == "2023"
        )
    line = ",".join(
        f'"{v}"'
        for v in (
            "内蒙古自治区",
            "rd_expenditure",
            "2023",
            "229.0",
            "亿元",
            "revised",
            row["source_title"],
            row["source_url"],
            "",
        )
    )
    observation_import(data=make_csv([line]), file_name="rev.csv", via="cli")
    r = published_load()
    assert r.revised == 0
    cur = Observation.objects.get(
        indicator__code="rd_expenditure", region__code="150000", year=2023, is_current=True
    )
    assert float(cur.value) == 229.0
    assert (
        Observation.objects.filter(indicator__code="rd_expenditure", region__code="150000", year=2023).count()
        == 2
    )


def test_a_value_that_left_the_published_file_stops_being_current(published, tmp_path):
    lines = PUBLISHED_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    gone = [i for i, ln in enumerate(lines) if ln.startswith("包头市,gdp,2023,")]
    assert gone
    short = tmp_path / "published_statistics.csv"
    short.write_text("".join(ln for i, ln in enumerate(lines) if i not in gone), encoding="utf-8")
    published_load(path=short)
    obs = Observation.objects.get(indicator__code="gdp", region__code="150200", year=2023)
    assert obs.is_current is False  # kept in the history, no longer used
    assert ("150200", "gdp", 2023) not in queries.cells(indicators=["gdp"], regions=["150200"])
    published_load()  # back in the file: current again, as a new version
    assert (
        Observation.objects.filter(
            indicator__code="gdp", region__code="150200", year=2023, is_current=True
        ).count()
        == 1
    )


def test_the_dictionary_refuses_an_unknown_periodicity(db, tmp_path):
    from steppe.core.errors import DomainError
    from steppe.stats.services import indicators_load

    p = tmp_path / "ind.yaml"
    p.write_text("indicators:\n  - {code: x, name: X, unit: 亿元, periodicity: monthly}\n", encoding="utf-8")
    with pytest.raises(DomainError) as e:
        indicators_load(path=p)
    assert e.value.data["errors"][0]["path"] == "indicators[0].periodicity"


def test_indicator_pages_link_full_year_and_part_year_figures(client, published):
    html = client.get("/monitoring/indicators/high_tech_enterprises/").content.decode()
    assert "/monitoring/indicators/high_tech_enterprises_interim/" in html and "不是全年数" in html
    html = client.get("/monitoring/indicators/high_tech_enterprises_interim/").content.decode()
    assert "/monitoring/indicators/high_tech_enterprises/" in html and "2002<" in html


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


def test_the_import_history_says_what_a_withdrawal_did(client, published, department_user, tmp_path):
    lines = PUBLISHED_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / "published_statistics.csv"
    short.write_text("".join(ln for ln in lines if not ln.startswith("包头市,gdp,2023,")), encoding="utf-8")
    published_load(path=short)
    client.force_login(department_user)
    html = client.get("/monitoring/import/").content.decode()
    assert "撤回 1 个已不在公开统计文件中的数值" in html
    csv_text = client.get("/monitoring/import/?format=csv").content.decode("utf-8-sig")
    assert "说明" in csv_text.splitlines()[0] and "撤回 1 个" in csv_text


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


def test_a_figure_of_another_scope_gets_its_own_indicator(client, published):
    fiscal = queries.cells(indicators=["fiscal_st_expenditure"], regions=["150000"], with_derived=False)
    assert {k[2] for k in fiscal} == {2020}  # 32.38 (bulletin); the 86.47 announced in 2025 is apart
    announced = queries.cells(indicators=["fiscal_st_expenditure_announced"], regions=["150000"])
    assert announced[("150000", "fiscal_st_expenditure_announced", 2024)].value == 86.47
    census = queries.cells(indicators=["hightech_manufacturing_rd_expenditure"], regions=["150000"])
    assert 2023 not in {k[2] for k in census}  # the economic-census figure is not the annual survey's


def test_indicator_page_shows_each_values_note(client, published):
    html = client.get("/monitoring/indicators/tech_contract_turnover/").content.decode()
    assert "备注:" in html and "reprint site" in html
    r = client.get("/monitoring/indicators/tech_contract_turnover/?format=csv")
    assert "备注" in r.content.decode("utf-8-sig").splitlines()[0]


def test_only_part_year_figures_newer_than_the_latest_year_are_shown(loaded):
    by = {ta.target.code: ta for ta in queries.plan_attainment(loaded, as_of=2025)}
    # T4: the 2023 first half (18.66) is older than full-year 2023; Jan-May 2024 (11.27) is newer
    assert [(i.code, c.year, c.value) for i, c, _ in by["T4"].part_year] == [
        ("tech_contract_turnover_ytd", 2024, 11.27)
    ]
    assert [(i.code, c.year) for i, c, _ in by["T5"].part_year] == [("high_tech_enterprises_interim", 2025)]

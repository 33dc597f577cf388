"""Part-year figures (a count stated at a date within a year, a first-half share) are never filed
as that year's value: their own indicators, linked from the full-year ones, shown but not scored."""

import csv
import re

from steppe.stats import queries
from steppe.stats.models import Indicator
from steppe.stats.services import DATA_DIR, PUBLISHED_FILE

# notes of the collected statistics that describe part of a year
PART_YEAR_NOTE = re.compile(
    r"上半年|\bH1\b|2023H1|截至目前|as of 20\d\d-\d\d|stated at 20\d\d-\d\d|1-[5-8]月|January-August|to 20\d\d-\d\d-\d\d"
)




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


def test_indicator_pages_link_full_year_and_part_year_figures(client, published):
    html = client.get("/monitoring/indicators/high_tech_enterprises/").content.decode()
    assert "/monitoring/indicators/high_tech_enterprises_interim/" in html and "不是全年数" in html
    html = client.get("/monitoring/indicators/high_tech_enterprises_interim/").content.decode()
    assert "/monitoring/indicators/high_tech_enterprises/" in html and "2002<" in html


def test_only_part_year_figures_newer_than_the_latest_year_are_shown(loaded):
    by = {ta.target.code: ta for ta in queries.plan_attainment(loaded, as_of=2025)}
    # T4: the 2023 first half (18.66) is older than full-year 2023; Jan-May 2024 (11.27) is newer
    assert [(i.code, c.year, c.value) for i, c, _ in by["T4"].part_year] == [
        ("tech_contract_turnover_ytd", 2024, 11.27)
    ]
    assert [(i.code, c.year) for i, c, _ in by["T5"].part_year] == [("high_tech_enterprises_interim", 2025)]

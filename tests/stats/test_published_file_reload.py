"""Re-loading the published statistics file: a later revision is kept, a value that left the file
stops being current but stays in the history, the import history says what a withdrawal did."""

import csv

import pytest

from steppe.stats import queries
from steppe.stats.models import Observation
from steppe.stats.services import PUBLISHED_FILE, observation_import, published_load


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


def test_a_figure_of_another_scope_gets_its_own_indicator(client, published):
    fiscal = queries.cells(indicators=["fiscal_st_expenditure"], regions=["150000"], with_derived=False)
    assert {k[2] for k in fiscal} == {2020}  # 32.38 (bulletin); the 86.47 announced in 2025 is apart
    announced = queries.cells(indicators=["fiscal_st_expenditure_announced"], regions=["150000"])
    assert announced[("150000", "fiscal_st_expenditure_announced", 2024)].value == 86.47
    census = queries.cells(indicators=["hightech_manufacturing_rd_expenditure"], regions=["150000"])
    assert 2023 not in {k[2] for k in census}  # the economic-census figure is not the annual survey's

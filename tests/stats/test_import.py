"""Importing observations: every row checked, all or nothing, revisions kept, dry run."""

import io

import polars as pl
import pytest

from steppe.core.errors import DomainError
from steppe.stats import queries
from steppe.stats.models import Import, Observation
from steppe.stats.services import (
    E_DUPLICATE,
    E_EMPTY_VALUE,
    E_MISSING_COLUMN,
    E_NOT_A_NUMBER,
    E_UNIT_MISMATCH,
    E_UNKNOWN_INDICATOR,
    E_UNKNOWN_REGION,
    E_YEAR,
    observation_import,
    published_load,
    template_csv,
    template_xlsx,
)

SRC = "测试来源,https://example.org/a,2024-01-01"


def _import(data, **kw):
    return observation_import(data=data, file_name=kw.pop("name", "t.csv"), **kw)


def test_a_malformed_file_is_refused_naming_row_and_column_and_nothing_changes(published, make_csv):
    before = (Observation.objects.count(), Import.objects.count())
    data = make_csv(
        [
            f"包头市,rd_expenditure,2023,80.1,亿元,final,{SRC}",
            f"火星,rd_expenditure,2023,1,亿元,final,{SRC}",
            f"包头市,no_such_indicator,2023,1,亿元,final,{SRC}",
            f"包头市,rd_expenditure,2021,八十,亿元,final,{SRC}",
            f"包头市,rd_expenditure,2020,5,家,final,{SRC}",
            f"包头市,rd_expenditure,2999,5,亿元,final,{SRC}",
            f"包头市,rd_expenditure,2023,81,亿元,final,{SRC}",
            f"包头市,rd_expenditure,2019,,亿元,final,{SRC}",
        ]
    )
    with pytest.raises(DomainError) as e:
        _import(data)
    errors = {(x["row"], x["column"]): x["message"] for x in e.value.data["errors"]}
    assert errors[(3, "region")].startswith(E_UNKNOWN_REGION)
    assert "火星" in errors[(3, "region")]
    assert errors[(4, "indicator")].startswith(E_UNKNOWN_INDICATOR)
    assert errors[(5, "value")].startswith(E_NOT_A_NUMBER)
    assert errors[(6, "unit")].startswith(E_UNIT_MISMATCH) and "亿元" in errors[(6, "unit")]
    assert errors[(7, "year")].startswith(E_YEAR)
    assert errors[(8, "value")].startswith(E_DUPLICATE) and "第 2 行" in errors[(8, "value")]
    assert errors[(9, "value")].startswith(E_EMPTY_VALUE)
    assert (2, "region") not in errors
    assert e.value.data["count"] == 7
    assert (Observation.objects.count(), Import.objects.count()) == before


def test_a_missing_column_is_named(published):
    with pytest.raises(DomainError) as e:
        _import(b"region,indicator,year,value\n\xe5\x8c\x85\xe5\xa4\xb4,rd_expenditure,2023,1\n")
    cols = {x["column"] for x in e.value.data["errors"]}
    assert {"unit", "source_title"} <= cols
    assert all(x["message"].startswith(E_MISSING_COLUMN) for x in e.value.data["errors"])


def test_dry_run_lists_added_revised_unchanged_and_writes_nothing(published, make_csv):
    # the 2022 bulletin row for Baotou exists (77.5); a new year; and a restated value of an existing row
    bulletin = '"2022年内蒙古自治区科技经费投入统计公报(内蒙古自治区统计局 科学技术厅 财政厅,2023-10-09)",http://m.dtqjf.com/tjsj/sjfb/tjsj/tjgb/202310/t20231009_2390056.html,2023-10-09'
    data = make_csv(
        [
            f"包头市,rd_expenditure,2022,77.5,亿元,final,{bulletin}",
            f"包头市,rd_expenditure,2023,85,亿元,final,{SRC}",
            f"呼和浩特市,rd_expenditure,2022,44.9,亿元,revised,{bulletin}",
        ]
    )
    n = Observation.objects.count()
    r = _import(data, dry_run=True)
    assert (r.added, r.revised, r.unchanged) == (1, 1, 1)
    assert r.samples["revised"][0]["old_value"] == pytest.approx(44.5)
    assert Observation.objects.count() == n


def test_a_revision_never_overwrites_and_the_page_shows_the_latest(published, make_csv):
    _import(make_csv([f"包头市,rd_expenditure,2023,80,亿元,preliminary,{SRC}"]))
    r = _import(make_csv([f"包头市,rd_expenditure,2023,82.5,亿元,revised,{SRC}"]))
    assert (r.added, r.revised) == (0, 1)
    history = queries.observation_history("150200", "rd_expenditure", 2023)
    assert [(float(o.value), o.version, o.is_current) for o in history] == [(82.5, 2, True), (80.0, 1, False)]
    cell = queries.cells(indicators=["rd_expenditure"], regions=["150200"])[
        ("150200", "rd_expenditure", 2023)
    ]
    assert cell.value == 82.5 and cell.revised


def test_importing_the_same_file_twice_changes_nothing(published):
    n = Observation.objects.count()
    again = published_load()
    assert (again.added, again.revised, again.unchanged) == (0, 0, again.rows)
    assert again.import_id is None
    assert Observation.objects.count() == n


def test_two_sources_are_both_kept_and_the_revised_series_is_used(published):
    cell = queries.cells(indicators=["rd_intensity"], regions=["150000"])[("150000", "rd_intensity", 2015)]
    assert cell.value == 1.05  # yearbook revised series, not the first-published 0.76
    assert [a["value"] for a in cell.alternatives] == [0.76]
    assert "修订" in cell.reason
    assert (
        Observation.objects.filter(region__code="150000", indicator__code="rd_intensity", year=2015).count()
        == 2
    )


def test_units_of_the_same_kind_are_converted(published, make_csv):
    _import(make_csv([f"乌海市,rd_expenditure,2023,123456,万元,final,{SRC}"]))
    o = Observation.objects.get(region__code="150300", indicator__code="rd_expenditure", year=2023)
    assert float(o.value) == pytest.approx(12.3456) and o.unit == "亿元"


def test_region_by_code_or_short_name(published, make_csv):
    r = _import(make_csv([f"150900,gdp,2023,1000,亿元,final,{SRC}", f"赤峰,gdp,2023,2000,亿元,final,{SRC}"]))
    assert r.added == 2


def test_xlsx_in_the_template_layout_imports(published):
    r = _import(template_xlsx(), name="t.xlsx", dry_run=True)
    assert r.rows == 2 and r.unchanged + r.added + r.revised == 2
    df = pl.read_csv(io.BytesIO(template_csv()))
    assert df.columns[:5] == ["region", "indicator", "year", "value", "unit"]


def test_published_statistics_cover_every_csv_row(published):
    assert published.rows == 251
    assert Observation.objects.filter(is_current=True).count() == 251


def test_too_long_source_and_too_large_value_are_refused(published, make_csv):
    from steppe.stats.services import E_TOO_LARGE, E_TOO_LONG

    long_title = "长" * 401
    with pytest.raises(DomainError) as e:
        _import(
            make_csv(["包头市,gdp,2023,1e15,亿元,final,x,,", f"包头市,gdp,2022,1,亿元,final,{long_title},,"])
        )
    errors = {(x["row"], x["column"]): x["message"] for x in e.value.data["errors"]}
    assert errors[(2, "value")].startswith(E_TOO_LARGE)
    assert errors[(3, "source_title")].startswith(E_TOO_LONG)

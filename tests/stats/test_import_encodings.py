"""The statistics import reads every encoding the one table reader reads, refuses over-cap files
naming the cap, and its exports guard formula cells."""

import pytest

from steppe.core.errors import DomainError
from steppe.core.tables import Limits, TableTooLarge
from steppe.stats.models import Observation
from steppe.stats.services import observation_import

ROW = "包头市,rd_expenditure,2023,80.5,亿元,final,测试来源,https://example.org/a,2024-01-01,{note}"
HEADER = "region,indicator,year,value,unit,status,source_title,source_url,source_date,note"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_in_each_encoding_is_imported(published, encoding):
    data = "\n".join([HEADER, ROW.format(note="备注")]).encode(encoding)
    r = observation_import(data=data, file_name="t.csv")
    assert r.added + r.revised == 1
    obs = Observation.objects.get(
        region__code="150200", indicator__code="rd_expenditure", year=2023, is_current=True
    )
    assert obs.note == "备注"


def test_an_error_in_a_gbk_file_names_its_row_and_column(published):
    data = "\n".join([HEADER, ROW.format(note=""), ROW.replace("包头市", "火星").format(note="")]).encode(
        "gbk"
    )
    with pytest.raises(DomainError) as exc:
        observation_import(data=data, file_name="t.csv")
    assert [(e["row"], e["column"]) for e in exc.value.data["errors"]] == [(3, "region")]


def test_a_file_over_the_row_cap_is_refused_naming_the_cap(published, settings):
    settings.STEPPE_TABLE_LIMITS = Limits(max_rows=3)
    data = "\n".join(
        [HEADER, *[ROW.format(note=str(i)).replace("2023", str(2010 + i)) for i in range(4)]]
    ).encode()
    with pytest.raises(TableTooLarge) as exc:
        observation_import(data=data, file_name="t.csv")
    assert exc.value.data["limit"] == "rows" and "行数" in exc.value.message


def test_a_corrupt_xlsx_upload_is_a_400_page_naming_the_problem(client, plan, published, department_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(department_user)
    r = client.post("/monitoring/import/", {"file": SimpleUploadedFile("t.xlsx", b"PK\x03\x04broken")})
    assert r.status_code == 400 and "无法读取 XLSX 文件" in r.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicator_exports_guard_a_formula_in_a_note(client, plan, published, fmt):
    import io

    import openpyxl

    evil = '=HYPERLINK("http://evil","x")'
    data = "\n".join([HEADER, ROW.format(note=evil.replace('"', '""').join('""'))]).encode()
    observation_import(data=data, file_name="t.csv")
    r = client.get(f"/monitoring/indicators/rd_expenditure/?format={fmt}")
    assert r.status_code == 200
    if fmt == "csv":
        text = r.content.decode("utf-8-sig")
        assert "'" + evil.replace('"', '""') in text and "," + evil.replace('"', '""') not in text
    else:
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
        assert cells and all(c.data_type == "s" for c in cells)

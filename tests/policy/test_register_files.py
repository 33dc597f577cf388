"""The enterprise register's files: GBK and corrupt uploads answer with a message (never 500), and
both export formats guard formula cells."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steppe.core.errors import ValidationFailed
from steppe.policy.models import Enterprise
from steppe.policy.services import register_export_bytes, register_import

from .test_register import BAOTOU, HEADER, _rows

pytestmark = pytest.mark.django_db


def test_a_gbk_csv_is_imported_through_the_page(regions, department_user, login):
    data = (HEADER + _rows(BAOTOU, "包头稀土新材料有限公司", "150203")).encode("gbk")
    resp = login(department_user).post("/policy/enterprises/", {"file": SimpleUploadedFile("r.csv", data)})
    assert resp.status_code == 200 and "已导入" in resp.content.decode()
    assert Enterprise.objects.get().name == "包头稀土新材料有限公司"


def test_a_corrupt_xlsx_is_refused_with_a_message(regions, department_user, login):
    resp = login(department_user).post(
        "/policy/enterprises/", {"file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04not a workbook")}
    )
    assert resp.status_code == 400 and "无法读取 XLSX 文件" in resp.content.decode()
    assert Enterprise.objects.count() == 0


def test_import_errors_name_the_spreadsheet_row(regions):
    rows = HEADER + "\n" + _rows(BAOTOU, "甲", "150200")  # a blank line, then rows 3-5 with a league code
    with pytest.raises(ValidationFailed) as exc:
        register_import(io.BytesIO(rows.encode()), filename="r.csv")
    assert sorted({e["row"] for e in exc.value.data["errors"]}) == [3, 4, 5]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_register_export_guards_formula_names(regions, fmt):
    register_import(io.StringIO(HEADER + _rows(BAOTOU, "@SUM(1+1)公司", "150203")), filename="r.csv")
    data, n = register_export_bytes(fmt)
    assert n == 3
    if fmt == "csv":
        assert data.decode("utf-8-sig").count(",'@SUM(1+1)公司,") == 3
    else:
        ws = openpyxl.load_workbook(io.BytesIO(data)).active
        names = [ws.cell(row=i, column=2) for i in range(2, 5)]
        assert [(c.value, c.data_type) for c in names] == [("@SUM(1+1)公司", "s")] * 3
        assert ws.cell(row=2, column=8).data_type == "n"  # the year stays a number

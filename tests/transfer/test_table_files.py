"""Importing and exporting records as CSV/XLSX: errors name the spreadsheet row, exports keep types
and guard formulas, a bureau exports only its league, an export imports back once."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from steppe.core.errors import ValidationFailed
from steppe.core.tables import write_records as write_table
from steppe.transfer import services
from steppe.transfer.models import Achievement, Contract

from .conftest import ACHIEVEMENT, CONTRACT, read_table

pytestmark = pytest.mark.django_db




def test_an_import_error_names_the_spreadsheet_row_even_after_blank_rows(institution_user):
    csv = (
        "标题,描述,领域,地区,技术成熟度\n"
        "好成果,描述,材料,包头,5\n"
        ",,,,\n"  # a blank row 3 still counts in Excel
        "坏成果,描述,材料,火星,15\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=institution_user, kind="achievement", filename="a.csv", content=csv.encode()
        )
    assert {(e["row"], e["field"]) for e in exc.value.data["errors"]} == {(4, "region"), (4, "readiness")}
    assert "第 4 行" in exc.value.message
    assert Achievement.objects.count() == 0


def test_an_xlsx_import_error_names_the_sheet_row(institution_user):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["标题", "描述", "地区"])
    sheet.append(["好成果", "描述", "包头"])
    sheet.append([])
    sheet.append([])
    sheet.append(["坏成果", "描述", "火星"])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=institution_user, kind="achievement", filename="a.xlsx", content=buf.getvalue()
        )
    assert [(e["row"], e["field"]) for e in exc.value.data["errors"]] == [(5, "region")]
    assert Achievement.objects.count() == 0


@pytest.mark.parametrize(
    ("csv", "needle"),
    [
        ("标题,title,描述,地区\n甲,乙,描述,包头\n", "列重复"),  # two headers for one field
        ("标题,标题,描述,地区\n甲,乙,描述,包头\n", "列名重复"),
        ("标题,描述,地区\n甲,描述,包头,多出来的\n", "第 2 行 row 2, 第 4 列 column 4: 有表头之外的数据"),
        ("标题,描述,地区\n", "没有数据行"),
    ],
)
def test_an_ambiguous_file_is_refused_before_any_row(institution_user, csv, needle):
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=institution_user, kind="achievement", filename="a.csv", content=csv.encode()
        )
    assert needle in exc.value.message
    assert Achievement.objects.count() == 0


def test_an_xlsx_export_keeps_text_as_text_and_numbers_as_numbers():
    cols = [("title", "标题"), ("price", "价格"), ("on", "日期")]
    rows = [
        {
            "title": '=HYPERLINK("http://x","点我")',
            "price": Decimal("12.50"),
            "on": dt.date(2026, 3, 1),
        }
    ]
    book = openpyxl.load_workbook(io.BytesIO(write_table(cols, rows, "xlsx")))
    title, price, on = book.active["A2"], book.active["B2"], book.active["C2"]
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")  # text, not a formula
    assert price.data_type == "n" and price.value == 12.5
    assert on.is_date and on.value.date() == dt.date(2026, 3, 1)
    assert read_table("x.xlsx", write_table(cols, rows, "xlsx"))[0] == {
        "标题": '=HYPERLINK("http://x","点我")',
        "价格": "12.5",
        "日期": "2026-03-01",
    }


def test_a_csv_export_guards_formulas_and_reads_back_unchanged():
    cols = [("title", "标题"), ("amount", "金额")]
    rows = [{"title": "=1+1", "amount": Decimal("-5")}, {"title": "@SUM(A1)", "amount": 3}]
    data = write_table(cols, rows, "csv")
    assert "'=1+1" in data.decode("utf-8-sig") and "'@SUM(A1)" in data.decode("utf-8-sig")
    assert ",-5" in data.decode("utf-8-sig")  # a number is not guarded
    assert read_table("x.csv", data) == [{"标题": "=1+1", "金额": "-5"}, {"标题": "@SUM(A1)", "金额": "3"}]


def test_a_bureau_exports_only_its_own_leagues_records(client, institution_user, bureau_user):
    services.listing_submit(
        actor=institution_user, kind="achievement", data={**ACHIEVEMENT, "region": "150100"}
    )
    services.listing_submit(
        actor=institution_user,
        kind="achievement",
        data={**ACHIEVEMENT, "title": "包头的成果", "region": "150202"},
    )
    client.force_login(bureau_user)  # 包头 150200
    r = client.get("/transfer/achievements/import/", {"format": "xlsx"})
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["包头的成果"]


def test_an_export_imports_back_and_a_second_import_is_caught(client, department_user, achievement, demand):
    client.force_login(department_user)
    for obj in (achievement, demand):
        kind = obj.kind
        files = {
            fmt: client.get(f"/transfer/{kind}s/import/", {"format": fmt}).content for fmt in ("csv", "xlsx")
        }
        for fmt, data in files.items():
            with pytest.raises(ValidationFailed) as exc:  # the record is still in the register
                services.listing_import(actor=department_user, kind=kind, filename=f"x.{fmt}", content=data)
            assert exc.value.data["errors"] == [
                {
                    "row": 2,
                    "field": "title",
                    "message": services.MSG_ALREADY_REGISTERED.format(status="已发布"),
                }
            ]
        services.listing_withdraw(actor=department_user, listing=obj)
        for fmt, data in files.items():
            out = services.listing_import(
                actor=department_user, kind=kind, filename=f"x.{fmt}", content=data, dry_run=True
            )
            assert out == {"rows": 1, "created": 0, "dry_run": True}, (kind, fmt)
    contract = services.contract_register(actor=department_user, data=CONTRACT)
    data = client.get("/transfer/contracts/", {"format": "xlsx"}).content
    services.contract_void(actor=department_user, contract=contract, reason="重新导入")
    out = services.contract_import(actor=department_user, filename="c.xlsx", content=data)
    assert out["created"] == 1
    again = Contract.objects.get(status="registered")
    assert (again.number, again.amount, again.tech_amount, again.signed_on) == (
        contract.number,
        contract.amount,
        contract.tech_amount,
        contract.signed_on,
    )

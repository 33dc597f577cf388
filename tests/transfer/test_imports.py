"""Imports are all or nothing, name their rows and fields; exports read back."""

import io

import pytest

from steppe.core.errors import ValidationFailed
from steppe.core.tables import write_records as write_table
from steppe.transfer import queries, services
from steppe.transfer.models import Achievement, Contract, Demand, ListingStatus

from .conftest import read_table

pytestmark = pytest.mark.django_db



HEADER = "标题,描述,领域,地区,技术成熟度,转化方式,价格下限,价格上限\n"


def test_a_good_csv_enters_the_review_queue(institution_user):
    csv = (
        HEADER
        + "稀土催化材料,汽车尾气净化用稀土催化剂,材料,包头,5,许可,10,30\n马铃薯脱毒苗,组培快繁技术,作物学,150900,7,转让,,\n"
    )
    out = services.listing_import(
        actor=institution_user, kind="achievement", filename="a.csv", content=csv.encode()
    )
    assert out == {"rows": 2, "created": 2, "dry_run": False}
    assert set(Achievement.objects.values_list("status", flat=True)) == {ListingStatus.SUBMITTED}
    assert Achievement.objects.get(title="稀土催化材料").region.code == "150200"


def test_a_malformed_import_names_rows_and_writes_nothing(institution_user):
    csv = (
        HEADER
        + "稀土催化材料,汽车尾气净化用稀土催化剂,材料,包头,5,许可,10,30\n"
        + ",缺标题,材料,包头,5,许可,,\n"
        + "高温合金,描述,材料,火星,15,赠送,50,20\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=institution_user, kind="achievement", filename="a.csv", content=csv.encode()
        )
    errors = exc.value.data["errors"]
    assert {(e["row"], e["field"]) for e in errors} == {
        (3, "title"),
        (4, "region"),
        (4, "readiness"),
        (4, "transfer_modes"),
        (4, "price_max"),
    }
    assert "第 3、4 行" in exc.value.message
    assert Achievement.objects.count() == 0


def test_a_dry_run_writes_nothing(enterprise_user):
    csv = "标题,描述,地区,预算\n降本需求,电机降本,包头,20\n"
    out = services.listing_import(
        actor=enterprise_user, kind="demand", filename="d.csv", content=csv.encode(), dry_run=True
    )
    assert out["rows"] == 1 and out["created"] == 0 and Demand.objects.count() == 0


def test_unknown_columns_are_refused(enterprise_user):
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=enterprise_user,
            kind="demand",
            filename="d.csv",
            content="标题,描述,地区,颜色\n甲,乙,包头,红\n".encode(),
        )
    assert exc.value.data["errors"] == [{"row": 1, "field": "颜色", "message": "未知列"}]


def test_xlsx_import_and_duplicate_rows_in_one_file(department_user):
    rows = [
        {
            "number": "A1",
            "title": "合同一",
            "type": "开发",
            "seller": "甲大学",
            "seller_region": "150100",
            "buyer": "乙公司",
            "buyer_region": "150200",
            "amount": 50,
            "tech_amount": 40,
            "signed_on": "2026-01-05",
            "registered_on": "2026-01-10",
        },
    ]
    cols = [(k, k) for k in rows[0]]
    good = write_table(cols, rows, "xlsx")
    out = services.contract_import(actor=department_user, filename="c.xlsx", content=good)
    assert out["created"] == 1 and Contract.objects.get().type == "技术开发"
    # the same contract again from another file: refused as a duplicate of the register
    dup = write_table(cols, rows + [{**rows[0], "number": "A2", "amount": 70}], "xlsx")
    with pytest.raises(ValidationFailed) as exc:
        services.contract_import(actor=department_user, filename="c2.xlsx", content=dup)
    assert [(e["row"], e["field"]) for e in exc.value.data["errors"]] == [(2, "number")]
    assert Contract.objects.count() == 1


def test_a_bureau_imports_only_its_leagues_contracts(bureau_user):
    csv = (
        "合同名称,合同类型,卖方,卖方地区,买方,买方地区,合同成交额,签订日期\n"
        "甲,技术服务,甲公司,150200,乙公司,150100,10,2026-02-01\n"
        "乙,技术服务,丙公司,150600,乙公司,150100,10,2026-02-01\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.contract_import(actor=bureau_user, filename="c.csv", content=csv.encode())
    assert [(e["row"], e["field"]) for e in exc.value.data["errors"]] == [(3, "seller_region")]


def test_export_reads_back(institution_user, department_user, achievement):
    rows = queries.listing_export_rows("achievement", Achievement.objects.all())
    data = write_table(queries.LISTING_EXPORT_COLUMNS["achievement"], rows, "csv")
    back = read_table("a.csv", data)
    assert back[0]["标题"] == achievement.title and back[0]["转化方式"] == "转让、许可"
    xlsx = write_table(queries.LISTING_EXPORT_COLUMNS["achievement"], rows, "xlsx")
    assert read_table("a.xlsx", xlsx)[0]["地区"] == "150100"


def test_a_gb18030_csv_is_read(enterprise_user):
    csv = "标题,描述,地区\n需求甲,描述甲,包头\n".encode("gb18030")
    assert (
        services.listing_import(actor=enterprise_user, kind="demand", filename="d.csv", content=csv)[
            "created"
        ]
        == 1
    )


def test_import_via_the_api_names_rows(client, institution_user):
    from steppe.core.models import ApiToken

    _, raw = ApiToken.objects.issue(institution_user)
    f = io.BytesIO((HEADER + "甲,乙,材料,包头,0,许可,,\n").encode())
    f.name = "a.csv"
    r = client.post("/api/v1/transfer/achievements/import", {"file": f}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 400
    assert r.json()["error"]["data"]["errors"] == [
        {"row": 2, "field": "readiness", "message": "技术成熟度应为 1–9：0"}
    ]

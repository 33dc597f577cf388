"""Behaviour found missing in the acceptance review of issue 5, one test per finding."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from steppe.core.errors import DomainError, ValidationFailed
from steppe.core.models import ApiToken
from steppe.core.tables import read_records
from steppe.core.tables import write_records as write_table
from steppe.transfer import queries, services
from steppe.transfer.models import Achievement, Contract, Demand

from .conftest import ACHIEVEMENT, CONTRACT

pytestmark = pytest.mark.django_db


def read_table(name: str, data: bytes) -> list[dict]:
    return [row for _, row in read_records(data, name)[1]]


def _bearer(user):
    _, raw = ApiToken.objects.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# ---------------------------------------------------------------- imports name the row Excel shows


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


# ---------------------------------------------------------------- exports open safely in Excel


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


# ---------------------------------------------------------------- region filters


def test_search_and_lists_take_a_region_name_and_refuse_an_unknown_one(
    client, make_published, institution_user
):
    make_published("achievement", institution_user, region="150202")
    make_published(
        "achievement", institution_user, region="150100", title="呼和浩特的稀土永磁材料", ip_numbers="ZL2"
    )
    r = client.get("/api/v1/transfer/search", {"q": "稀土永磁", "region": "包头"})
    assert r.status_code == 200 and [h["region"] for h in r.json()["results"]] == ["150202"]
    r = client.get("/api/v1/transfer/achievements", {"region": "包头"})
    assert [a["region"] for a in r.json()] == ["150202"]
    assert (
        len(client.get("/api/v1/transfer/search", {"q": "稀土永磁", "region": "100000"}).json()["results"])
        == 2
    )
    for url, params in [
        ("/api/v1/transfer/search", {"q": "稀土永磁", "region": "999999"}),
        ("/api/v1/transfer/search", {"q": "稀土永磁", "region": "火星"}),
        ("/api/v1/transfer/achievements", {"region": "999999"}),
    ]:
        r = client.get(url, params)
        assert r.status_code == 400, (url, params)
        assert r.json()["error"]["data"]["errors"][0]["field"] == "region"
    page = client.get("/transfer/search/", {"q": "稀土永磁", "region": "999999"}).content.decode()
    assert "未知地区" in page


# ---------------------------------------------------------------- results explain themselves


def test_a_result_matched_on_word_pieces_shows_and_highlights_them(client, make_published, enterprise_user):
    make_published(
        "demand",
        enterprise_user,
        title="电机降本需求",
        description="降低电机中重稀土的用量，提高永磁体的矫顽力。",
    )
    r = client.get("/api/v1/transfer/search", {"q": "稀土永磁"})
    hit = r.json()["results"][0]
    assert hit["shared_terms"] == ["稀土", "永磁"]
    assert "地区：东河区" in hit["explanation"] and "150202" not in hit["explanation"]
    html = client.get("/transfer/search/", {"q": "稀土永磁"}).content.decode()
    assert "重<mark>稀土</mark>" in html and "<mark>永磁</mark>体" in html


def test_shared_fragments_prefers_whole_words_then_longest_pieces():
    assert queries.shared_fragments(["稀土永磁", "电机"], "重稀土永磁体用于电机") == ["稀土永磁", "电机"]
    assert queries.shared_fragments(["稀土永磁材料"], "稀土材料与永磁材料") == ["稀土", "永磁材料"]
    assert queries.shared_fragments(["重"], "重稀土") == []  # one Han character says nothing


# ---------------------------------------------------------------- interest and contracts


def test_interest_in_ones_own_record_says_so(achievement, institution_user):
    with pytest.raises(DomainError) as exc:
        services.interest_express(actor=institution_user, listing=achievement)
    assert exc.value.message == services.MSG_OWN_RECORD


def test_a_contract_needs_a_positive_amount_and_a_registration_date_not_in_the_future(department_user):
    tomorrow = dt.date.today() + dt.timedelta(days=2)  # two days: later than today in any time zone
    with pytest.raises(ValidationFailed) as exc:
        services.contract_register(
            actor=department_user,
            data={**CONTRACT, "amount": "0", "tech_amount": "0", "registered_on": tomorrow.isoformat()},
        )
    fields = {e["field"]: e["message"] for e in exc.value.data["errors"]}
    assert fields["amount"] == services.MSG_AMOUNT_POSITIVE
    assert fields["registered_on"] == services.MSG_REGISTERED_IN_FUTURE
    assert Contract.objects.count() == 0


def test_the_default_authority_is_the_sellers_league(department_user):
    c = services.contract_register(
        actor=department_user, data={**CONTRACT, "seller_region": "150102", "authority": ""}
    )
    assert c.authority == "呼和浩特市技术合同认定登记机构"


def test_another_enterprise_cannot_edit_a_record_and_nothing_changes(client, enterprise_user, make_published):
    from steppe.core.services import user_create

    other, _, _ = user_create(
        username="other-firm", role="enterprise", unit="鄂尔多斯某公司", region="150600"
    )
    submitted = services.listing_submit(
        actor=enterprise_user,
        kind="demand",
        data={"title": "原标题", "description": "描述", "region": "150202"},
    )
    published = make_published("demand", enterprise_user, title="已发布的需求")
    for obj, status in ((submitted, 404), (published, 403)):
        r = client.patch(
            f"/api/v1/transfer/demands/{obj.public_id}",
            {"title": "被改了"},
            content_type="application/json",
            **_bearer(other),
        )
        assert r.status_code == status, r.content
        r = client.post(
            f"/api/v1/transfer/demands/{obj.public_id}/withdraw",
            {},
            content_type="application/json",
            **_bearer(other),
        )
        assert r.status_code == status
    assert set(Demand.objects.values_list("title", flat=True)) == {"原标题", "已发布的需求"}
    assert set(Demand.objects.values_list("status", flat=True)) == {"submitted", "published"}


# ---------------------------------------------------------------- the scenario list through the API


def test_the_api_opens_a_round_and_promotes_a_demand_into_it(
    client, demand, department_user, enterprise_user
):
    dept = _bearer(department_user)
    r = client.post(
        "/api/v1/transfer/scenarios/rounds",
        {"number": 3, "title": "第三批应用场景清单", "published_on": "2026-05-01"},
        content_type="application/json",
        **dept,
    )
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/v1/transfer/scenarios/rounds",
        {"number": 3, "title": "again"},
        content_type="application/json",
        **dept,
    )
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "number"
    url = f"/api/v1/transfer/demands/{demand.public_id}/promote"
    r = client.post(url, {"round": 3}, content_type="application/json", **_bearer(enterprise_user))
    assert r.status_code == 403
    r = client.post(url, {"round": 9}, content_type="application/json", **dept)
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "round"
    r = client.post(url, {"round": 3, "deadline": "2027-01-31"}, content_type="application/json", **dept)
    assert r.status_code == 201, r.content
    assert r.json()["round"] == 3 and r.json()["seq"] == 1 and r.json()["demand_id"] == str(demand.public_id)
    assert client.post(url, {"round": 3}, content_type="application/json", **dept).status_code == 400
    listed = client.get("/api/v1/transfer/scenarios", {"round": 3}).json()
    assert [(s["round"], s["seq"], s["deadline"]) for s in listed] == [(3, 1, "2027-01-31")]


def test_the_broker_list_counts_deals_in_one_query(client, department_user, django_assert_num_queries):
    for i in range(4):
        services.broker_register(
            actor=department_user, data={"name": f"经纪人{i}", "certificate_no": f"C-{i}"}
        )
    services.contract_register(
        actor=department_user, data=CONTRACT, broker=services.Broker.objects.get(certificate_no="C-2")
    )
    with django_assert_num_queries(1):
        r = client.get("/api/v1/transfer/brokers")
    assert {b["certificate_no"]: b["deals"] for b in r.json()} == {"C-0": 0, "C-1": 0, "C-2": 1, "C-3": 0}


def test_shared_fragments_lists_whole_words_first_and_does_not_repeat_pieces():
    got = queries.shared_fragments(["稀土永磁", "永磁材料", "技术"], "永磁材料与稀土技术")
    assert got == ["永磁材料", "技术", "稀土"]  # '永磁' is inside '永磁材料'


def test_a_promoted_demand_shows_its_scenario_round_and_no_second_promote_form(
    client, demand, department_user
):
    rnd = services.scenario_round_create(actor=department_user, number=2, title="第二批应用场景清单")
    client.force_login(department_user)
    url = f"/transfer/demands/{demand.public_id}/"
    assert "列入场景清单" in client.get(url).content.decode()
    client.post(f"/transfer/demands/{demand.public_id}/promote/", {"round": rnd.pk})
    html = client.get(url).content.decode()
    assert 'id="scenario"' in html and "第 2-1 号" in html and "列入场景清单</button>" not in html


def test_a_same_field_fill_in_is_labelled_as_such(client, make_published, institution_user):
    make_published("achievement", institution_user)  # 钕铁硼 …, 材料科学与工程
    make_published(
        "achievement",
        institution_user,
        title="高强度铝合金板材轧制工艺",
        description="铝合金热轧与退火工艺优化。",
        ip_numbers="ZL9",
    )
    html = client.get("/transfer/search/", {"q": "钕铁硼"}).content.decode()
    assert html.count('class="hit"') == 2 and html.count("同领域推荐（无共同词）") == 1


def test_both_sides_of_a_negotiation_list_the_contract_it_ended_in(
    client, achievement, enterprise_user, institution_user
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="感兴趣")
    c = services.contract_register(actor=enterprise_user, data=CONTRACT, interest=interest)
    for user in (enterprise_user, institution_user):  # the buyer registered it; the seller owns the record
        ids = [x["id"] for x in client.get("/api/v1/transfer/contracts", **_bearer(user)).json()]
        assert ids == [str(c.public_id)], user.username
        assert client.get(f"/api/v1/transfer/contracts/{c.public_id}", **_bearer(user)).status_code == 200


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/v1/transfer/achievements?limit=-5", "query.limit"),
        ("/api/v1/transfer/achievements?limit=501", "query.limit"),
        ("/api/v1/transfer/demands?offset=-1", "query.offset"),
        ("/api/v1/transfer/search?q=稀土&k=0", "query.k"),
        ("/api/v1/transfer/search?q=稀土&min_readiness=10", "query.min_readiness"),
        ("/api/v1/transfer/search?q=稀土&max_price=-1", "query.max_price"),
        ("/api/v1/transfer/search?q=稀土&max_price=nan", "query.max_price"),
    ],
)
def test_out_of_range_list_parameters_are_refused_by_name(client, url, path):
    r = client.get(url)
    assert r.status_code == 422, r.content
    error = r.json()["error"]["data"]["errors"][0]
    # the envelope names the parameter as "field" ("limit") or, in older versions, "path" ("query.limit")
    assert error.get("field") == path.split(".")[-1] or error.get("path") == path


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


def test_a_long_query_shows_the_shared_words_without_splitting_them(make_published, institution_user):
    make_published("achievement", institution_user)
    words = "钕铁硼 晶界 扩散 " + " ".join(f"词{i}号" for i in range(60))
    _, hits = queries.search(words)
    assert hits and set(hits[0].terms) >= {"钕铁硼", "晶界"}
    assert all(len(t) >= 2 for t in hits[0].terms)


def test_a_form_never_sends_the_user_off_site(client, department_user, institution_user):
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    client.force_login(department_user)
    r = client.post(f"/transfer/achievements/{a.public_id}/accept/", {"next": "https://evil.example/x"})
    assert r.status_code == 302 and r["Location"] == f"/transfer/achievements/{a.public_id}/"
    r = client.post(f"/transfer/achievements/{a.public_id}/publish/", {"next": "/transfer/review/"})
    assert r["Location"] == "/transfer/review/"


def test_control_characters_are_refused_by_field(client, institution_user):
    with pytest.raises(ValidationFailed) as exc:
        services.listing_import(
            actor=institution_user,
            kind="achievement",
            filename="a.csv",
            content="标题,描述,地区\n\x00x,描述,包头\n".encode(),
        )
    assert exc.value.data["errors"] == [
        {"row": 2, "field": "title", "message": services.MSG_CONTROL_CHARACTER}
    ]
    r = client.post(
        "/api/v1/transfer/achievements",
        {**ACHIEVEMENT, "description": "含\u0000空字符"},
        content_type="application/json",
        **_bearer(institution_user),
    )
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "description"
    assert Achievement.objects.count() == 0


def test_messages_and_notes_refuse_control_characters(achievement, enterprise_user):
    with pytest.raises(ValidationFailed):
        services.interest_express(actor=enterprise_user, listing=achievement, note="a\x00b")
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="感兴趣")
    with pytest.raises(ValidationFailed) as exc:
        services.message_post(actor=enterprise_user, interest=interest, body="\x00")
    assert exc.value.data["errors"][0]["field"] == "body"
    assert interest.messages.count() == 1


@pytest.mark.parametrize("param", ["region", "field"])
def test_a_list_filter_with_a_nul_is_refused_by_name(client, param):
    r = client.get("/api/v1/transfer/achievements", {param: "包\x00头"})
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == param


def test_a_malformed_id_in_a_form_is_a_message_or_a_404_never_a_500(
    client, achievement, enterprise_user, department_user
):
    client.force_login(enterprise_user)
    r = client.post(
        f"/transfer/achievements/{achievement.public_id}/interest/", {"note": "x", "broker": "not-a-uuid"}
    )
    assert r.status_code == 302 and not achievement.interests.exists()
    client.force_login(department_user)
    assert client.post("/transfer/contracts/", {"void": "abc", "reason": "x"}).status_code == 404


def test_an_unknown_broker_certificate_is_refused_by_name(client, achievement, enterprise_user):
    for cert in ("NO-SUCH", "A\x00B"):
        r = client.post(
            f"/api/v1/transfer/achievements/{achievement.public_id}/interests",
            {"broker_certificate": cert},
            content_type="application/json",
            **_bearer(enterprise_user),
        )
        assert (
            r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "broker_certificate"
        )
    assert not achievement.interests.exists()


def test_an_operator_adds_a_scenario_that_did_not_start_as_a_demand(
    client, department_user, bureau_user, demand
):
    rnd = services.scenario_round_create(actor=department_user, number=4, title="第四批应用场景清单")
    services.demand_promote(actor=department_user, demand=demand, round=rnd)
    r = client.post(
        "/api/v1/transfer/scenarios",
        {
            "round": 4,
            "title": "露天矿无人驾驶运输",
            "owner": "某能源集团",
            "needs": "矿卡无人驾驶",
            "region": "鄂尔多斯",
        },
        content_type="application/json",
        **_bearer(department_user),
    )
    assert r.status_code == 201, r.content
    assert (r.json()["seq"], r.json()["demand_id"]) == (2, None)
    bad = {"round": 4, "title": "", "owner": "x", "needs": "y", "region": "150600"}
    r = client.post(
        "/api/v1/transfer/scenarios", bad, content_type="application/json", **_bearer(bureau_user)
    )
    fields = {e["field"] for e in r.json()["error"]["data"]["errors"]}
    assert r.status_code == 400 and fields == {"title", "region"}  # 包头's bureau, 鄂尔多斯's scenario
    client.force_login(department_user)
    client.post(
        "/transfer/scenarios/",
        {
            "what": "scenario",
            "round": rnd.pk,
            "title": "智慧牧场",
            "owner": "某乳业",
            "needs": "奶牛发情监测",
        },
    )
    html = client.get("/transfer/scenarios/").content.decode()
    assert "4-3" in html and "智慧牧场" in html and "露天矿无人驾驶运输" in html


def test_a_lapsed_record_is_neither_matched_nor_listed_before_the_daily_expiry(client, achievement):
    from steppe.transfer.models import Achievement as A

    assert client.get("/api/v1/transfer/search", {"q": "钕铁硼"}).json()["results"]
    from django.utils import timezone

    A.objects.filter(pk=achievement.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get("/api/v1/transfer/search", {"q": "钕铁硼"}).json()["results"] == []
    assert client.get("/api/v1/transfer/achievements").json() == []


def test_the_negotiations_contract_form_is_prefilled_with_both_sides(
    client, achievement, demand, enterprise_user, institution_user
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="感兴趣")
    client.force_login(enterprise_user)
    html = client.get(f"/transfer/interests/{interest.public_id}/").content.decode()
    # the institution (呼和浩特 150100) sells its achievement to the enterprise (包头 东河区 -> 150200)
    assert 'name="seller" required value="内蒙古大学"' in html
    assert 'name="buyer" required value="包头稀土新材料有限公司"' in html
    assert '<option value="150100" selected>' in html and '<option value="150200" selected>' in html
    reverse = services.interest_express(actor=institution_user, listing=demand, note="可以合作")
    html = client.get(f"/transfer/interests/{reverse.public_id}/").content.decode()
    assert 'name="seller" required value="内蒙古大学"' in html  # for a demand the interested party sells
    assert 'name="buyer" required value="包头稀土新材料有限公司"' in html


def test_the_pages_speak_english_when_asked(client, department_user, achievement, demand):
    from django.conf import settings

    client.force_login(department_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url, english in [
        ("/transfer/search/", "Search and matching"),
        ("/transfer/search/?q=钕铁硼", "Field of the query"),
        (f"/transfer/demands/{demand.public_id}/", "Matching Achievement"),
        ("/transfer/scenarios/", "Application scenario lists"),
        ("/transfer/review/", "Review queue"),
        (f"/transfer/achievements/{achievement.public_id}/", "Published"),  # a status label
        ("/transfer/contracts/", "Technology contract registration"),
        ("/transfer/figures/", "technology contracts registered on the platform"),
        ("/transfer/mine/", "Matches for me"),
        ("/transfer/experts/", "Experts and technology brokers"),
        ("/transfer/achievements/import/", "Check only, write nothing"),
    ]:
        html = client.get(url).content.decode()
        assert english in html, url
        assert "检索与匹配" not in html, url  # the section's own navigation is translated too


def test_the_navigation_offers_only_what_the_role_may_submit(client, broker_user, bank_user, enterprise_user):
    from steppe.transfer import permissions as perms

    for user in (broker_user, bank_user, enterprise_user):
        client.force_login(user)
        html = client.get("/transfer/search/").content.decode()
        for kind in ("achievement", "demand"):
            assert (f'id="nav-new-{kind}"' in html) == perms.can_submit(user, kind), (user.role, kind)
            if f'id="nav-new-{kind}"' in html:
                assert client.get(f"/transfer/{kind}s/new/").status_code == 200


def test_the_database_refuses_a_second_registered_copy_of_a_contract(department_user):
    from django.db import IntegrityError, transaction

    c = services.contract_register(actor=department_user, data={**CONTRACT, "number": ""})
    copy = {
        f: getattr(c, f) for f in ("title", "type", "seller", "buyer", "amount", "tech_amount", "signed_on")
    }
    copy |= {
        "seller_region": c.seller_region,
        "buyer_region": c.buyer_region,
        "registered_on": c.registered_on,
    }
    with pytest.raises(IntegrityError), transaction.atomic():  # what a race past the service check meets
        Contract.objects.create(**copy, fingerprint=c.fingerprint, channel="import")
    services.contract_void(actor=department_user, contract=c, reason="录入错误")
    Contract.objects.create(**copy, fingerprint=c.fingerprint, channel="import")  # a void one does not block


def test_a_duplicate_is_caught_when_the_other_channel_writes_names_differently(department_user):
    services.contract_register(
        actor=department_user, data={**CONTRACT, "seller": "ＮＭＧ 稀土研究院", "number": ""}
    )
    with pytest.raises(DomainError) as exc:
        services.contract_register(
            actor=department_user,
            data={**CONTRACT, "seller": "nmg稀土研究院", "number": "", "amount": "100.00"},
        )
    assert exc.value.code == "duplicate_contract"


def test_a_bracketed_note_in_a_party_name_does_not_hide_a_duplicate(department_user):
    services.contract_register(actor=department_user, data={**CONTRACT, "number": ""})
    csv = (
        "合同名称,合同类型,卖方,卖方地区,买方,买方地区,合同成交额,签订日期\n"
        f"另一渠道,转让,内蒙古大学（本部）,呼和浩特,{CONTRACT['buyer']},包头,100.00,2026/03/01\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.contract_import(actor=department_user, filename="c.csv", content=csv.encode())
    assert exc.value.data["errors"][0]["row"] == 2 and "重复登记" in exc.value.data["errors"][0]["message"]
    assert Contract.objects.count() == 1

"""The transfer API through the project's NinjaAPI (one error envelope)."""

import io

import pytest

from steppe.transfer.models import Achievement, Contract

from .conftest import ACHIEVEMENT, CONTRACT

pytestmark = pytest.mark.django_db


def test_submit_review_publish_and_read_an_achievement(client, bearer, institution_user, department_user):
    r = client.post(
        "/api/v1/transfer/achievements",
        ACHIEVEMENT | {"transfer_modes": ["许可"]},
        content_type="application/json",
        **bearer(institution_user),
    )
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    assert r.json()["status"] == "submitted"
    assert client.get(f"/api/v1/transfer/achievements/{aid}").status_code == 404  # not public yet
    dept = bearer(department_user)
    r = client.post(
        f"/api/v1/transfer/achievements/{aid}/review",
        {"decision": "accept"},
        content_type="application/json",
        **dept,
    )
    assert r.json()["status"] == "accepted"
    r = client.post(
        f"/api/v1/transfer/achievements/{aid}/publish", {}, content_type="application/json", **dept
    )
    assert r.json()["status"] == "published"
    r = client.get(f"/api/v1/transfer/achievements/{aid}")
    assert r.status_code == 200 and r.json()["readiness"] == 6
    assert [a["id"] for a in client.get("/api/v1/transfer/achievements").json()] == [aid]


def test_a_bad_submission_names_its_fields(client, bearer, institution_user):
    r = client.post(
        "/api/v1/transfer/achievements",
        ACHIEVEMENT | {"readiness": 10, "region": "无此地"},
        content_type="application/json",
        **bearer(institution_user),
    )
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "invalid"
    assert {e["field"] for e in err["data"]["errors"]} == {"readiness", "region"}
    assert Achievement.objects.count() == 0


def test_writes_need_a_user(client):
    r = client.post("/api/v1/transfer/achievements", ACHIEVEMENT, content_type="application/json")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_an_enterprise_cannot_review(client, bearer, enterprise_user, institution_user):
    r = client.post(
        "/api/v1/transfer/achievements",
        ACHIEVEMENT,
        content_type="application/json",
        **bearer(institution_user),
    )
    aid = r.json()["id"]
    r = client.post(
        f"/api/v1/transfer/achievements/{aid}/review",
        {"decision": "accept"},
        content_type="application/json",
        **bearer(enterprise_user),
    )
    assert r.status_code == 404  # not visible to an outsider before publication


def test_search_and_matches(client, achievement, demand):
    r = client.get("/api/v1/transfer/search", {"q": "钕铁硼晶界扩散", "kind": "achievement"})
    body = r.json()
    assert body["results"][0]["id"] == str(achievement.public_id)
    assert "钕铁硼" in body["results"][0]["shared_terms"] and body["results"][0]["explanation"]
    assert body["query_field"] == "材料科学与工程"
    r = client.get("/api/v1/transfer/search", {"q": "钕铁硼", "region": "150600"})
    assert r.json()["results"] == []
    r = client.get(f"/api/v1/transfer/demands/{demand.public_id}/matches")
    m = r.json()
    assert m["achievement"]["results"][0]["id"] == str(achievement.public_id)
    assert "expert" in m


def test_interest_messages_and_contract_then_figures(
    client, bearer, achievement, enterprise_user, institution_user, department_user
):
    firm, univ = bearer(enterprise_user), bearer(institution_user)
    r = client.post(
        f"/api/v1/transfer/achievements/{achievement.public_id}/interests",
        {"note": "想谈许可"},
        content_type="application/json",
        **firm,
    )
    assert r.status_code == 201
    iid = r.json()["id"]
    r = client.post(
        f"/api/v1/transfer/interests/{iid}/messages",
        {"body": "报价 100 万"},
        content_type="application/json",
        **univ,
    )
    assert r.status_code == 201
    assert len(client.get(f"/api/v1/transfer/interests/{iid}/messages", **firm).json()) == 2
    r = client.post(
        "/api/v1/transfer/contracts", CONTRACT | {"interest_id": iid}, content_type="application/json", **univ
    )
    assert r.status_code == 201, r.content
    assert r.json()["channel"] == "api" and r.json()["status"] == "submitted"
    contract_id = r.json()["id"]
    r = client.post("/api/v1/transfer/contracts", CONTRACT, content_type="application/json", **univ)
    assert r.status_code == 403  # without the negotiation, only the operator registers
    r = client.post(
        "/api/v1/transfer/contracts", CONTRACT, content_type="application/json", **bearer(department_user)
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_contract"
    assert client.get("/api/v1/transfer/figures/turnover").json() == []  # not reviewed yet
    r = client.post(
        f"/api/v1/transfer/contracts/{contract_id}/review", {"decision": "approve"},
        content_type="application/json", **bearer(department_user),
    )
    assert r.status_code == 200 and r.json()["status"] == "registered"
    rows = client.get("/api/v1/transfer/figures/turnover").json()
    hohhot = next(x for x in rows if x["region_code"] == "150100")
    assert float(hohhot["turnover_wan"]) == 100 and hohhot["year"] == 2026


def test_contract_import_refuses_a_malformed_file_naming_rows(client, bearer, department_user):
    csv = (
        "合同登记编号,合同名称,合同类型,卖方,卖方地区,买方,买方地区,合同成交额,技术交易额,签订日期,登记日期\n"
        "N1,甲合同,技术开发,甲大学,150100,乙公司,150200,50,40,2026-01-05,2026-01-10\n"
        "N2,乙合同,技术赠送,甲大学,150100,丙公司,150200,abc,10,2026-13-01,2026-01-10\n"
    ).encode()
    f = io.BytesIO(csv)
    f.name = "contracts.csv"
    r = client.post("/api/v1/transfer/contracts/import", {"file": f}, **bearer(department_user))
    assert r.status_code == 400
    errors = r.json()["error"]["data"]["errors"]
    assert {e["row"] for e in errors} == {3}
    assert {e["field"] for e in errors} == {"type", "amount", "signed_on"}
    assert Contract.objects.count() == 0


def test_funnel_is_for_operators(client, bearer, enterprise_user, department_user, achievement):
    assert client.get("/api/v1/transfer/funnel", **bearer(enterprise_user)).status_code == 403
    r = client.get("/api/v1/transfer/funnel", {"by": "field"}, **bearer(department_user))
    assert r.json()[0]["key"] == "材料科学与工程" and r.json()[0]["listings"] == 1


def test_the_openapi_schema_lists_every_transfer_route_once(client):
    schema = client.get("/api/v1/openapi.json").json()
    ops = [op["operationId"] for path, item in schema["paths"].items() for op in item.values()]
    assert len(ops) == len(set(ops))
    paths = {p for p in schema["paths"] if "/transfer/" in p}
    assert {
        "/api/v1/transfer/search",
        "/api/v1/transfer/contracts",
        "/api/v1/transfer/figures/turnover",
        "/api/v1/transfer/demands/{public_id}/matches",
        "/api/v1/transfer/achievements/import",
    } <= paths


def test_a_returned_demand_is_edited_through_the_api(client, bearer, enterprise_user, department_user):
    from steppe.transfer import services

    from .conftest import DEMAND

    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    services.listing_review(actor=department_user, listing=d, decision="return", reason="预算不明确")
    r = client.patch(
        f"/api/v1/transfer/demands/{d.public_id}",
        {"budget": "120"},
        content_type="application/json",
        **bearer(enterprise_user),
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["budget"] == "120.00"
    r = client.patch(
        f"/api/v1/transfer/demands/{d.public_id}",
        {"deadline": "not a date"},
        content_type="application/json",
        **bearer(enterprise_user),
    )
    assert r.status_code == 400  # text, refused (a JSON number would be the wrong kind: 422)
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["deadline"]
    r = client.patch(f"/api/v1/transfer/demands/{d.public_id}", {"deadline": 20270630},
                     content_type="application/json", **bearer(enterprise_user))  # fmt: skip
    assert r.status_code == 422 and [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["deadline"]


def test_an_operator_voids_a_contract_and_it_leaves_the_figures(client, bearer, department_user, bureau_user):
    from steppe.transfer import services

    c = services.contract_register(actor=department_user, data=CONTRACT)
    r = client.post(
        f"/api/v1/transfer/contracts/{c.public_id}/void",
        {"reason": ""},
        content_type="application/json",
        **bearer(department_user),
    )
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "reason"
    r = client.post(
        f"/api/v1/transfer/contracts/{c.public_id}/void",
        {"reason": "重复申报"},
        content_type="application/json",
        **bearer(bureau_user),
    )
    assert r.status_code == 403  # Baotou's bureau sees it (the buyer's league) but the seller is in Hohhot
    r = client.post(
        f"/api/v1/transfer/contracts/{c.public_id}/void",
        {"reason": "重复申报"},
        content_type="application/json",
        **bearer(department_user),
    )
    assert r.json()["status"] == "void"
    assert client.get("/api/v1/transfer/figures/turnover").json() == []

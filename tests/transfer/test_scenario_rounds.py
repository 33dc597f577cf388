"""Scenario rounds (场景征集): opened by the API, demands promoted into them, scenarios added directly."""

import pytest

from steppe.transfer import services

pytestmark = pytest.mark.django_db



def test_the_api_opens_a_round_and_promotes_a_demand_into_it(
    client, demand, department_user, enterprise_user, bearer
):
    dept = bearer(department_user)
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
    r = client.post(url, {"round": 3}, content_type="application/json", **bearer(enterprise_user))
    assert r.status_code == 403
    r = client.post(url, {"round": 9}, content_type="application/json", **dept)
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "round"
    r = client.post(url, {"round": 3, "deadline": "2027-01-31"}, content_type="application/json", **dept)
    assert r.status_code == 201, r.content
    assert r.json()["round"] == 3 and r.json()["seq"] == 1 and r.json()["demand_id"] == str(demand.public_id)
    assert client.post(url, {"round": 3}, content_type="application/json", **dept).status_code == 400
    listed = client.get("/api/v1/transfer/scenarios", {"round": 3}).json()
    assert [(s["round"], s["seq"], s["deadline"]) for s in listed] == [(3, 1, "2027-01-31")]


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


def test_an_operator_adds_a_scenario_that_did_not_start_as_a_demand(
    client, department_user, bureau_user, demand, bearer
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
        **bearer(department_user),
    )
    assert r.status_code == 201, r.content
    assert (r.json()["seq"], r.json()["demand_id"]) == (2, None)
    bad = {"round": 4, "title": "", "owner": "x", "needs": "y", "region": "150600"}
    r = client.post(
        "/api/v1/transfer/scenarios", bad, content_type="application/json", **bearer(bureau_user)
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


def test_a_bad_round_names_every_field_at_once_on_the_page_and_the_api_alike(client, department_user, bearer):
    from steppe.transfer.models import ScenarioRound

    services.scenario_round_create(actor=department_user, number=2, title="第二批")
    client.force_login(department_user)
    html = client.post("/transfer/scenarios/", {"number": "x", "title": " ", "published_on": "2026-02-30"},
                       follow=True).content.decode()
    assert "有 3 处需要修改" in html
    assert "批次：“x” 不是整数" in html and "名称：必填" in html and "发布日期：“2026-02-30” 不是有效日期" in html
    html = client.post("/transfer/scenarios/", {"number": "2", "title": "又一批"}, follow=True).content.decode()
    assert "批次：第2批已存在" in html
    r = client.post("/api/v1/transfer/scenarios/rounds", {"number": 2, "title": " "},
                    content_type="application/json", **bearer(department_user))
    assert r.status_code == 400, r.content
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["title", "number"]
    assert list(ScenarioRound.objects.values_list("number", flat=True)) == [2]

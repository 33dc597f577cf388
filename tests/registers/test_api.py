"""The registers' API: filing, bad input naming the field with nothing written, filters, counts."""

import pytest

from steppe.registers.models import Platform

pytestmark = pytest.mark.django_db

GOOD = {"name": "稀土功能材料自治区重点实验室", "kind": "key_lab", "level": "regional", "host": "包头稀土研究院",
        "region": "150200", "field": "稀土", "status": "approved", "approved_on": "2024-06-30",
        "measures": ["A1-07"]}


def test_a_bureau_files_a_platform_and_gets_its_id(seeded, bureau_user, login):
    client = login(bureau_user)
    answer = client.post("/api/v1/platforms", GOOD, content_type="application/json")
    assert answer.status_code == 201, answer.content
    obj = Platform.objects.get(public_id=answer.json()["id"])
    assert (obj.level, obj.region.code, obj.review) == ("regional", "150200", "submitted")
    assert [m.code for m in obj.measures.all()] == ["A1-07"]


@pytest.mark.parametrize("field,value", [("level", "provincial"), ("region", "999999"), ("region", "15020"),
                                         ("kind", "castle"), ("approved_on", "2024-13-01"),
                                         ("measures", ["Z9-99"]), ("source_url", "javascript:alert(1)")])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(seeded, bureau_user, login, field, value):
    client = login(bureau_user)
    before = Platform.objects.count()
    answer = client.post("/api/v1/platforms", {**GOOD, field: value}, content_type="application/json")
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert [e["field"] for e in error["data"]["errors"]] == [field]
    assert field in error["message"]
    assert Platform.objects.count() == before


def test_every_problem_is_reported_at_once(seeded, bureau_user, login):
    answer = login(bureau_user).post("/api/v1/platforms", {**GOOD, "level": "x", "region": "1"},
                                     content_type="application/json")
    assert sorted(e["field"] for e in answer.json()["error"]["data"]["errors"]) == ["level", "region"]


def test_a_bureau_files_only_in_its_league(seeded, bureau_user, login):
    answer = login(bureau_user).post("/api/v1/platforms", {**GOOD, "region": "150600"},
                                     content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"]["data"]["errors"][0]["field"] == "region"


def test_a_second_platform_of_the_same_name_is_refused(seeded, bureau_user, login):
    client = login(bureau_user)
    assert client.post("/api/v1/platforms", GOOD, content_type="application/json").status_code == 201
    again = client.post("/api/v1/platforms", GOOD, content_type="application/json")
    assert again.status_code == 400 and again.json()["error"]["data"]["errors"][0]["field"] == "name"


def test_the_list_filters_by_kind_level_region_and_status(seeded, client):
    items = client.get("/api/v1/platforms?kind=innovation_centre&level=regional").json()["items"]
    assert len(items) == 6 and all("种业技术创新中心" in i["name"] for i in items)
    national = client.get("/api/v1/platforms?level=national&status=running").json()["items"]
    assert {i["name"] for i in national} >= {"国家乳业技术创新中心", "特种车辆设计制造集成技术全国重点实验室"}
    assert all(i["status_code"] == "running" for i in national)
    ordos = client.get("/api/v1/platforms?region=150600").json()["items"]
    assert [i["name"] for i in ordos] == ["鄂尔多斯自治区科技成果转移转化示范区"]


def test_counts_per_league_by_level_and_kind(seeded, bureau_user, department_user, login):
    client = login(bureau_user)
    pid = client.post("/api/v1/platforms", GOOD, content_type="application/json").json()["id"]
    counts = client.get("/api/v1/platforms/counts?year=2024").json()["counts"]
    assert not [c for c in counts if c["league"] == "150200" and c["kind"] == "key_lab"]  # not verified yet
    login(department_user).post(f"/api/v1/platforms/{pid}/review", {"decision": "verify"},
                                content_type="application/json")
    counts = client.get("/api/v1/platforms/counts?year=2024").json()["counts"]
    row = next(c for c in counts if c["league"] == "150200" and c["kind"] == "key_lab")
    assert (row["level"], row["approved"], row["total"]) == ("regional", 1, 1)
    earlier = client.get("/api/v1/platforms/counts?year=2023").json()["counts"]
    assert not [c for c in earlier if c["league"] == "150200" and c["kind"] == "key_lab"]


def test_counts_reject_an_implausible_year(client):
    answer = client.get("/api/v1/platforms/counts?year=99999")
    assert answer.status_code == 400 and answer.json()["error"]["data"]["errors"][0]["field"] == "year"


def test_an_anonymous_caller_cannot_file(seeded, client):
    assert client.post("/api/v1/platforms", GOOD, content_type="application/json").status_code == 401
    assert Platform.objects.filter(name=GOOD["name"]).count() == 0

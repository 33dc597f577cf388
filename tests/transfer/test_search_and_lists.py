"""Search and the record lists: region filters by name, highlighted word pieces, list parameters
refused by name, lapsed records left out, the broker list's queries."""

import datetime as dt

import pytest

from steppe.transfer import queries, services

from .conftest import CONTRACT

pytestmark = pytest.mark.django_db


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


def test_shared_fragments_lists_whole_words_first_and_does_not_repeat_pieces():
    got = queries.shared_fragments(["稀土永磁", "永磁材料", "技术"], "永磁材料与稀土技术")
    assert got == ["永磁材料", "技术", "稀土"]  # '永磁' is inside '永磁材料'


def test_a_long_query_shows_the_shared_words_without_splitting_them(make_published, institution_user):
    make_published("achievement", institution_user)
    words = "钕铁硼 晶界 扩散 " + " ".join(f"词{i}号" for i in range(60))
    _, hits = queries.search(words)
    assert hits and set(hits[0].terms) >= {"钕铁硼", "晶界"}
    assert all(len(t) >= 2 for t in hits[0].terms)


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
    assert error["field"] == path.split(".")[-1], error  # the parameter, by its name


@pytest.mark.parametrize("param", ["region", "field"])
def test_a_list_filter_with_a_nul_is_refused_by_name(client, param):
    r = client.get("/api/v1/transfer/achievements", {param: "包\x00头"})
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == param


def test_a_lapsed_record_is_neither_matched_nor_listed_before_the_daily_expiry(client, achievement):
    from steppe.transfer.models import Achievement as A

    assert client.get("/api/v1/transfer/search", {"q": "钕铁硼"}).json()["results"]
    from django.utils import timezone

    A.objects.filter(pk=achievement.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get("/api/v1/transfer/search", {"q": "钕铁硼"}).json()["results"] == []
    assert client.get("/api/v1/transfer/achievements").json() == []


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

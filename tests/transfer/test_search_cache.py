"""Search and match results are kept in the shared cache under the index's state (search.searches):
a repeated search asks the index nothing, and any change the index takes in shows at once."""

import pytest

from steppe.transfer import queries, search, services
from steppe.transfer.matching import MatchIndex

pytestmark = pytest.mark.django_db


@pytest.fixture
def searched(monkeypatch):
    """How many times the index itself was searched."""
    calls = []
    original = MatchIndex.search

    def counting(self, *args, **kwargs):
        calls.append(args[0][:20])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MatchIndex, "search", counting)
    return calls


def _titles(hits) -> list[str]:
    return [h.obj.title for h in hits]


def test_a_repeated_search_is_answered_from_the_cache(achievement, searched):
    first = _titles(queries.search("钕铁硼 永磁")[1])
    assert len(searched) == 1 and achievement.title in first
    assert _titles(queries.search("钕铁硼 永磁")[1]) == first and len(searched) == 1
    queries.search("钕铁硼 永磁", kind="demand")  # other filters: another entry
    assert len(searched) == 2


def test_a_record_published_after_a_search_is_found_at_once(
    client, achievement, make_published, institution_user, searched
):
    assert _titles(queries.search("钕铁硼 永磁")[1]) == [achievement.title]
    second = make_published("achievement", institution_user, title="钕铁硼永磁体回收技术", ip_numbers="ZL9")
    search.catch_up(force=True)  # what the commit of the publication runs (schedule_sync)
    assert second.title in _titles(queries.search("钕铁硼 永磁")[1])
    assert str(second.public_id) in client.get("/transfer/search/", {"q": "钕铁硼 永磁"}).content.decode()


def test_a_withdrawn_record_leaves_the_results_at_once(achievement, institution_user, department_user):
    assert _titles(queries.search("钕铁硼 永磁")[1]) == [achievement.title]
    services.listing_withdraw(actor=institution_user, listing=achievement, reason="已转让")
    search.catch_up(force=True)
    assert _titles(queries.search("钕铁硼 永磁")[1]) == []


def test_matches_for_me_are_cached_and_follow_new_records(
    client, demand, achievement, make_published, enterprise_user, institution_user, searched
):
    client.force_login(enterprise_user)
    assert str(achievement.public_id) in client.get("/transfer/mine/").content.decode()
    asked = len(searched)
    assert asked == 2  # the demand's achievements and experts
    client.get("/transfer/mine/")
    assert len(searched) == asked  # the second visit asks the index nothing
    newer = make_published("achievement", institution_user, title="晶界扩散降低重稀土用量新工艺", ip_numbers="ZL7")
    search.catch_up(force=True)
    assert str(newer.public_id) in client.get("/transfer/mine/").content.decode()


def test_an_edited_record_is_matched_by_its_new_text(
    client, demand, achievement, enterprise_user, department_user, make_published, institution_user
):
    other = make_published(
        "achievement", institution_user, title="牛羊肉冷链保鲜工艺", description="冷链物流保鲜", field="食品加工",
        ip_numbers="ZL5",
    )
    search.catch_up(force=True)
    matches = queries.matches_for_listing(demand)
    assert other.title not in _titles(matches["achievement"][1])
    services.listing_update(
        actor=department_user, listing=demand, data={"title": "牛羊肉冷链保鲜需求", "description": "冷链物流保鲜"}
    )
    search.catch_up(force=True)
    demand.refresh_from_db()
    assert _titles(queries.matches_for_listing(demand)["achievement"][1])[0] == other.title

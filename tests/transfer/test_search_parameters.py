"""The search page's and the API's ``kind``: an unknown value is a 400 naming it (it once fell back
silently to a search of every kind), as core.validation's other parameters are."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_search_page_and_api_refuse_an_unknown_kind_by_name(client, achievement):
    page = client.get("/transfer/search/", {"q": "钕铁硼", "kind": "castle"})
    assert page.status_code == 400 and "kind" in page.content.decode()
    r = client.get("/api/v1/transfer/search", {"q": "钕铁硼", "kind": "castle"})
    assert r.status_code == 400
    assert r.json()["error"]["data"]["errors"][0]["field"] == "kind"
    assert client.get("/transfer/search/", {"q": "钕铁硼", "kind": "achievement"}).status_code == 200

"""Bad input answers a 4xx naming what is wrong, never a 500, and changes nothing.

The issue's list: offsets and limits, huge years and amounts, NUL and control characters, text
without a length cap, JSON nested 100,000 levels, an oversized multipart header, non-numeric page
parameters, a year the rules do not cover, a broker registering twice, a bureau moving a record
out of its league, and roles that have no progress rounds listing them.
"""

import pytest

from steppe.core.models import ApiToken
from steppe.transfer import services as transfer
from steppe.transfer.models import Broker, Demand

pytestmark = pytest.mark.django_db

DEMAND = {
    "title": "稀土永磁电机降本需求",
    "description": "企业需要降低永磁电机中重稀土的用量。",
    "field": "材料科学与工程",
    "region": "150202",
    "budget": "80",
}


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.objects.issue(user)[1]}"}


def _fields(response) -> list[str]:
    return [e.get("field") for e in response.json()["error"]["data"]["errors"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=-1", "limit"), ("limit=100000000", "limit"), ("offset=-5", "offset"),
     ("offset=99999999999999999999", "offset")],
)
def test_offset_and_limit_out_of_range_name_the_parameter(client, department_user, query, field):
    r = client.get(f"/api/v1/policy/enterprises?{query}", **_bearer(department_user))
    assert r.status_code == 422 and _fields(r) == [field]
    r = client.get(f"/api/v1/transfer/demands?{query}")
    assert r.status_code == 422 and _fields(r) == [field]


def test_a_huge_year_names_the_parameter(client, department_user):
    r = client.get("/api/v1/transfer/contracts?year=99999999999999999999", **_bearer(department_user))
    assert r.status_code == 422 and _fields(r) == ["year"]


@pytest.mark.parametrize("amount", ["1e30", "1e309", "NaN", "Infinity", "-Infinity"])
def test_a_non_finite_or_huge_amount_in_json_is_refused(client, enterprise_user, amount):
    body = '{"title": "t", "description": "d", "region": "150202", "budget": ' + amount + '}'
    r = client.post("/api/v1/transfer/demands", body, content_type="application/json", **_bearer(enterprise_user))
    assert r.status_code == 400, r.content
    assert Demand.objects.count() == 0


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_characters_are_refused_in_json_and_forms(client, enterprise_user, char):
    r = client.post(
        "/api/v1/transfer/demands", DEMAND | {"title": f"需求{char}"}, content_type="application/json",
        **_bearer(enterprise_user),
    )
    assert r.status_code == 400 and _fields(r) == ["title"]
    client.force_login(enterprise_user)
    r = client.post("/transfer/demands/new/", DEMAND | {"title": f"需求{char}"})
    assert r.status_code == 400
    assert "title" in r.content.decode()
    assert Demand.objects.count() == 0


def test_a_description_of_megabytes_is_refused(client, enterprise_user):
    r = client.post(
        "/api/v1/transfer/demands", DEMAND | {"description": "长" * 7_700_000}, content_type="application/json",
        **_bearer(enterprise_user),
    )
    assert r.status_code == 400 and _fields(r) == ["description"]
    assert Demand.objects.count() == 0


def test_json_nested_100000_levels_is_refused(client, enterprise_user):
    body = "[" * 100_000 + "]" * 100_000
    r = client.post("/api/v1/transfer/demands", body, content_type="application/json", **_bearer(enterprise_user))
    assert r.status_code == 400
    assert "嵌套过深" in r.json()["error"]["message"]


def test_an_oversized_multipart_header_is_refused(client, department_user):
    boundary = "XyZ"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
        f"X-Padding: {'a' * 200_000}\r\n\r\nx\r\n--{boundary}--\r\n"
    ).encode()
    r = client.post(
        "/api/v1/transfer/demands/import", body, content_type=f"multipart/form-data; boundary={boundary}",
        **_bearer(department_user),
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("url", ["/monitoring/scorecard/?as_of=abc", "/monitoring/?as_of=99999999999"])
def test_a_non_numeric_page_parameter_is_a_400_naming_it(client, url, plan):
    r = client.get(url)
    assert r.status_code == 400
    assert "as_of" in r.content.decode()


@pytest.mark.parametrize(("year", "status"), [(1900, 422), (2007, 400), (2101, 422), (99999, 422)])
def test_an_anonymous_evaluation_for_a_year_without_rules_is_refused(client, year, status):
    """Outside the calendar (schema: 422) or before the rules start (the engine: 400)."""
    r = client.post("/api/v1/policy/evaluate", {"case": {}, "year": year}, content_type="application/json")
    assert r.status_code == status
    assert r.json()["error"]["code"] == "invalid"
    assert "year" in r.json()["error"]["message"]


def test_a_broker_cannot_register_twice(client, broker_user):
    headers = _bearer(broker_user)
    first = client.post(
        "/api/v1/transfer/brokers", {"name": "张三", "certificate_no": "JJ-001"}, content_type="application/json", **headers
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/transfer/brokers", {"name": "张三", "certificate_no": "JJ-002"}, content_type="application/json", **headers
    )
    assert again.status_code == 400 and _fields(again) == ["user"]
    assert Broker.objects.count() == 1


def test_a_bureau_cannot_move_a_record_out_of_its_league(bureau_user, enterprise_user):
    from steppe.core.errors import ValidationFailed

    demand = transfer.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    with pytest.raises(ValidationFailed) as refused:
        transfer.listing_update(actor=bureau_user, listing=demand, data={"region": "150602"})
    assert [e["field"] for e in refused.value.data["errors"]] == ["region"]
    demand.refresh_from_db()
    assert demand.region.code == "150202"
    transfer.listing_update(actor=bureau_user, listing=demand, data={"region": "150203"})  # within 包头


@pytest.mark.parametrize("persona", ["enterprise_user", "bank_user", "broker_user"])
def test_roles_without_rounds_do_not_list_them(client, persona, request, department_user):
    from steppe.supervision.services import round_open

    round_open(actor=department_user, period="2026-Q4", due_on="2026-12-31")
    r = client.get("/api/v1/rounds", **_bearer(request.getfixturevalue(persona)))
    assert r.status_code == 404
    assert client.get("/api/v1/rounds", **_bearer(department_user)).json()[0]["period"] == "2026-Q4"

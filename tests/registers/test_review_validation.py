"""A register record's review and withdrawal are checked by one form each (registers.forms.ReviewForm,
WithdrawForm), on the record page (registers:act) and through the API: the same field, the same
words in the request's language, every bad field at once, and nothing changes on bad input."""

import pytest
from django.contrib.messages import get_messages

from steppe.core.models import AuditEntry
from steppe.registers.models import Platform

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "稀土功能材料自治区重点实验室",
    "kind": "key_lab",
    "level": "regional",
    "host": "包头稀土研究院",
    "region": "150200",
    "field": "稀土",
    "status": "approved",
    "approved_on": "2024-06-30",
    "measures": ["A1-07"],
}


@pytest.fixture
def lab(seeded, bureau_user, login):
    answer = login(bureau_user).post("/api/v1/platforms", GOOD, content_type="application/json")
    assert answer.status_code == 201, answer.content
    return Platform.objects.get(public_id=answer.json()["id"])


def _page(client, lab, data) -> list[str]:
    answer = client.post(f"/registers/platforms/{lab.public_id}/act/", data)
    assert answer.status_code == 302
    return [str(m) for m in get_messages(answer.wsgi_request) if m.level_tag == "error"]


def _api(client, lab, action, body):
    return client.post(f"/api/v1/platforms/{lab.public_id}/{action}", body, content_type="application/json")


def _unchanged(lab, review="submitted", events=None):
    lab.refresh_from_db()
    assert lab.review == review
    if events is not None:
        assert AuditEntry.objects.count() == events


@pytest.mark.parametrize(
    "language,message", [("zh-hans", "退回时必须填写理由"), ("en", "a reason is required to return a record")]
)
def test_a_return_without_reason_is_refused_alike_on_the_page_and_the_api(
    lab, department_user, login, language, message
):
    client = login(department_user)
    client.cookies["django_language"] = language
    events = AuditEntry.objects.count()
    label = "意见" if language == "zh-hans" else "Comment"
    separator = "：" if language == "zh-hans" else ": "
    assert _page(client, lab, {"action": "return", "reason": "  "}) == [f"{label}{separator}{message}"]
    answer = _api(client, lab, "review", {"decision": "return"})
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["data"]["errors"] == [{"field": "reason", "message": message}]
    _unchanged(lab, events=events)


def test_every_bad_field_of_a_review_is_reported_at_once(lab, department_user, login):
    client = login(department_user)
    events = AuditEntry.objects.count()
    answer = _api(client, lab, "review", {"decision": "maybe", "reason": 5})
    assert answer.status_code == 422, answer.content  # a number where text belongs: the wrong kind
    assert answer.json()["error"]["data"]["errors"] == [
        {"field": "decision", "message": "应为 verify（核实）或 return（退回）"},
        {"field": "reason", "message": "应为文本"},
    ]
    answer = _api(client, lab, "review", {"reason": "x" * 2001})
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["error"]["data"]["errors"]] == ["decision", "reason"]
    _unchanged(lab, events=events)


def test_a_review_that_is_right_still_verifies(lab, department_user, login):
    answer = _api(login(department_user), lab, "review", {"decision": "verify"})
    assert answer.status_code == 200, answer.content
    _unchanged(lab, review="verified")


def test_a_withdrawal_reason_is_judged_alike_on_the_page_and_the_api(lab, bureau_user, login):
    client = login(bureau_user)
    events = AuditEntry.objects.count()
    too_long = "理" * 2001
    [page] = _page(client, lab, {"action": "withdraw", "reason": too_long})
    answer = _api(client, lab, "withdraw", {"reason": too_long})
    assert answer.status_code == 400
    [error] = answer.json()["error"]["data"]["errors"]
    assert error["field"] == "reason" and "2000" in error["message"]
    assert page == f"意见：{error['message']}"
    answer = _api(client, lab, "withdraw", {"reason": ["撤回"]})
    assert answer.status_code == 422
    assert answer.json()["error"]["data"]["errors"] == [{"field": "reason", "message": "应为文本"}]
    _unchanged(lab, events=events)
    assert _api(client, lab, "withdraw", {"reason": "重复登记"}).status_code == 200
    _unchanged(lab, review="withdrawn")


# ---------------------------------------------------------------- a record's body: the form judges its JSON types


def test_a_value_of_the_wrong_kind_is_named_by_the_form_every_one_at_once(seeded, bureau_user, login):
    client = login(bureau_user)
    body = {**GOOD, "name": 123, "approved_on": ["2024-06-30"], "region": True, "measures": [7], "level": "x"}
    answer = client.post("/api/v1/platforms", body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert {e["field"]: e["message"] for e in answer.json()["error"]["data"]["errors"]} == {
        "name": "应为文本",
        "approved_on": "应为文本",
        "region": "应为行政区划代码或地区名称（文本或数字）",
        "measures": "应为举措编号（文本，或文本的列表）",
        "level": "选择一个有效的选项。 x 不在可用的选项中。",
    }
    assert not Platform.objects.filter(host=GOOD["host"]).exists()


def test_a_wrong_kind_reads_in_english_on_english_requests(seeded, bureau_user, login):
    client = login(bureau_user)
    client.cookies["django_language"] = "en"
    answer = client.post(
        "/api/v1/talent",
        {"name": ["张三"], "year": "2024", "funding_wan": True},
        content_type="application/json",
    )
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["error"]["data"]["errors"]}
    assert (errors["name"], errors["funding_wan"]) == ("must be text", "must be a number")


def test_a_change_is_judged_on_what_it_sends(lab, bureau_user, login):
    client = login(bureau_user)
    answer = client.patch(f"/api/v1/platforms/{lab.public_id}", {"host": 5}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["error"]["data"]["errors"] == [{"field": "host", "message": "应为文本"}]
    lab.refresh_from_db()
    assert lab.host == GOOD["host"]
    ok = client.patch(
        f"/api/v1/platforms/{lab.public_id}", {"host": "包头稀土研究院二部"}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    lab.refresh_from_db()
    assert lab.host == "包头稀土研究院二部"


def test_the_bodies_still_document_each_field(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    platform = schemas["PlatformsRecordBody"]["properties"]
    assert platform["region"]["description"] == "地区" and "level" in platform and "measures" in platform
    assert set(schemas["RegisterReviewBody"]["properties"]) == {"decision", "reason"}
    assert set(schemas["LoansRecordBody"]["properties"]) >= {"enterprise", "amount_wan", "term_months"}


@pytest.mark.parametrize("field,value", [("approved_on", 20240630), ("approved_on", {"d": 1}), ("kind", 3),
                                         ("evaluated_on", 1.5)])
def test_a_number_or_object_for_a_date_or_choice_is_a_422_not_a_crash(seeded, bureau_user, login, field, value):
    answer = login(bureau_user).post("/api/v1/platforms", {**GOOD, field: value}, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"]["data"]["errors"] == [{"field": field, "message": "应为文本"}]
    assert not Platform.objects.filter(name=GOOD["name"]).exists()

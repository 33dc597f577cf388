"""One validator per write (transfer.validation) for the life cycle's small writes: an operator's
review of a record or a contract (ReviewDecisionValidator), publishing (PublishValidator), the reason
for withdrawing a record or voiding a contract (ReasonValidator), an expression of interest
(InterestValidator) and a negotiation's message (MessageValidator). The same bad input gets the same
errors on the page and through the API, each named by its field, every one at once, in the request's
language (Chinese by default, English on English requests); nothing is written."""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext
from tests.helpers import api_errors, expected_summary, summary

from steppe.core.models import AuditEntry
from steppe.transfer import services
from steppe.transfer.models import (
    Achievement,
    Contract,
    ContractStatus,
    Demand,
    Interest,
    ListingStatus,
    Message,
)
from steppe.transfer.validation import (
    MAX_NOTE_LENGTH,
    InterestValidator,
    MessageValidator,
    PublishValidator,
    ReasonValidator,
    ReviewDecisionValidator,
)

from .conftest import CONTRACT, DEMAND

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def api(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


# pages whose forms are refused in place: the page again with its errors, 400 (core.pages)
REFUSED_IN_PLACE = ("/transfer/contracts/", "/transfer/interests/", "/transfer/scenarios/", "/transfer/experts/")


def page_summary(client, response) -> str:
    """The error box the page shows after a refused form: the page again (400), or for a record's
    buttons the record it redirects back to."""
    if response.request["PATH_INFO"].startswith(REFUSED_IN_PLACE):
        assert response.status_code == 400, response.content
        return summary(response.content.decode())
    assert response.status_code == 302, response.content
    return summary(client.get(response["Location"]).content.decode())


# ---------------------------------------------------------------- review: records and contracts


@pytest.fixture
def submitted_demand(enterprise_user):
    return services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_return_without_a_reason_is_refused_alike_on_the_record_page_and_the_api(
    client, bearer, department_user, submitted_demand, speak, language
):
    speak(language)
    client.force_login(department_user)
    headers = bearer(department_user)
    audit = AuditEntry.objects.count()
    with translation.override(language):
        needs_reason = gettext("退回时必须填写理由")
    assert needs_reason == (
        "退回时必须填写理由" if language == "zh-hans" else "a reason is required to return a record"
    )

    r = api(
        client,
        f"/api/v1/transfer/demands/{submitted_demand.public_id}/review",
        {"decision": "return"},
        headers,
    )
    assert api_errors(r) == {"reason": needs_reason}
    r = client.post(f"/transfer/demands/{submitted_demand.public_id}/return/", {"reason": "  "})
    assert page_summary(client, r) == expected_summary(
        {"reason": needs_reason}, ReviewDecisionValidator.LABELS, language
    )
    submitted_demand.refresh_from_db()
    assert submitted_demand.status == ListingStatus.SUBMITTED and submitted_demand.review_note == ""
    assert AuditEntry.objects.count() == audit


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_bad_field_of_a_review_is_named_at_once(
    client, bearer, department_user, submitted_demand, speak, language
):
    speak(language)
    client.force_login(department_user)
    headers = bearer(department_user)
    long = "理" * (MAX_NOTE_LENGTH + 1)
    with translation.override(language):
        too_long = gettext("不能超过 %(max)s 字") % {"max": MAX_NOTE_LENGTH}
        bad_decision = gettext("审核结论应为 {choices}").format(choices="accept | return")
    r = api(client, f"/api/v1/transfer/demands/{submitted_demand.public_id}/review",
            {"decision": "maybe", "reason": long}, headers)  # fmt: skip
    assert api_errors(r) == {"decision": bad_decision, "reason": too_long}
    # the page's buttons send the decision in the path: the reason is what can be wrong there
    r = client.post(f"/transfer/demands/{submitted_demand.public_id}/return/", {"reason": long})
    assert page_summary(client, r) == expected_summary(
        {"reason": too_long}, ReviewDecisionValidator.LABELS, language
    )
    r = api(client, f"/api/v1/transfer/demands/{submitted_demand.public_id}/review",
            {"decision": "return", "reason": long}, headers)  # fmt: skip
    assert api_errors(r) == {"reason": too_long}
    submitted_demand.refresh_from_db()
    assert submitted_demand.status == ListingStatus.SUBMITTED and submitted_demand.review_note == ""
    assert (
        not AuditEntry.objects.filter(action__startswith="transfer.demand.")
        .exclude(action="transfer.demand.submit")
        .exists()
    )


def test_a_review_value_of_the_wrong_json_kind_is_a_422_naming_it(
    client, bearer, department_user, submitted_demand
):
    r = api(client, f"/api/v1/transfer/demands/{submitted_demand.public_id}/review",
            {"decision": True, "reason": ["x"]}, bearer(department_user))  # fmt: skip
    assert api_errors(r, 422) == {"decision": "应为文本", "reason": "应为文本"}
    assert Demand.objects.get(pk=submitted_demand.pk).status == ListingStatus.SUBMITTED


def test_a_good_review_still_goes_through_on_both(
    client, bearer, department_user, enterprise_user, submitted_demand
):
    r = api(client, f"/api/v1/transfer/demands/{submitted_demand.public_id}/review",
            {"decision": "return", "reason": "  请补充预算  "}, bearer(department_user))  # fmt: skip
    assert r.status_code == 200, r.content
    submitted_demand.refresh_from_db()
    assert (submitted_demand.status, submitted_demand.review_note) == (ListingStatus.RETURNED, "请补充预算")
    other = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND | {"title": "另一需求"})
    client.force_login(department_user)
    client.post(f"/transfer/demands/{other.public_id}/accept/")
    assert Demand.objects.get(pk=other.pk).status == ListingStatus.ACCEPTED


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_contract_review_gets_the_same_errors_on_the_contracts_page_and_the_api(
    client, bearer, department_user, speak, language
):
    c = services.contract_register(actor=department_user, data=CONTRACT)
    c.status = ContractStatus.SUBMITTED
    c.save(update_fields=["status"])
    before = (c.status, c.review_note, c.reviewed_at)
    speak(language)
    client.force_login(department_user)
    long = "x" * (MAX_NOTE_LENGTH + 1)
    with translation.override(language):
        errors = {
            "decision": gettext("审核结论应为 {choices}").format(choices="approve | return"),
            "reason": gettext("不能超过 %(max)s 字") % {"max": MAX_NOTE_LENGTH},
        }
    r = api(client, f"/api/v1/transfer/contracts/{c.public_id}/review", {"decision": "accept", "reason": long},
            bearer(department_user))  # fmt: skip
    assert api_errors(r) == errors
    r = client.post(
        "/transfer/contracts/", {"review": str(c.public_id), "decision": "accept", "reason": long}
    )
    assert page_summary(client, r) == expected_summary(errors, ReviewDecisionValidator.LABELS, language)
    r = client.post("/transfer/contracts/", {"review": str(c.public_id), "decision": "return"})
    with translation.override(language):
        needs = {"reason": gettext("退回时必须填写理由")}
    assert page_summary(client, r) == expected_summary(needs, ReviewDecisionValidator.LABELS, language)
    c.refresh_from_db()
    assert (c.status, c.review_note, c.reviewed_at) == before
    assert not Contract.objects.exclude(status=ContractStatus.SUBMITTED).exists()


def test_the_reviews_declare_their_409(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/transfer/achievements/{public_id}/review", "/api/v1/transfer/demands/{public_id}/review",
                 "/api/v1/transfer/contracts/{public_id}/review"):  # fmt: skip
        assert paths[path]["post"]["responses"]["409"]["description"].startswith("Conflict: "), path


# ---------------------------------------------------------------- publish, withdraw, void


def _in(language, message, **values):
    with translation.override(language):
        text = gettext(message)
    return (text % values if "%(" in text else text.format(**values)) if values else text


@pytest.fixture
def accepted_demand(enterprise_user, department_user):
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    services.listing_review(actor=department_user, listing=d, decision="accept")
    return d


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_validity_date_not_after_today_is_refused_alike_on_the_page_and_the_api(
    client, bearer, department_user, accepted_demand, speak, language
):
    speak(language)
    client.force_login(department_user)
    url = f"demands/{accepted_demand.public_id}"
    for bad, status, message in (
        ("2020-01-01", 400, _in(language, "有效期必须晚于今天")),
        ("2026-02-30", 400, _in(language, "“%(value)s” 不是有效日期，应写作 YYYY-MM-DD", value="2026-02-30")),  # text, not a date
    ):
        errors = {"expires_on": message}
        r = api(client, f"/api/v1/transfer/{url}/publish", {"expires_on": bad}, bearer(department_user))
        assert api_errors(r, status) == errors
        r = client.post(f"/transfer/{url}/publish/", {"expires_on": bad})
        assert page_summary(client, r) == expected_summary(errors, PublishValidator.LABELS, language)
    accepted_demand.refresh_from_db()
    assert (accepted_demand.status, accepted_demand.expires_on) == (ListingStatus.ACCEPTED, None)
    r = api(client, f"/api/v1/transfer/{url}/publish", {"expires_on": 20300101}, bearer(department_user))
    assert api_errors(r, 422) == {"expires_on": _in(language, "“%(value)s” 不是有效日期，应写作 YYYY-MM-DD", value=20300101)}
    r = api(client, f"/api/v1/transfer/{url}/publish", {"expires_on": "2030-01-01"}, bearer(department_user))
    assert r.status_code == 200 and r.json()["status"] == "published"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withdrawal_reason_too_long_is_refused_alike(
    client, bearer, enterprise_user, accepted_demand, speak, language
):
    speak(language)
    client.force_login(enterprise_user)
    errors = {"reason": _in(language, "不能超过 %(max)s 字", max=MAX_NOTE_LENGTH)}
    long = "因" * (MAX_NOTE_LENGTH + 1)
    url = f"demands/{accepted_demand.public_id}"
    r = api(client, f"/api/v1/transfer/{url}/withdraw", {"reason": long}, bearer(enterprise_user))
    assert api_errors(r) == errors
    r = client.post(f"/transfer/{url}/withdraw/", {"reason": long})
    assert page_summary(client, r) == expected_summary(errors, ReasonValidator.LABELS, language)
    assert Demand.objects.get(pk=accepted_demand.pk).status == ListingStatus.ACCEPTED
    assert not AuditEntry.objects.filter(action="transfer.demand.withdraw").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_void_without_a_reason_is_refused_alike_on_the_contracts_page_and_the_api(
    client, bearer, department_user, speak, language
):
    c = services.contract_register(actor=department_user, data=CONTRACT)
    speak(language)
    client.force_login(department_user)
    for bad, errors in (
        ("   ", {"reason": _in(language, "撤销须说明理由")}),
        ("x" * (MAX_NOTE_LENGTH + 1), {"reason": _in(language, "不能超过 %(max)s 字", max=MAX_NOTE_LENGTH)}),
    ):
        r = api(
            client, f"/api/v1/transfer/contracts/{c.public_id}/void", {"reason": bad}, bearer(department_user)
        )
        assert api_errors(r) == errors
        r = client.post("/transfer/contracts/", {"void": str(c.public_id), "reason": bad})
        assert page_summary(client, r) == expected_summary(errors, ReasonValidator.LABELS, language)
    assert Contract.objects.get(pk=c.pk).status == ContractStatus.REGISTERED
    assert not AuditEntry.objects.filter(action="transfer.contract.void").exists()


# ---------------------------------------------------------------- interest and messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_bad_field_of_an_interest_is_named_at_once_alike(
    client, bearer, enterprise_user, achievement, speak, language
):
    speak(language)
    client.force_login(enterprise_user)
    long = "合" * (MAX_NOTE_LENGTH + 1)
    errors = {
        "note": _in(language, "不能超过 %(max)s 字", max=MAX_NOTE_LENGTH),
        "broker": _in(language, "未找到所选的技术经纪人，请重新选择"),
    }
    url = f"achievements/{achievement.public_id}"
    headers = bearer(enterprise_user)
    r = api(client, f"/api/v1/transfer/{url}/interests", {"note": long, "broker": "not-a-uuid"}, headers)
    assert api_errors(r) == errors
    r = client.post(f"/transfer/{url}/interest/", {"note": long, "broker": "not-a-uuid"})
    assert page_summary(client, r) == expected_summary(errors, InterestValidator.LABELS, language)
    r = api(
        client, f"/api/v1/transfer/{url}/interests", {"note": long, "broker_certificate": "NO-SUCH"}, headers
    )
    assert api_errors(r) == {
        "note": errors["note"],
        "broker_certificate": _in(language, "未登记的技术经纪人证书编号：{value}", value="NO-SUCH"),
    }
    r = api(client, f"/api/v1/transfer/{url}/interests", {"note": 5}, headers)
    assert api_errors(r, 422) == {"note": _in(language, "应为文本")}
    assert not Interest.objects.exists() and not Message.objects.exists()
    assert Achievement.objects.get(pk=achievement.pk).status == ListingStatus.PUBLISHED


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_message_is_refused_alike_on_the_negotiation_page_and_the_api(
    client, bearer, enterprise_user, achievement, speak, language
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement)
    speak(language)
    client.force_login(enterprise_user)
    url = f"/api/v1/transfer/interests/{interest.public_id}/messages"
    for bad, errors in (
        ("  ", {"body": _in(language, "必填")}),
        ("话" * (MAX_NOTE_LENGTH + 1), {"body": _in(language, "不能超过 %(max)s 字", max=MAX_NOTE_LENGTH)}),
    ):
        assert api_errors(api(client, url, {"body": bad}, bearer(enterprise_user))) == errors
        r = client.post(f"/transfer/interests/{interest.public_id}/", {"body": bad})
        assert page_summary(client, r) == expected_summary(errors, MessageValidator.LABELS, language)
    assert api_errors(api(client, url, {}, bearer(enterprise_user))) == {"body": _in(language, "必填")}
    assert not Message.objects.exists()
    assert Interest.objects.get(pk=interest.pk).status == "open"


def test_publishing_and_withdrawing_declare_their_409(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for plural in ("achievements", "demands"):
        for action in ("publish", "withdraw"):
            path = f"/api/v1/transfer/{plural}/{{public_id}}/{action}"
            assert paths[path]["post"]["responses"]["409"]["description"].startswith("Conflict: "), path


def test_a_json_number_sent_for_any_date_is_a_422_naming_it(client, bearer, enterprise_user, department_user):
    """Python reads "20270630" as an ISO date: a JSON number must not pass for one (publish, a demand's
    deadline, a contract's dates alike)."""
    r = api(client, "/api/v1/transfer/demands", DEMAND | {"deadline": 20270630}, bearer(enterprise_user))
    assert api_errors(r, 422) == {"deadline": "“20270630” 不是有效日期，应写作 YYYY-MM-DD"}
    r = api(client, "/api/v1/transfer/contracts", CONTRACT | {"signed_on": 20250301}, bearer(department_user))
    assert api_errors(r, 422) == {"signed_on": "“20250301” 不是有效日期，应写作 YYYY-MM-DD"}
    assert not Demand.objects.exists() and not Contract.objects.exists()


# ---------------------------------------------------------------- scenario rounds, scenarios, promotion, experts, brokers


def _same_on_page_and_api(
    client, page_url, page_data, api_url, api_data, headers, labels, language, status=400
):
    """The API's errors for `api_data`, after checking the page says the same for `page_data`."""
    errors = api_errors(api(client, api_url, api_data, headers), status)
    r = client.post(page_url, page_data)
    assert page_summary(client, r) == expected_summary(errors, labels, language)
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_round_and_a_bad_scenario_get_the_same_errors_on_the_page_and_the_api(
    client, bearer, department_user, speak, language
):
    from steppe.transfer.models import Scenario, ScenarioRound
    from steppe.transfer.validation import RoundValidator, ScenarioValidator

    speak(language)
    client.force_login(department_user)
    headers = bearer(department_user)
    bad = {"number": "x", "title": " ", "published_on": "2026-02-30"}
    errors = _same_on_page_and_api(client, "/transfer/scenarios/", bad, "/api/v1/transfer/scenarios/rounds", bad,
                                   headers, RoundValidator.LABELS, language)  # fmt: skip
    assert set(errors) == {"number", "title", "published_on"}
    r = api(client, "/api/v1/transfer/scenarios/rounds", {"number": 5, "title": "第五批", "published_on": 20260501},
            headers)  # fmt: skip
    assert set(api_errors(r, 422)) == {"published_on"}  # a number is not a date
    assert not ScenarioRound.objects.exists()

    services.scenario_round_create(actor=department_user, number=2, title="第二批")
    bad = {"title": "", "owner": "", "needs": "x" * 5001, "deadline": "2026-13-01"}
    errors = _same_on_page_and_api(client, "/transfer/scenarios/", {"what": "scenario", "round": "", **bad},
                                   "/api/v1/transfer/scenarios", {"round": "", **bad}, headers,
                                   ScenarioValidator.LABELS, language)  # fmt: skip
    assert errors == {
        "round": _in(language, "请选择场景清单批次"),
        "title": _in(language, "必填"),
        "owner": _in(language, "必填"),
        "needs": _in(language, "不能超过 %(max)s 字", max=5000),
        "deadline": _in(language, "“%(value)s” 不是有效日期，应写作 YYYY-MM-DD", value="2026-13-01"),
    }
    r = api(
        client, "/api/v1/transfer/scenarios", {"round": 9, "title": "t", "owner": "o", "needs": "n"}, headers
    )
    assert api_errors(r) == {"round": _in(language, "第{n}批不存在", n=9)}
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_promotion_gets_the_same_errors_on_the_record_page_and_the_api(
    client, bearer, department_user, demand, speak, language
):
    from steppe.transfer.models import Scenario
    from steppe.transfer.validation import PromoteValidator

    speak(language)
    client.force_login(department_user)
    errors = _same_on_page_and_api(client, f"/transfer/demands/{demand.public_id}/promote/",
                                   {"round": "", "owner": "o" * 201},
                                   f"/api/v1/transfer/demands/{demand.public_id}/promote", {"owner": "o" * 201},
                                   bearer(department_user), PromoteValidator.LABELS, language)  # fmt: skip
    assert errors == {
        "round": _in(language, "请选择场景清单批次"),
        "owner": _in(language, "不能超过 %(max)s 字", max=200),
    }
    r = api(client, f"/api/v1/transfer/demands/{demand.public_id}/promote", {"round": 9, "deadline": 20270101},
            bearer(department_user))  # fmt: skip
    assert set(api_errors(r, 422)) == {"round", "deadline"}
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_expert_and_a_bad_broker_get_the_same_errors_on_the_experts_page_and_the_api(
    client, bearer, department_user, speak, language
):
    from steppe.transfer.models import Broker, Expert
    from steppe.transfer.validation import BrokerValidator, ExpertValidator

    speak(language)
    client.force_login(department_user)
    headers = bearer(department_user)
    many = "、".join(f"领域{i}" for i in range(11))
    bad = {"name": " ", "fields": many, "profile": "p" * 5001}
    errors = _same_on_page_and_api(client, "/transfer/experts/", bad, "/api/v1/transfer/experts", bad, headers,
                                   ExpertValidator.LABELS, language)  # fmt: skip
    assert set(errors) == {"name", "fields", "profile"}
    r = api(client, "/api/v1/transfer/experts", {"name": "张", "fields": [1]}, headers)
    assert set(api_errors(r, 422)) == {"fields"}
    assert not Expert.objects.exists()

    services.broker_register(actor=department_user, data={"name": "王", "certificate_no": "C-1"})
    bad = {"name": "", "certificate_no": "C-1", "fields": many}
    errors = _same_on_page_and_api(client, "/transfer/experts/", {"what": "broker", **bad}, "/api/v1/transfer/brokers",
                                   bad, headers, BrokerValidator.LABELS, language)  # fmt: skip
    assert errors == {
        "name": _in(language, "必填"),
        "certificate_no": _in(language, "证书编号已登记：{value}", value="C-1"),
        "fields": _in(language, "服务领域至多 {max} 项（现有 {n} 项）", max=10, n=11),
    }
    assert Broker.objects.count() == 1


def test_an_english_error_summary_keeps_every_error():
    """A fullwidth '；' between English errors made the summary read as a Chinese-then-English
    message, and the page's language filter kept only the last error."""
    from steppe.core.bilingual import in_language
    from steppe.core.errors import DomainError
    from steppe.transfer.validation import page_errors, page_summary

    with translation.override("en"):
        shown = page_summary({"title": "Required", "price": "Must be a number"}, {"title": "Title", "price": "Price"})
        assert in_language(shown, "en") == shown
        assert "Title: Required" in shown and "Price: Must be a number" in shown
        refused = DomainError("invalid", "bad", data={"errors": [{"field": "a", "message": "Required"},
                                                                    {"field": "b", "message": "Too long"}]})
        general = page_errors(refused, {})["general"]
    assert "；" not in shown + general and in_language(general, "en") == general

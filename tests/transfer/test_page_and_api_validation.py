"""One validator per write (transfer.validation) for the life cycle's small writes: an operator's
review of a record or a contract (ReviewDecisionValidator), ... The same bad input gets the same
errors on the page and through the API, each named by its field, every one at once, in the request's
language (Chinese by default, English on English requests); nothing is written."""

import html
import json
import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from steppe.core.models import AuditEntry
from steppe.transfer import services
from steppe.transfer.models import Contract, ContractStatus, Demand, ListingStatus
from steppe.transfer.validation import MAX_NOTE_LENGTH, ReviewDecisionValidator

from .conftest import CONTRACT, DEMAND

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def api(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def api_errors(r, status=400) -> dict:
    assert r.status_code == status, r.content
    return {e["field"]: e["message"] for e in r.json()["error"]["data"]["errors"]}


def page_summary(client, response) -> str:
    """The error box the page shows after a refused button (it redirects back to the record)."""
    assert response.status_code == 302, response.content
    page = client.get(response["Location"]).content.decode()
    (box,) = re.findall(r'<li class="msg-error">(.*?)</li>', page, re.S)
    return html.unescape(box)


def expected_summary(errors: dict, labels: dict, language: str) -> str:
    with translation.override(language):
        return gettext("有 %(n)s 处需要修改：") % {"n": len(errors)} + gettext("；").join(
            f"{gettext(str(labels[f]))}{gettext('：')}{m}" for f, m in errors.items()
        )


@pytest.fixture
def speak(client):
    def _speak(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    return _speak


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
        too_long = gettext("超过 {max} 字").format(max=MAX_NOTE_LENGTH)
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
            "reason": gettext("超过 {max} 字").format(max=MAX_NOTE_LENGTH),
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

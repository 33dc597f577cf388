"""One validator per write (challenges.validation): a 榜单, an application, an expert's review, a
selection and a 军令状 with its milestones are checked alike on the page and through the API. The same
bad input gets the same errors, each named by its field, every one at once, in the request's
language (Chinese by default, English on English requests); nothing is written."""

import html
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from steppe.challenges.models import Challenge, ChallengeTarget
from steppe.challenges.validation import ChallengeValidator
from steppe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def api(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def api_errors(r) -> dict:
    assert r.status_code == 400, r.content
    return {e["field"]: e["message"] for e in r.json()["error"]["data"]["errors"]}


def summary(page: str) -> str:
    """The error box at the top of the page."""
    (box,) = re.findall(r'<li class="msg-error">(.*?)</li>', page, re.S)
    return html.unescape(box)


def expected_summary(errors: dict, labels: dict, language: str) -> str:
    """What the page says for `errors`: each named by its field's label, in the page's language."""
    with translation.override(language):
        return gettext("有 %(n)s 处需要修改：") % {"n": len(errors)} + gettext("；").join(
            f"{gettext(str(labels[f]))}{gettext('：')}{m}" for f, m in errors.items()
        )


@pytest.fixture
def speak(client):
    def _speak(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    return _speak


# ---------------------------------------------------------------- the challenge itself


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_challenge_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, speak, language
):
    speak(language)
    audit = AuditEntry.objects.count()
    past = (timezone.localdate().replace(year=2020)).isoformat()
    body = {"title": "", "problem": "难题", "budget": "abc", "deadline": past, "max_teams": "0",
            "targets": [{"code": "t1", "name": "", "comparison": ">=", "value": "Infinity"}]}  # fmt: skip
    errors = api_errors(api(client, "/api/v1/challenges", body, bearer(dept)))
    fields = {"title", "budget", "deadline", "max_teams", "targets[0].name", "targets[0].value"}
    assert set(errors) == fields  # every one at once
    client.force_login(dept)
    form = {"title": "", "problem": "难题", "budget": "abc", "deadline": past, "max_teams": "0",
            "eligible_kinds": ["enterprise", "institution"], "eligible_region_prefix": "15",
            "t1_name": "", "t1_cmp": ">=", "t1_value": "Infinity"}  # fmt: skip
    page = client.post("/supervision/challenges/new/", form).content.decode()
    # the page names each field by its label (target rows by their number), with the API's words
    assert summary(page) == expected_summary(errors, ChallengeValidator.page_labels([1]), language)
    assert "title:" not in page and "targets[0]" not in page
    with translation.override(language):
        assert errors["title"] == gettext("必填")
        assert errors["deadline"] == gettext("揭榜截止日期不能早于今天")
    if language == "en":
        assert (
            "Target 1: Required" in summary(page)
            and "must be a whole number from 1 to 1000" in errors["max_teams"]
        )
    assert not Challenge.objects.exists() and not ChallengeTarget.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_the_api_judges_json_kinds_with_the_validators_words_not_pydantics(client, bearer, dept):
    body = {"title": 5, "problem": ["x"], "budget": True, "deadline": 20991231, "max_teams": 2.5,
            "eligible_kinds": "enterprise", "eligible_region_prefix": 15, "targets": {"name": "纯度"}}  # fmt: skip
    errors = api_errors(api(client, "/api/v1/challenges", body, bearer(dept)))
    assert errors == {
        "title": "应为文本", "problem": "应为文本", "budget": "“True” 不是数字",
        "deadline": "“20991231” 不是有效日期，应写作 YYYY-MM-DD", "max_teams": "“2.5” 应为 1 到 1000 之间的整数",
        "eligible_kinds": "应为列表", "eligible_region_prefix": "应为文本", "targets": "应为列表",
    }  # fmt: skip
    assert not Challenge.objects.exists()


def test_a_target_row_with_a_value_and_no_name_is_named_not_dropped(login, dept):
    page = login(dept).post(
        "/supervision/challenges/new/",
        {"title": "榜", "problem": "难题", "budget": "10", "deadline": "2099-01-01", "eligible_kinds": ["enterprise"],
         "t1_name": "纯度", "t1_value": "99", "t2_name": "", "t2_value": "5"},
    ).content.decode()  # fmt: skip
    # before: the second row was dropped silently and the challenge saved with one target
    assert summary(page) == "有 1 处需要修改：指标名称 2：不能为空，且不超过 200 字"
    assert not Challenge.objects.exists()

"""An index build's parameters are checked by one validator (evaluation.validation.BuildValidator):
the framework page's build button, the API's POST .../runs and services.index_build_check give the
same fields and words, every bad field at once, in the request's language, and nothing is queued."""

import pytest
from django.contrib.messages import get_messages

from steppe.core.errors import ValidationFailed
from steppe.core.jobs.models import Job
from steppe.evaluation.models import IndexRun

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation/frameworks/asem-coinr-example/runs"
PAGE = "/evaluation/asem-coinr-example/build/"


def _page(client, data) -> list[str]:
    r = client.post(PAGE, data)
    assert r.status_code == 302
    return [str(m) for m in get_messages(r.wsgi_request)]


def _nothing_queued():
    assert not Job.objects.exists() and not IndexRun.objects.exists()


@pytest.mark.parametrize(
    "language,expected",
    [
        (
            "zh-hans",
            [
                ("replications", "蒙特卡洛模拟次数：", "“lots” 不是整数"),
                ("method", "计分方法：", "未知的计分方法"),
            ],
        ),
        (
            "en",
            [
                ("replications", "Monte Carlo replications: ", "“lots” is not a whole number"),
                ("method", "How it is scored: ", "Unknown scoring method"),
            ],
        ),
    ],
)
def test_the_page_and_the_api_name_the_same_fields_in_the_same_words(
    client, login, department_user, language, expected
):
    login(department_user)
    client.cookies["django_language"] = language
    body = {"replications": "lots", "method": "nonsense"}
    r = client.post(API, body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["error"]["data"]["errors"] == [{"field": f, "message": m} for f, _label, m in expected]
    separator = "；" if language == "zh-hans" else "; "  # a fullwidth one would read as "中文 English"
    assert _page(client, body) == [separator.join(f"{label}{m}" for _f, label, m in expected)]
    _nothing_queued()


def test_values_of_the_wrong_kind_are_all_named_with_a_422(client, login, department_user):
    login(department_user)
    r = client.post(
        API, {"replications": 1.5, "seed": [1], "year": True, "method": 3}, content_type="application/json"
    )
    assert r.status_code == 422, r.content
    assert {e["field"]: e["message"] for e in r.json()["error"]["data"]["errors"]} == {
        "replications": "“1.5” 不是整数",
        "seed": "“[1]” 不是整数",
        "year": "“True” 不是整数",
        "method": "应为文本",
    }
    _nothing_queued()


def test_seed_and_year_are_checked_too(client, login, department_user):
    login(department_user)
    r = client.post(API, {"seed": -1, "year": 1800, "replications": 20001}, content_type="application/json")
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["replications", "seed", "year"]
    messages = _page(client, {"seed": "-1", "year": "1800", "replications": "20001"})
    assert messages == [
        "蒙特卡洛模拟次数：应在 0 到 20000 之间；随机种子：应在 0 到 4294967295 之间；"
        "数据年份：应在 1949 到 2100 之间"
    ]
    _nothing_queued()


def test_the_services_check_uses_the_same_validator(regions):
    from steppe.evaluation.services import index_build_check

    with pytest.raises(ValidationFailed) as caught:
        index_build_check(framework="asem-coinr-example", method="nonsense", replications=-1)
    assert caught.value.data["errors"] == [
        {"field": "replications", "message": "应在 0 到 20000 之间"},
        {"field": "method", "message": "未知的计分方法"},
    ]

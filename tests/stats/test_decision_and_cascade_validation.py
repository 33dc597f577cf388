"""A submission's decision (stats.forms.DecisionForm: the submissions page and the API's approve and
return) and the league targets of the cascade (stats.forms.CascadeForm) are checked by one form each:
the field named in the request's language, every bad field at once, nothing written on bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steppe.core.models import AuditEntry
from steppe.plans.models import LeagueTarget
from steppe.stats.models import Import, ImportDecision

pytestmark = pytest.mark.django_db

BODY = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,x\n".encode()


@pytest.fixture
def submission(client, indicators, bureau_user):
    client.force_login(bureau_user)
    r = client.post(
        "/monitoring/submissions/", {"action": "submit", "file": SimpleUploadedFile("s.csv", BODY)}
    )
    assert r.status_code == 302
    client.logout()
    return Import.objects.get()


def _page_error(client, submission, action, comment) -> str:
    r = client.post(
        "/monitoring/submissions/", {"action": action, "submission": submission.pk, "comment": comment}
    )
    assert r.status_code == 400
    return r.context["error"]


def _api(client, submission, action, body):
    return client.post(
        f"/api/v1/observations/imports/{submission.pk}/{action}", body, content_type="application/json"
    )


@pytest.mark.parametrize(
    "language,label,message",
    [("zh-hans", "意见：", "退回须填写意见"), ("en", "Comment: ", "a return needs a comment")],
)
def test_a_return_without_comment_is_named_alike_on_the_page_and_the_api(
    client, submission, department_user, language, label, message
):
    client.force_login(department_user)
    client.cookies["django_language"] = language
    decisions = ImportDecision.objects.count()  # the submission's own
    assert _page_error(client, submission, "return", " ") == f"{label}{message}"
    r = _api(client, submission, "return", {"comment": ""})
    assert r.status_code == 400 and r.json()["error"]["code"] == "comment_required"
    assert r.json()["error"]["data"]["errors"] == [{"field": "comment", "message": message}]
    submission.refresh_from_db()
    assert submission.status == "submitted" and ImportDecision.objects.count() == decisions


def test_a_comment_too_long_or_of_the_wrong_kind_is_refused_and_nothing_is_decided(
    client, submission, department_user
):
    client.force_login(department_user)
    decisions = ImportDecision.objects.count()
    page = _page_error(client, submission, "approve", "意" * 1001)
    r = _api(client, submission, "approve", {"comment": "意" * 1001})
    assert r.status_code == 400
    [error] = r.json()["error"]["data"]["errors"]
    assert error["field"] == "comment" and "1000" in error["message"]
    assert page == f"意见：{error['message']}"
    r = _api(client, submission, "approve", {"comment": 42})
    assert r.status_code == 422
    assert r.json()["error"]["data"]["errors"] == [{"field": "comment", "message": "应为文本"}]
    submission.refresh_from_db()
    assert submission.status == "submitted" and ImportDecision.objects.count() == decisions
    assert _api(client, submission, "approve", {}).status_code == 200  # no comment: still an approval


# ---------------------------------------------------------------- the cascade


def test_every_bad_league_value_is_named_and_none_is_written(login, plan, published, department_user):
    client = login(department_user)
    events = AuditEntry.objects.count()
    r = client.post(
        "/monitoring/cascade/T3/edit/",
        {"v_150200": "abc", "v_150100": "80", "v_150300": "-1", "source": "文" * 301},
    )
    assert r.status_code == 400
    summary = r.context["form"].error_summary
    assert [(name, label) for name, label, _m in summary] == [
        ("source", "依据(文件名称或文号)"),
        ("v_150200", "包头市"),
        ("v_150300", "乌海市"),
    ]
    assert [m for _n, _l, m in summary][1:] == ["目标值须为非负数", "目标值须为非负数"]
    page = r.content.decode()
    assert "有 3 处需要修改" in page and "The target value" not in page
    assert (
        not LeagueTarget.objects.exists() and AuditEntry.objects.count() == events
    )  # 呼和浩特's 80 is not kept


def test_the_cascade_names_bad_values_in_english_on_english_pages(login, plan, published, department_user):
    client = login(department_user)
    client.cookies["django_language"] = "en"
    r = client.post("/monitoring/cascade/T3/edit/", {"v_150200": "abc", "source": ""})
    assert r.status_code == 400
    [(name, label, message)] = r.context["form"].error_summary
    assert (name, message) == ("v_150200", "must be a number, 0 or more") and label == "Baotou"
    assert not LeagueTarget.objects.exists()


@pytest.mark.parametrize(
    "language,shown,hidden",
    [
        ("zh-hans", "该报送不在待审核状态", "not awaiting review"),
        ("en", "This submission is not awaiting review", "待审核"),
    ],
)
def test_a_refused_decision_on_the_page_speaks_the_pages_language_only(
    client, submission, department_user, language, shown, hidden
):
    client.force_login(department_user)
    assert _api(client, submission, "approve", {}).status_code == 200
    client.cookies["django_language"] = language
    r = client.post("/monitoring/submissions/", {"action": "approve", "submission": submission.pk})
    assert r.status_code == 400
    assert r.context["error"] == shown and hidden not in r.context["error"]

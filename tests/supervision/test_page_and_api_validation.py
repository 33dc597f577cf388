"""One validator per write (supervision.validation): a round's opening, a milestone's creation, move
and completion, a report's review and a report on a qualitative target are checked alike on the page
and through the API. The same bad input gets the same errors, each named by its field, every one at
once, in the request's language (Chinese by default, English on English requests); nothing is written."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from tests.helpers import api_errors, expected_summary, summary

from steppe.core.models import AuditEntry
from steppe.supervision import services
from steppe.supervision.models import Milestone, ProgressReport, ProgressRound, TargetReport
from steppe.supervision.validation import (
    MilestoneChangeValidator,
    MilestoneDoneValidator,
    MilestoneValidator,
    ReviewValidator,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]
TODAY = timezone.localdate


def api(client, method, url, body, headers):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


def beside_fields(page: str) -> dict:
    """field -> the message the page shows beside it."""
    return {
        f: html.unescape(m) for f, m in re.findall(r'<p class="field-error" id="error-(\w+)">(.*?)</p>', page)
    }


# ---------------------------------------------------------------- rounds


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_round_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, sup_plan, speak, language
):
    speak(language)
    past = (TODAY() - timedelta(days=2)).isoformat()
    audit = AuditEntry.objects.count()
    for bad, fields in (({"period": "2026-Q5", "due": "2026-02-30"}, {"period", "due"}),
                        ({"period": "", "due": past}, {"period", "due"})):  # fmt: skip
        errors = api_errors(api(client, "post", "/api/v1/rounds", bad, bearer(dept)))
        assert set(errors) == fields  # every one at once
        client.force_login(dept)
        r = client.post("/supervision/rounds/", bad)
        assert beside_fields(r.content.decode()) == errors  # beside each field, the API's words
        assert f'value="{bad["period"]}"' in r.content.decode()  # what was typed stays
    assert not ProgressRound.objects.exists() and not ProgressReport.objects.exists()
    assert AuditEntry.objects.count() == audit
    if language == "en":
        assert errors["due"].startswith(f"The due date {past} is before today")
        assert errors["period"] == "Required"
    else:
        assert errors["due"].startswith(f"截止日期 {past} 早于今天") and errors["period"] == "必填"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_round_already_open_is_named_beside_its_field_with_the_other_errors(
    client, bearer, dept, sup_plan, speak, language
):
    services.round_open(actor=dept, period="2026-Q4", due_on=TODAY() + timedelta(days=10))
    speak(language)
    counts = (ProgressRound.objects.count(), ProgressReport.objects.count(), AuditEntry.objects.count())
    alone = api(client, "post", "/api/v1/rounds", {"period": "2026-Q4", "due": "2099-12-31"}, bearer(dept))
    assert api_errors(alone) == {
        "period": "The round 2026-Q4 is already open" if language == "en" else "调度周期 2026-Q4 已经开启"
    }
    assert alone.json()["error"]["code"] == services.ERR_ROUND_EXISTS  # the code clients check stays
    bad = {"period": "2026-Q4", "due": (TODAY() - timedelta(days=1)).isoformat()}
    r = api(client, "post", "/api/v1/rounds", bad, bearer(dept))
    errors = api_errors(r)
    assert list(errors) == ["period", "due"] and r.json()["error"]["code"] == "invalid"  # both at once
    client.force_login(dept)
    page = client.post("/supervision/rounds/", bad).content.decode()
    assert beside_fields(page) == errors
    assert "period:" not in page  # named by its label, never by its code
    assert (
        ProgressRound.objects.count(),
        ProgressReport.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_the_api_names_a_wrong_kind_of_value_and_an_unknown_plan_with_the_rest(
    client, bearer, dept, sup_plan
):
    body = {"period": 2026, "due": 20261231, "plan": "no-such-plan"}
    errors = api_errors(api(client, "post", "/api/v1/rounds", body, bearer(dept)), 422)  # the wrong kinds
    assert errors == {
        "period": "应为文本",
        "due": "“20261231” 不是有效日期，应写作 YYYY-MM-DD",
        "plan": "没有代码为“no-such-plan”的规划",
    }
    assert not ProgressRound.objects.exists()
    r = api(client, "post", "/api/v1/rounds", {"period": "2026-Q4", "due": "2099-12-31", "plan": sup_plan.code},
            bearer(dept))  # fmt: skip
    assert r.status_code == 201 and r.json()["total"]["total"] == 3


# ---------------------------------------------------------------- milestones


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_new_milestone_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, unit_a_user, speak, language
):
    speak(language)
    bad = {"deliverable": " ", "planned_on": "2027-13-01", "evidence_required": "证" * 2001}
    errors = api_errors(api(client, "post", "/api/v1/measures/A1-01/milestones", bad, bearer(unit_a_user)))
    assert list(errors) == ["deliverable", "planned_on", "evidence_required"]
    client.force_login(unit_a_user)
    r = client.post("/supervision/measures/A1-01/milestones/", bad)
    page = r.content.decode()
    assert r.status_code == 400 and beside_fields(page) == errors  # beside each field, the API's words
    assert summary(page) == expected_summary(errors, MilestoneValidator.LABELS, language)
    assert 'value="2027-13-01"' in page and "证" * 2001 in page  # what was typed stays
    assert (
        not Milestone.objects.exists() and not AuditEntry.objects.filter(action="milestone.create").exists()
    )
    if language == "en":
        assert errors["evidence_required"] == "must be at most 2000 characters"
        assert errors["planned_on"] == "“2027-13-01” is not a valid date; write it as YYYY-MM-DD"
    else:
        assert errors["evidence_required"] == "不能超过 2000 字" and errors["deliverable"] == "必填"


@pytest.fixture
def approved(dept, unit_a_user, measure):
    ms = services.milestone_create(actor=unit_a_user, measure=measure, deliverable="建设方案获批",
                                   planned_on="2027-03-31", evidence_required="批复文件")  # fmt: skip
    services.milestones_approve(actor=dept, measure=measure)
    ms.refresh_from_db()
    return ms


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_move_of_a_milestone_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, unit_a_user, approved, speak, language
):
    speak(language)
    audit = AuditEntry.objects.count()
    for bad, fields in (({"planned_on": "2027-06-30", "note": ""}, ["note"]),  # an approved one's move needs a reason
                        ({"planned_on": "6/30", "note": "理" * 2001}, ["planned_on", "note"])):  # fmt: skip
        errors = api_errors(
            api(client, "patch", f"/api/v1/milestones/{approved.pk}", bad, bearer(unit_a_user))
        )
        assert list(errors) == fields
        client.force_login(unit_a_user)
        r = client.post(f"/supervision/milestones/{approved.pk}/move/", bad)
        page = r.content.decode()
        assert r.status_code == 400 and beside_fields(page) == errors
        assert summary(page) == expected_summary(errors, MilestoneChangeValidator.LABELS, language)
        assert f'name="planned_on" value="{bad["planned_on"]}"' in page
    # the API changes several fields at once: all of them are judged
    errors = api_errors(api(client, "patch", f"/api/v1/milestones/{approved.pk}",
                            {"deliverable": "", "evidence_required": 7, "planned_on": "2027-02-30"},
                            bearer(unit_a_user)), 422)  # fmt: skip
    assert list(errors) == ["deliverable", "planned_on", "evidence_required"]
    assert Milestone.objects.get(pk=approved.pk).planned_on == approved.planned_on
    assert AuditEntry.objects.count() == audit
    with translation.override(language):
        assert errors["evidence_required"] == gettext("应为文本")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_completion_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, unit_a_user, approved, speak, language
):
    speak(language)
    bad = {"done_on": (TODAY() + timedelta(days=1)).isoformat(), "evidence_note": ""}
    errors = api_errors(
        api(client, "post", f"/api/v1/milestones/{approved.pk}/done", bad, bearer(unit_a_user))
    )
    assert list(errors) == ["done_on", "evidence_note"]  # a future day, and the evidence it asks for
    client.force_login(unit_a_user)
    r = client.post(f"/supervision/milestones/{approved.pk}/done/", bad)
    page = r.content.decode()
    assert r.status_code == 400 and beside_fields(page) == errors
    assert summary(page) == expected_summary(errors, MilestoneDoneValidator.LABELS, language)
    assert f'name="done_on" value="{bad["done_on"]}"' in page
    ms = Milestone.objects.get(pk=approved.pk)
    assert (ms.done_on, ms.evidence_note) == (None, "") and not ms.evidence.exists()
    if language == "en":
        assert errors == {"done_on": "The completion date cannot be after today",
                          "evidence_note": "This milestone asks for evidence: 批复文件"}  # fmt: skip
    else:
        assert errors == {
            "done_on": "完成日期不能晚于今天",
            "evidence_note": "本里程碑要求提供佐证材料：批复文件",
        }


# ---------------------------------------------------------------- a report's review


@pytest.fixture
def submitted(dept, unit_a_user, sup_plan):
    """A submitted progress report and a submitted report on a qualitative target."""
    region = sup_plan.targets.get(code="T1").region
    q1 = sup_plan.targets.create(code="Q1", name="区域科技创新体系", indicator="", kind="qualitative", region=region,
                                 target_year=2027, statement="全面完善", order=9)  # fmt: skip
    q1.lead_units.add(unit_a_user.unit)
    services.round_open(actor=dept, period="2026-Q4", due_on=TODAY() + timedelta(days=10))
    report = ProgressReport.objects.get(unit_id=unit_a_user.unit_id, measure__code="A1-01")
    services.report_submit(actor=unit_a_user, report=report,
                           data={"status": "in_progress", "progress": 40, "done": "完成选址"})  # fmt: skip
    target = TargetReport.objects.get()
    services.target_report_submit(
        actor=unit_a_user, report=target, data={"status": "advancing", "narrative": "已印发"}
    )
    return {"report": report, "target": target}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("kind", "api_path", "page_path"), [
    ("report", "/api/v1/reports/{pk}/review", "/supervision/reports/{pk}/"),
    ("target", "/api/v1/target-reports/{pk}/review", "/supervision/target-reports/{pk}/"),
])  # fmt: skip
def test_a_bad_review_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, submitted, speak, language, kind, api_path, page_path
):
    speak(language)
    report = submitted[kind]
    api_url, page_url = api_path.format(pk=report.pk), page_path.format(pk=report.pk)
    audit = AuditEntry.objects.count()
    # the API may send a decision that is not one: every field is judged at once
    errors = api_errors(
        api(client, "post", api_url, {"accept": "maybe", "comment": "意" * 2001}, bearer(dept))
    )
    assert list(errors) == ["accept", "comment"]
    for comment in ("意" * 2001, "  "):  # too long; a return without a comment
        r = api(client, "post", api_url, {"accept": False, "comment": comment}, bearer(dept))
        errors = api_errors(r)
        assert list(errors) == ["comment"]
        client.force_login(dept)
        page = client.post(page_url, {"op": "return", "comment": comment})
        assert page.status_code == 400
        assert beside_fields(page.content.decode()) == errors  # beside the comment, the API's words
        assert summary(page.content.decode()) == expected_summary(errors, ReviewValidator.LABELS, language)
    assert r.json()["error"]["code"] == services.ERR_RETURN_NEEDS_COMMENT  # the code clients check stays
    report.refresh_from_db()
    assert (report.state, report.reviewed_at, report.review_comment) == ("submitted", None, "")
    assert AuditEntry.objects.count() == audit
    with translation.override(language):
        assert errors["comment"] == gettext("退回报告须填写意见")
    assert errors["comment"] == ("A return needs a comment" if language == "en" else "退回报告须填写意见")


# ---------------------------------------------------------------- reports on qualitative targets


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_target_report_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, unit_a_user, submitted, speak, language
):
    speak(language)
    target = submitted["target"]
    services.target_report_review(actor=dept, report=target, accept=False, comment="请补充")
    target.refresh_from_db()
    before = (target.state, target.status, target.narrative, target.version)
    bad = {"status": "done", "narrative": " "}
    for url in (f"/api/v1/target-reports/{target.pk}/submit", "/api/v1/targets/Q1/reports"):
        errors = api_errors(api(client, "post", url, bad, bearer(unit_a_user)))
        assert list(errors) == ["status", "narrative"]  # every one at once
    client.force_login(unit_a_user)
    for op in ("submit", "save"):  # a draft may be blank, but not hold an unknown status
        r = client.post(f"/supervision/target-reports/{target.pk}/", {**bad, "op": op})
        assert r.status_code == 400
        shown = beside_fields(r.content.decode())
        assert shown == (errors if op == "submit" else {"status": errors["status"]})
    # the API is sent JSON: a narrative that is not text is named with the rest
    errors = api_errors(api(client, "post", "/api/v1/targets/Q1/reports", {"status": "", "narrative": 42},
                            bearer(unit_a_user)), 422)  # fmt: skip
    assert list(errors) == ["status", "narrative"]
    target.refresh_from_db()
    assert (target.state, target.status, target.narrative, target.version) == before
    allowed = "not_started, advancing, problems, achieved"
    if language == "en":
        assert errors == {"status": "Choose a status", "narrative": "must be text"}
    else:
        assert errors == {"status": "请选择进展状态", "narrative": "应为文本"}
    with translation.override(language):
        assert shown["status"] == gettext("“{value}” 不是有效状态，可选：{allowed}").format(
            value="done", allowed=allowed
        )


def test_the_openapi_schema_declares_the_409_of_the_reports_and_the_chase(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/targets/{code}/reports", "/api/v1/measures/{code}/reports", "/api/v1/measures/{code}/chase",
                 "/api/v1/jobs/{job_id}/retry"):  # fmt: skip
        conflict = paths[path]["post"]["responses"]["409"]
        assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
            path
        )
        assert conflict["description"].startswith("Conflict: ")
    assert "409" not in paths["/api/v1/target-reports/{pk}/submit"]["post"]["responses"]
    # the bodies are the validators' (every field taken as sent): no pydantic check of their own
    body = paths["/api/v1/rounds"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RoundBody"}


def test_a_body_the_api_reads_itself_is_refused_in_the_requests_language(client, bearer, unit_a_user, speak):
    """read_input (progress reports, a milestone's completion, qualitative-target reports): an unknown field,
    a body that is not an object, JSON that does not parse -- in English on an English request."""
    speak("en")
    url = "/api/v1/measures/A1-01/reports"
    cases = [('{"status": "in_progress", "progres": 40}', "progres", "Unknown field; the fields are: status, "),
             ("[1, 2]", "body", "Expected a JSON object"),
             ('{"status": ', "body", "Not valid JSON: ")]  # fmt: skip
    for raw, field, start in cases:
        r = client.post(url, data=raw, content_type="application/json", **bearer(unit_a_user))
        (error,) = api_errors(r).items()
        assert error[0] == field and error[1].startswith(start), error
    speak("zh-hans")
    r = client.post(url, data="[1, 2]", content_type="application/json", **bearer(unit_a_user))
    assert api_errors(r) == {"body": "应为 JSON 对象"}
    assert not ProgressReport.objects.exists()

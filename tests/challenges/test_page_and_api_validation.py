"""One validator per write (challenges.validation): a 榜单, an application, an expert's review, a
selection and a 军令状 with its milestones are checked alike on the page and through the API. The same
bad input gets the same errors, each named by its field, every one at once, in the request's
language (Chinese by default, English on English requests); nothing is written."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from tests.helpers import api_errors, expected_summary, summary

from steppe.challenges import services
from steppe.challenges.models import Application, Challenge, ChallengeTarget, Commitment, ExpertReview
from steppe.challenges.validation import (
    ApplicationValidator,
    ChallengeValidator,
    CommitmentDefineValidator,
    EvidenceValidator,
    ExpertReviewValidator,
    ExpertsValidator,
    FinalAcceptanceValidator,
    MilestoneDecisionValidator,
    SelectValidator,
    StateNoteValidator,
)
from steppe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def api(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


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
    errors = api_errors(api(client, "/api/v1/challenges", body, bearer(dept)), 422)  # the wrong kinds
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


# ---------------------------------------------------------------- applications, experts, reviews


def published(dept, **kw):
    c = services.challenge_create(actor=dept, title="高纯稀土", problem="规模化制备", budget="800",
                                  deadline=timezone.localdate() + timedelta(days=30),
                                  targets=[{"code": "purity", "name": "纯度", "value": "99.99"}], **kw)  # fmt: skip
    return services.challenge_publish(actor=dept, challenge=c, note="发布")


# the text fields of each form on the challenge page (the experts form sends no note)
PAGE_FIELDS = {"publish": ("note",), "select": ("note",), "apply": ("proposal", "requested_budget"),
               "review": ("score", "comment", "conflict_note")}


def page_summary(client, code, form) -> str:
    """Post the challenge page's form `form`: refused, the page again (400) with what was typed in that
    form; its error box."""
    r = client.post(f"/supervision/challenges/{code}/act/", form)
    assert r.status_code == 400, r.get("Location")
    page = r.content.decode()
    for name in PAGE_FIELDS.get(form["op"], ()):
        if form.get(name):
            assert html.escape(form[name]) in page, name  # kept in the form that was sent
    return summary(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_application_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, firm_user, speak, language
):
    challenge = published(dept)
    speak(language)
    audit = AuditEntry.objects.count()
    for bad in ({"proposal": "", "requested_budget": "NaN"}, {"proposal": "  ", "requested_budget": "900"}):
        errors = api_errors(
            api(client, f"/api/v1/challenges/{challenge.code}/applications", bad, bearer(firm_user))
        )
        assert set(errors) == {"proposal", "requested_budget"}  # every one at once
        client.force_login(firm_user)
        shown = page_summary(client, challenge.code, {"op": "apply", **bad})
        assert shown == expected_summary(errors, ApplicationValidator.LABELS, language)
    with translation.override(language):
        assert errors["requested_budget"] == gettext("申请经费不能超过榜单经费 {budget} 万元").format(
            budget="800.00"
        )
    assert not Application.objects.exists()
    assert AuditEntry.objects.count() == audit


@pytest.fixture
def reviewing(dept, firm_user, expert):
    challenge = published(dept)
    app = services.application_submit(
        actor=firm_user, challenge=challenge, proposal="方案", requested_budget="300"
    )
    services.challenge_assign_experts(actor=dept, challenge=challenge, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=challenge)
    return app


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("score", ["Infinity", "NaN", "101", "-0.5", "1e400", "ninety"])
def test_a_bad_score_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, expert, reviewing, speak, language, score
):
    speak(language)
    audit = AuditEntry.objects.count()
    bad = {"score": score, "comment": "好" * 5001}
    errors = api_errors(api(client, f"/api/v1/applications/{reviewing.pk}/reviews", {"conflict": False, **bad},
                            bearer(expert)))  # fmt: skip
    assert set(errors) == {"score", "comment"}  # a score must be a finite number from 0 to 100
    client.force_login(expert)
    shown = page_summary(
        client, reviewing.challenge.code, {"op": "review", "application": reviewing.pk, **bad}
    )
    assert shown == expected_summary(errors, ExpertReviewValidator.LABELS, language)
    assert not ExpertReview.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_a_review_names_every_bad_field_and_keeps_the_conflict_code_alone(client, bearer, expert, reviewing):
    url = f"/api/v1/applications/{reviewing.pk}/reviews"
    r = api(
        client, url, {"conflict": "perhaps", "score": 90, "comment": 5, "conflict_note": []}, bearer(expert)
    )
    assert api_errors(r, 422) == {"conflict": "请选择是否存在利益冲突（true 或 false）", "comment": "应为文本",
                             "conflict_note": "应为文本"}  # fmt: skip
    r = api(client, url, {"conflict": True, "score": 90}, bearer(expert))
    assert api_errors(r) == {"score": "已声明利益冲突的专家不能评分"}
    assert r.json()["error"]["code"] == "conflict_cannot_score"  # what clients check, as before
    assert not ExpertReview.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_or_non_expert_accounts_are_named_on_the_page_and_through_the_api(
    client, bearer, dept, firm_user, speak, language
):
    challenge = published(dept)
    speak(language)
    client.force_login(dept)
    for names in (["nobody", "ghost"], [firm_user.username]):
        errors = api_errors(api(client, f"/api/v1/challenges/{challenge.code}/experts",
                                {"usernames": names, "note": 7}, bearer(dept)), 422)  # fmt: skip
        assert set(errors) == {"usernames", "note"}
        assert ", ".join(sorted(names)) in errors["usernames"]
        shown = page_summary(client, challenge.code, {"op": "experts", "experts": names, "note": "x" * 2001})
        with translation.override(language):
            expected = {
                "usernames": errors["usernames"],
                "note": gettext("不能超过 %(max)s 字") % {"max": 2000},
            }
        assert shown == expected_summary(expected, ExpertsValidator.LABELS, language)
    assert not challenge.experts.exists()


def test_clearing_a_conflict_needs_a_reason_and_keeps_its_code(client, bearer, dept, expert, reviewing):
    review = services.review_submit(
        actor=expert, application=reviewing, conflict=True, conflict_note="曾任职"
    )
    r = api(client, f"/api/v1/reviews/{review.pk}/clear-conflict", {"note": "  "}, bearer(dept))
    assert api_errors(r) == {"note": "解除利益冲突须说明理由"}
    assert r.json()["error"]["code"] == "decision_needs_reason"
    r = api(client, f"/api/v1/reviews/{review.pk}/clear-conflict", {"note": ["理由"]}, bearer(dept))
    assert api_errors(r, 422) == {"note": "应为文本"}  # pydantic's English before
    review.refresh_from_db()
    assert review.conflict


def test_the_writes_that_answer_409_declare_it(client, bearer, dept, firm_user):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/challenges/{code}/applications", "/applications/{pk}/reviews", "/reviews/{pk}/clear-conflict",
                 "/challenges/{code}/select", "/commitments/{pk}/define", "/commitment-milestones/{pk}/submit",
                 "/commitment-milestones/{pk}/decide", "/commitments/{pk}/final"):  # fmt: skip
        assert paths[f"/api/v1{path}"]["post"]["responses"]["409"]["description"].startswith("Conflict: "), (
            path
        )
    assert "409" not in paths["/api/v1/challenges"]["post"]["responses"]
    challenge = published(dept)
    body = {"proposal": "方案", "requested_budget": "100"}
    url = f"/api/v1/challenges/{challenge.code}/applications"
    assert api(client, url, body, bearer(firm_user)).status_code == 201
    again = api(client, url, body, bearer(firm_user))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_applied")


# ---------------------------------------------------------------- selection and the 军令状


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_selection_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, expert, reviewing, speak, language
):
    services.review_submit(actor=expert, application=reviewing, conflict=False, score=85)
    speak(language)
    code = reviewing.challenge.code
    client.force_login(dept)
    for ids, fields in ((["x1", str(reviewing.pk)], {"applications", "note"}), ([reviewing.pk + 99], {"applications", "note"})):  # fmt: skip
        errors = api_errors(api(client, f"/api/v1/challenges/{code}/select", {"applications": ids, "note": ""},
                                bearer(dept)))  # fmt: skip
        assert set(errors) == fields
        shown = page_summary(client, code, {"op": "select", "applications": ids, "note": ""})
        assert shown == expected_summary(errors, SelectValidator.LABELS, language)
    assert not Commitment.objects.exists()
    assert Challenge.objects.get().state == "reviewing"


@pytest.fixture
def commitment(dept, expert, reviewing):
    services.review_submit(actor=expert, application=reviewing, conflict=False, score=85)
    (c,) = services.challenge_select(
        actor=dept, challenge=reviewing.challenge, applications=[reviewing], note="第一"
    )
    return c


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_plan_of_milestones_and_tranches_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, commitment, speak, language
):
    speak(language)
    audit = AuditEntry.objects.count()
    body = {"milestones": [{"planned_on": "2027-02-30", "deliverable": "中试"}, {"planned_on": "2027-06-01", "deliverable": "x" * 301}],
            "tranches": ["100", "NaN", "-5"]}  # fmt: skip
    errors = api_errors(api(client, f"/api/v1/commitments/{commitment.pk}/define", body, bearer(dept)))
    assert set(errors) == {
        "milestones[0].planned_on",
        "milestones[1].deliverable",
        "tranches[1]",
        "tranches[2]",
    }
    client.force_login(dept)
    form = {
        "op": "define",
        "milestones": f"2027-02-30 中试\n2027-06-01 {'x' * 301}",
        "tranches": "100, NaN，-5",
    }
    r = client.post(f"/supervision/commitments/{commitment.pk}/", form)
    page = r.content.decode()
    assert r.status_code == 400  # refused: the page again, with the plan as typed
    assert f"2027-02-30 中试\n2027-06-01 {'x' * 301}</textarea>" in page and 'value="100, NaN，-5"' in page
    assert summary(page) == expected_summary(errors, CommitmentDefineValidator.page_labels(2, 3), language)
    assert not commitment.milestones.exists() and not commitment.tranches.exists()
    assert AuditEntry.objects.count() == audit


@pytest.fixture
def active(dept, firm_user, commitment):
    services.commitment_define(actor=dept, commitment=commitment, milestones=[
        {"planned_on": "2027-01-01", "deliverable": "中试"}], tranches=["100", "200"])  # fmt: skip
    services.commitment_sign(actor=firm_user, commitment=commitment)
    return commitment


@pytest.mark.parametrize("language", LANGUAGES)
def test_milestone_evidence_and_decisions_get_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, firm_user, active, speak, language
):
    speak(language)
    ms = active.milestones.get()
    errors = api_errors(api(client, f"/api/v1/commitment-milestones/{ms.pk}/submit", {"evidence_note": " "},
                            bearer(firm_user)))  # fmt: skip
    assert list(errors) == ["evidence_note"]
    client.force_login(firm_user)
    page = client.post(f"/supervision/commitments/{active.pk}/", {"op": "submit_ms", "milestone": ms.pk,
                                                                 "evidence_note": " "})  # fmt: skip
    assert page.status_code == 400
    assert summary(page.content.decode()) == expected_summary(errors, EvidenceValidator.LABELS, language)
    ms.refresh_from_db()
    assert ms.state == "pending"
    services.commitment_milestone_submit(actor=firm_user, milestone=ms, evidence_note="中试报告")
    r = api(client, f"/api/v1/commitment-milestones/{ms.pk}/decide", {"accept": "maybe", "note": "", "terminate": 1},
            bearer(dept))  # fmt: skip
    errors = api_errors(r, 422)  # a number for a yes or no: the wrong kind
    assert set(errors) == {"accept", "note", "terminate"}  # every one at once (pydantic's English before)
    client.force_login(dept)
    page = client.post(f"/supervision/commitments/{active.pk}/", {"op": "accept_ms", "milestone": ms.pk, "note": ""})
    assert page.status_code == 400
    only_note = {"note": errors["note"]}
    assert summary(page.content.decode()) == expected_summary(
        only_note, MilestoneDecisionValidator.LABELS, language
    )
    ms.refresh_from_db()
    assert ms.state == "submitted" and not active.tranches.filter(seq=1, released_at__isnull=False).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_measured_values_get_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, firm_user, active, speak, language
):
    ms = active.milestones.get()
    services.commitment_milestone_submit(actor=firm_user, milestone=ms, evidence_note="中试报告")
    services.commitment_milestone_decide(actor=dept, milestone=ms, accept=True, note="通过")
    speak(language)
    errors = api_errors(api(client, f"/api/v1/commitments/{active.pk}/final",
                            {"achieved": {"purity": "Infinity"}, "note": ""}, bearer(dept)))  # fmt: skip
    assert set(errors) == {"achieved.purity", "note"}
    client.force_login(dept)
    page = client.post(f"/supervision/commitments/{active.pk}/", {"op": "final", "achieved_purity": "Infinity",
                                                                 "note": ""})  # fmt: skip
    assert page.status_code == 400 and 'name="achieved_purity" value="Infinity"' in page.content.decode()
    targets = active.challenge.targets.all()
    assert summary(page.content.decode()) == expected_summary(errors, FinalAcceptanceValidator.page_labels(targets),
                                                              language)  # fmt: skip
    r = api(client, f"/api/v1/commitments/{active.pk}/final", {"achieved": {"purity": "99.999", "speed": "1"},
                                                              "note": "达标"}, bearer(dept))  # fmt: skip
    assert list(api_errors(r)) == ["achieved.speed"]  # a code the 榜单 has no target for is named
    active.refresh_from_db()
    assert active.state == "active" and active.achieved in (None, [], {})


# ---------------------------------------------------------------- publishing and closing for review


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_state_change_note_is_checked_alike_on_the_page_and_through_the_api(client, bearer, dept, speak, language):
    """The department's note when it publishes a 榜单 or closes its applications: text, at most 2000
    characters (it had no limit, and a number was answered by pydantic in English)."""
    challenge = services.challenge_create(actor=dept, title="高纯稀土", problem="规模化制备", budget="800",
                                          deadline=timezone.localdate() + timedelta(days=30),
                                          targets=[{"code": "purity", "name": "纯度", "value": "99.99"}])  # fmt: skip
    speak(language)
    audit = AuditEntry.objects.count()
    errors = api_errors(api(client, f"/api/v1/challenges/{challenge.code}/publish", {"note": "长" * 2001}, bearer(dept)))
    with translation.override(language):
        assert errors == {"note": gettext("不能超过 %(max)s 字") % {"max": 2000}}
    client.force_login(dept)
    shown = page_summary(client, challenge.code, {"op": "publish", "note": "长" * 2001})
    assert shown == expected_summary(errors, StateNoteValidator.LABELS, language)
    kinds = api(client, f"/api/v1/challenges/{challenge.code}/publish", {"note": 5}, bearer(dept))
    with translation.override(language):
        assert api_errors(kinds, 422) == {"note": gettext("应为文本")}
    challenge.refresh_from_db()
    assert challenge.state == Challenge.State.DRAFT and AuditEntry.objects.count() == audit
    published = api(client, f"/api/v1/challenges/{challenge.code}/publish", {"note": "经审定发布"}, bearer(dept))
    assert published.status_code == 200 and published.json()["state"] == "published"


def test_a_refused_challenge_keeps_what_was_sent_and_names_each_error_beside_its_field(login, dept):
    page = login(dept).post(
        "/supervision/challenges/new/",
        {"title": "", "problem": "难题", "budget": "abc", "deadline": "2099-01-01", "eligible_kinds": ["institution"],
         "eligible_region_prefix": "1502", "t1_name": "纯度", "t1_cmp": "<=", "t1_value": "99", "t1_unit": "%",
         "t2_name": "", "t2_value": "5"},
    ).content.decode()  # fmt: skip
    assert not Challenge.objects.exists()
    # beside the fields: the title, the budget and the second target row (sent as targets[1])
    assert re.search(r'id="error-title">[^<]+<', page) and re.search(r'id="error-budget">[^<]+<', page)
    assert re.search(r'id="error-t2">[^<]+<', page) and 'id="error-t1"' not in page
    # what was sent is still there: the problem, the budget as typed, the kinds, every target row
    assert "难题</textarea>" in page and 'value="abc"' in page and 'value="1502"' in page
    assert 'value="enterprise">' in page and 'value="institution" checked>' in page
    assert 'value="纯度"' in page and '<option value="<=" selected>' in page and 'value="%"' in page
    assert 'id="f-t2-value" value="5"' in page

"""The 揭榜挂帅 API with Bearer tokens: the whole workflow, evidence of 军令状 milestones, drafts."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from steppe.challenges import services
from steppe.challenges.models import Challenge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def post(client, url, data, headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def pdf(name="验收报告.pdf", content=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_challenges_through_the_api(client, bearer, dept, firm_user, expert):
    d = bearer(dept)
    deadline = str(timezone.localdate() + timedelta(days=20))
    r = post(
        client,
        "/api/v1/challenges",
        {
            "title": "煤化工废水零排放",
            "problem": "高盐废水处理",
            "budget": "500",
            "deadline": deadline,
            "targets": [{"code": "recovery", "name": "水回收率", "unit": "%", "value": "95"}],
        },
        d,
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert client.get("/api/v1/challenges").json() == []  # a draft is not public
    post(client, f"/api/v1/challenges/{code}/publish", {"note": "发布"}, d)
    public = client.get("/api/v1/challenges").json()
    assert [(c["code"], c["state"]) for c in public] == [(code, "published")]
    app = post(
        client,
        f"/api/v1/challenges/{code}/applications",
        {"proposal": "膜法", "requested_budget": "300"},
        bearer(firm_user),
    )
    assert app.status_code == 201
    app_id = app.json()["id"]
    post(client, f"/api/v1/challenges/{code}/experts", {"usernames": ["sup-expert"]}, d)
    post(client, f"/api/v1/challenges/{code}/review", {"note": ""}, d)
    e = bearer(expert)
    conflict = post(client, f"/api/v1/applications/{app_id}/reviews", {"conflict": True, "score": 90}, e)
    assert conflict.status_code == 400 and conflict.json()["error"]["code"] == "conflict_cannot_score"
    assert (
        post(
            client, f"/api/v1/applications/{app_id}/reviews", {"conflict": False, "score": 91}, e
        ).status_code
        == 200
    )
    # the firm cannot see expert scores; the department can
    assert (
        client.get(f"/api/v1/challenges/{code}/applications", **bearer(firm_user)).json()[0]["average_score"]
        is None
    )
    assert client.get(f"/api/v1/challenges/{code}/applications", **d).json()[0]["average_score"] == 91.0
    sel = post(client, f"/api/v1/challenges/{code}/select", {"applications": [app_id], "note": "评分第一"}, d)
    cid = sel.json()[0]["id"]
    post(
        client,
        f"/api/v1/commitments/{cid}/define",
        {"milestones": [{"deliverable": "中试", "planned_on": "2027-06-30"}], "tranches": ["100", "200"]},
        d,
    )
    signed = post(client, f"/api/v1/commitments/{cid}/sign", {}, bearer(firm_user)).json()
    assert signed["state"] == "active" and signed["released"] == "100.00"
    mid = signed["milestones"][0]["id"]
    post(
        client,
        f"/api/v1/commitment-milestones/{mid}/submit",
        {"evidence_note": "中试报告"},
        bearer(firm_user),
    )
    dec = post(
        client, f"/api/v1/commitment-milestones/{mid}/decide", {"accept": True, "note": "通过"}, d
    ).json()
    assert dec["released"] == "300.00"
    final = post(
        client, f"/api/v1/commitments/{cid}/final", {"achieved": {"recovery": "96.5"}, "note": "达标"}, d
    )
    assert final.json()["passed"] is True
    assert client.get(f"/api/v1/challenges/{code}").json()["state"] == "completed"


def test_a_commitment_milestone_takes_evidence_files(client, bearer, dept, firm_user, expert, lead_unit_user):
    c = services.challenge_create(
        actor=dept,
        title="高纯稀土",
        problem="规模化制备",
        budget="800",
        deadline=timezone.localdate() + timedelta(days=30),
        targets=[{"code": "purity", "name": "纯度", "unit": "%", "comparison": ">=", "value": "99.99"}],
    )
    services.challenge_publish(actor=dept, challenge=c, note="发布")
    app = services.application_submit(actor=firm_user, challenge=c, proposal="方案", requested_budget="300")
    services.challenge_assign_experts(actor=dept, challenge=c, experts=[expert])
    services.challenge_close_applications(actor=dept, challenge=c)
    services.review_submit(actor=expert, application=app, conflict=False, score=80)
    (commitment,) = services.challenge_select(actor=dept, challenge=c, applications=[app], note="评分第一")
    services.commitment_define(
        actor=dept,
        commitment=commitment,
        tranches=["100", "200"],
        milestones=[{"deliverable": "中试", "planned_on": "2027-06-30"}],
    )
    services.commitment_sign(actor=firm_user, commitment=commitment)
    mid = commitment.milestones.get().pk
    r = client.post(
        f"/api/v1/commitment-milestones/{mid}/submit", {"files": [pdf("中试报告.pdf")]}, **bearer(firm_user)
    )
    assert r.status_code == 200, r.content
    (ms,) = r.json()["milestones"]
    assert ms["state"] == "submitted" and ms["evidence"][0]["name"] == "中试报告.pdf"
    url = ms["evidence"][0]["url"]
    assert client.get(url, **bearer(dept)).status_code == 200
    assert client.get(url, **bearer(lead_unit_user)).status_code == 404


def test_the_department_lists_its_draft_challenges_with_a_token(client, bearer, dept, firm_user):
    services.challenge_create(
        actor=dept,
        title="草稿榜单",
        problem="p",
        budget="100",
        deadline=timezone.localdate() + timedelta(days=30),
        targets=[{"code": "t", "name": "n", "value": "1"}],
    )
    code = Challenge.objects.get().code
    assert [c["state"] for c in client.get("/api/v1/challenges", **bearer(dept)).json()] == ["draft"]
    assert client.get(f"/api/v1/challenges/{code}", **bearer(dept)).status_code == 200
    # the public and other users do not see a draft; a wrong token is refused, not read as anonymous
    assert client.get("/api/v1/challenges").json() == []
    assert client.get("/api/v1/challenges", **bearer(firm_user)).json() == []
    assert client.get(f"/api/v1/challenges/{code}").status_code == 404
    assert client.get("/api/v1/challenges", HTTP_AUTHORIZATION="Bearer stp_wrong").status_code == 401

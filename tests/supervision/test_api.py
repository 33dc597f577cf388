"""The supervision API with Bearer tokens."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from steppe.core.models import AuditEntry
from steppe.supervision import services
from steppe.supervision.models import Milestone, ProgressReport

pytestmark = pytest.mark.django_db


def post(client, url, data, headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


REPORT = {
    "status": "in_progress",
    "progress": 30,
    "done": "完成方案",
    "problems": "",
    "next_steps": "组织实施",
}


def test_mine_lists_only_the_units_own_measures_with_status(client, bearer, unit_a_user, unit_b_user):
    r = client.get("/api/v1/measures?mine=true", **bearer(unit_a_user))
    assert r.status_code == 200
    body = r.json()
    # the same status for both (neither has a milestone yet), so the plan's order decides
    assert [m["code"] for m in body] == ["A1-01", "A2-01"] and body[0]["status"] == body[1]["status"]
    assert all(m["status"] in {"on_schedule", "at_risk", "late", "done"} for m in body)
    assert {m["code"] for m in client.get("/api/v1/measures", **bearer(unit_b_user)).json()} == {"A1-02"}


def test_the_department_sees_every_measure(client, bearer, dept, sup_plan):
    r = client.get("/api/v1/measures", **bearer(dept))
    assert {m["code"] for m in r.json()} == {"A1-01", "A1-02", "A2-01"}


def test_without_a_token_the_api_answers_401(client, sup_plan):
    assert client.get("/api/v1/measures?mine=true").status_code == 401
    bad = client.get("/api/v1/measures", HTTP_AUTHORIZATION="Bearer stp_nope")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"


def test_posting_a_report_goes_into_the_open_round(client, bearer, dept, unit_a_user):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=10))
    r = post(client, "/api/v1/measures/A1-01/reports", REPORT, bearer(unit_a_user))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["round"], body["state"], body["progress"], body["version"]) == (
        "2026-Q4",
        "submitted",
        30,
        1,
    )
    assert ProgressReport.objects.get(pk=body["id"]).round.period == "2026-Q4"
    # without an open round for it, a report is filed on its own
    services.report_review(actor=dept, report=ProgressReport.objects.get(pk=body["id"]), accept=True)
    r2 = post(client, "/api/v1/measures/A1-01/reports", {**REPORT, "progress": 50}, bearer(unit_a_user))
    assert r2.status_code == 201 and r2.json()["round"] is None


def test_a_bad_report_answers_400_naming_the_field(client, bearer, unit_a_user):
    r = post(client, "/api/v1/measures/A1-01/reports", {**REPORT, "progress": 150}, bearer(unit_a_user))
    assert r.status_code == 400
    assert r.json()["error"]["data"]["errors"][0]["field"] == "progress"
    r = post(client, "/api/v1/measures/A1-01/reports", {"status": "in_progress"}, bearer(unit_a_user))
    assert r.status_code == 400
    assert r.json()["error"]["data"]["errors"][0]["field"] == "progress"
    assert not ProgressReport.objects.exists()


def test_a_lead_unit_changing_another_units_measure_gets_404_and_nothing_changes(
    client, bearer, dept, unit_a_user, unit_b_user
):
    services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    ms = services.milestone_create(
        actor=unit_b_user,
        measure=unit_b_user.unit.measures.get(),
        deliverable="挂牌",
        planned_on="2027-03-31",
    )
    audit_before = AuditEntry.objects.count()
    headers = bearer(unit_a_user)
    b_report = ProgressReport.objects.get(measure__code="A1-02")
    attempts = [
        post(client, "/api/v1/measures/A1-02/reports", REPORT, headers),
        post(
            client,
            "/api/v1/measures/A1-02/milestones",
            {"deliverable": "x", "planned_on": "2027-01-01"},
            headers,
        ),
        post(client, f"/api/v1/milestones/{ms.pk}/done", {"done_on": "2026-01-01"}, headers),
        post(client, f"/api/v1/reports/{b_report.pk}/submit", REPORT, headers),
        client.get("/api/v1/measures/A1-02/status", **headers),
        client.get(f"/api/v1/reports/{b_report.pk}", **headers),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert all(r.json()["error"]["code"] == "not_found" for r in attempts)
    b_report.refresh_from_db()
    assert b_report.state == "draft" and b_report.version == 0
    assert Milestone.objects.get(pk=ms.pk).done_on is None and Milestone.objects.count() == 1
    assert ProgressReport.objects.count() == 3 and AuditEntry.objects.count() == audit_before


def test_rounds_and_review_through_the_api(client, bearer, dept, unit_a_user):
    d = bearer(dept)
    r = post(client, "/api/v1/rounds", {"period": "2026-Q4", "due": "2026-12-31"}, d)
    assert r.status_code == 201 and r.json()["total"]["total"] == 3
    assert (
        post(
            client, "/api/v1/rounds", {"period": "2026-Q4", "due": "2026-12-31"}, bearer(unit_a_user)
        ).status_code
        == 403
    )
    rep = client.get("/api/v1/reports?round=2026-Q4", **bearer(unit_a_user)).json()
    assert {x["measure"] for x in rep} == {"A1-01", "A2-01"}
    sub = post(client, f"/api/v1/reports/{rep[0]['id']}/submit", REPORT, bearer(unit_a_user))
    assert sub.json()["state"] == "submitted"
    ret = post(client, f"/api/v1/reports/{rep[0]['id']}/review", {"accept": False}, d)
    assert ret.status_code == 400 and ret.json()["error"]["code"] == "return_needs_comment"
    ok = post(client, f"/api/v1/reports/{rep[0]['id']}/review", {"accept": True}, d)
    assert ok.json()["state"] == "accepted"
    detail = client.get("/api/v1/rounds/2026-Q4", **d).json()
    assert detail["total"]["submitted"] == 1 and {u["key"] for u in detail["units"]} == {"单位甲", "单位乙"}
    audit = client.get("/api/v1/supervision/audit", **d).json()
    assert {"round.open", "report.submit", "report.accept"} <= {e["action"] for e in audit}
    assert client.get("/api/v1/supervision/audit", **bearer(unit_a_user)).status_code == 404


def test_milestones_baseline_is_frozen_at_first_approval(client, bearer, dept, unit_a_user):
    a = bearer(unit_a_user)
    r = post(
        client,
        "/api/v1/measures/A1-01/milestones",
        {"deliverable": "建设方案获批", "planned_on": "2027-03-31", "evidence_required": "批复文件"},
        a,
    )
    assert r.status_code == 201
    assert post(client, "/api/v1/measures/A1-01/milestones/approve", {}, a).status_code == 403
    assert post(client, "/api/v1/measures/A1-01/milestones/approve", {}, bearer(dept)).json() == {
        "baseline_frozen": 1
    }
    ms = Milestone.objects.get()
    services.milestone_update(actor=unit_a_user, milestone=ms, planned_on="2027-06-30", note="用地调整")
    out = client.get("/api/v1/measures/A1-01/milestones", **a).json()[0]
    assert (out["planned_on"], out["baseline_planned_on"], out["approved"]) == (
        "2027-06-30",
        "2027-03-31",
        True,
    )
    # a second approval does not move the baseline
    assert post(client, "/api/v1/measures/A1-01/milestones/approve", {}, bearer(dept)).json() == {
        "baseline_frozen": 0
    }
    bad = post(client, f"/api/v1/milestones/{ms.pk}/done", {"done_on": str(timezone.localdate())}, a)
    assert bad.status_code == 400 and "evidence" in bad.json()["error"]["message"]
    done = post(
        client,
        f"/api/v1/milestones/{ms.pk}/done",
        {"done_on": str(timezone.localdate()), "evidence_note": "内政发〔2027〕1号"},
        a,
    )
    assert done.status_code == 200 and done.json()["done_on"] == str(timezone.localdate())

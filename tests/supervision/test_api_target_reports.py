"""The API of reports on qualitative targets (/api/v1/target-reports, POST /api/v1/targets/{code}/reports),
with the rules of the progress-report API: the department sees and reviews all, a unit (a league bureau's
included) sees and files only its own, anyone else gets a 404; bad input is refused by field and changes
nothing; lists take limit and offset; every error comes in the one envelope."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from steppe.core.models import AuditEntry
from steppe.supervision import services
from steppe.supervision.models import TargetReport

pytestmark = pytest.mark.django_db


def post(client, url, data, headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


GOOD = {"status": "advancing", "narrative": "科技创新体系建设方案已印发"}


@pytest.fixture
def baotou_bureau(sup_plan, regions):
    from steppe.core.services import user_create

    user, _, _ = user_create(username="bt-bureau", role="bureau", unit="包头市科学技术局", region="150200",
                             password="pass-word-123")
    return user


@pytest.fixture
def targets(sup_plan, unit_a_user, baotou_bureau):
    region = sup_plan.targets.get(code="T1").region
    q1 = sup_plan.targets.create(code="Q1", name="区域科技创新体系", indicator="", kind="qualitative", region=region,
                                 target_year=2027, statement="全面完善", clause="区域科技创新体系全面完善", order=9)
    q2 = sup_plan.targets.create(code="Q2", name="创新生态", indicator="", kind="qualitative", region=region,
                                 target_year=2027, statement="更具吸引力", clause="创新生态更具吸引力", order=10)
    q1.lead_units.add(unit_a_user.unit)
    q2.lead_units.add(baotou_bureau.unit)
    return q1, q2


@pytest.fixture
def opened(dept, targets):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=30))
    return {r.target.code: r for r in TargetReport.objects.select_related("target")}


def test_each_sees_only_its_own_reports_and_the_department_all_page_by_page(
    client, bearer, dept, unit_a_user, unit_b_user, baotou_bureau, opened
):
    assert [r["target"] for r in client.get("/api/v1/target-reports", **bearer(dept)).json()] == ["Q1", "Q2"]
    assert [r["target"] for r in client.get("/api/v1/target-reports", **bearer(unit_a_user)).json()] == ["Q1"]
    mine = client.get("/api/v1/target-reports", **bearer(baotou_bureau)).json()
    assert [(r["target"], r["unit"], r["state"]) for r in mine] == [("Q2", "包头市科学技术局", "draft")]
    assert client.get("/api/v1/target-reports", **bearer(unit_b_user)).json() == []
    page = client.get("/api/v1/target-reports?limit=1&offset=1", **bearer(dept)).json()
    assert [r["target"] for r in page] == ["Q2"]
    assert [r["id"] for r in client.get("/api/v1/target-reports?target=Q1", **bearer(dept)).json()] == [opened["Q1"].pk]


def test_another_units_report_answers_404_in_the_envelope(client, bearer, unit_a_user, unit_b_user, baotou_bureau,
                                                           opened):
    q1 = opened["Q1"]
    for outsider in (baotou_bureau, unit_b_user):
        r = client.get(f"/api/v1/target-reports/{q1.pk}", **bearer(outsider))
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        r = post(client, f"/api/v1/target-reports/{q1.pk}/submit", GOOD, bearer(outsider))
        assert r.status_code == 404
        r = post(client, "/api/v1/targets/Q1/reports", GOOD, bearer(outsider))
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/target-reports/{q1.pk}").status_code == 401
    assert client.get(f"/api/v1/target-reports/{q1.pk}", **bearer(unit_a_user)).json()["target_name"] == "区域科技创新体系"
    q1.refresh_from_db()
    assert (q1.state, q1.version) == ("draft", 0)


def test_a_league_bureau_files_its_report_once_and_a_second_waits_for_the_review(client, bearer, baotou_bureau,
                                                                                 opened):
    r = post(client, "/api/v1/targets/Q2/reports", GOOD, bearer(baotou_bureau))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["id"], body["state"], body["status"], body["version"]) == (opened["Q2"].pk, "submitted", "advancing", 1)
    again = post(client, "/api/v1/targets/Q2/reports", GOOD, bearer(baotou_bureau))
    assert again.status_code == 409 and again.json()["error"]["code"] == "report_awaiting_review"
    assert again.json()["error"]["data"] == {"report": opened["Q2"].pk, "round": "2026-Q4"}
    assert TargetReport.objects.filter(target__code="Q2").count() == 1
    assert AuditEntry.objects.filter(action="target_report.submit").count() == 1


def test_bad_input_is_refused_by_field_and_changes_nothing(client, bearer, unit_a_user, opened):
    q1 = opened["Q1"]
    r = post(client, f"/api/v1/target-reports/{q1.pk}/submit", {"status": "done", "narrative": "  "},
             bearer(unit_a_user))
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "invalid"
    assert [e["field"] for e in err["data"]["errors"]] == ["status", "narrative"]
    assert "done" in err["data"]["errors"][0]["message"] and "advancing" in err["data"]["errors"][0]["message"]
    r = post(client, "/api/v1/targets/Q1/reports", {**GOOD, "progres": 5}, bearer(unit_a_user))
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "progres"
    r = client.post("/api/v1/targets/Q1/reports", data="{not json", content_type="application/json",
                    **bearer(unit_a_user))
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "body"
    assert client.get("/api/v1/target-reports?state=finished", **bearer(unit_a_user)).status_code == 400
    q1.refresh_from_db()
    assert (q1.state, q1.status, q1.narrative, q1.version) == ("draft", "", "", 0)
    assert not AuditEntry.objects.filter(action="target_report.submit").exists()


def test_the_department_reviews_a_unit_cannot_and_an_accepted_report_is_final(client, bearer, dept, unit_a_user,
                                                                              opened):
    q1 = opened["Q1"]
    post(client, "/api/v1/targets/Q1/reports", GOOD, bearer(unit_a_user))
    r = post(client, f"/api/v1/target-reports/{q1.pk}/review", {"accept": True}, bearer(unit_a_user))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = post(client, f"/api/v1/target-reports/{q1.pk}/review", {"accept": False, "comment": " "}, bearer(dept))
    assert r.status_code == 400 and r.json()["error"]["code"] == "return_needs_comment"
    q1.refresh_from_db()
    assert q1.state == "submitted"
    r = post(client, f"/api/v1/target-reports/{q1.pk}/review", {"accept": False, "comment": "请补充制度名称"}, bearer(dept))
    assert r.json()["state"] == "returned" and r.json()["review_comment"] == "请补充制度名称"
    r = post(client, "/api/v1/targets/Q1/reports", {**GOOD, "narrative": "三项制度：…"}, bearer(unit_a_user))
    assert r.status_code == 201 and (r.json()["id"], r.json()["version"]) == (q1.pk, 2)
    assert post(client, f"/api/v1/target-reports/{q1.pk}/review", {"accept": True}, bearer(dept)).json()["state"] == (
        "accepted")
    r = post(client, f"/api/v1/target-reports/{q1.pk}/submit", GOOD, bearer(unit_a_user))
    assert r.status_code == 400 and r.json()["error"]["code"] == "report_not_editable"
    r = post(client, "/api/v1/targets/Q1/reports", GOOD, bearer(unit_a_user))
    assert r.status_code == 409 and r.json()["error"]["code"] == "report_not_editable"


def test_without_an_open_round_there_is_nothing_to_file(client, bearer, unit_a_user, targets):
    r = post(client, "/api/v1/targets/Q1/reports", GOOD, bearer(unit_a_user))
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_open_round"
    assert not TargetReport.objects.exists()


def test_the_openapi_schema_declares_the_error_responses(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in (("/api/v1/target-reports", "get"), ("/api/v1/target-reports/{pk}", "get"),
                         ("/api/v1/targets/{code}/reports", "post"), ("/api/v1/target-reports/{pk}/submit", "post"),
                         ("/api/v1/target-reports/{pk}/review", "post")):
        responses = paths[path][method]["responses"]
        assert {"400", "401", "404", "422"} <= set(responses), path
        assert responses["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "409" in paths["/api/v1/targets/{code}/reports"]["post"]["responses"]
    assert "403" in paths["/api/v1/target-reports/{pk}/review"]["post"]["responses"]

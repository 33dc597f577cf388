"""Evidence files through the API (multipart on the report and milestone endpoints), their download
with the owner's permissions, and the script endpoint's refusals that change nothing."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from steppe.supervision import services
from steppe.supervision.models import Evidence, ProgressReport, ReportVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def round_open(dept, sup_plan):
    return services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=10))


def pdf(name="验收报告.pdf", content=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_a_report_posted_as_multipart_carries_its_evidence_files(
    client, bearer, round_open, unit_a_user, unit_b_user, dept
):
    r = client.post(
        "/api/v1/measures/A1-01/reports",
        {
            "status": "in_progress",
            "progress": "40",
            "done": "完成方案",
            "files": [pdf(), pdf("现场照片.jpg", b"\xff\xd8jpeg")],
        },
        **bearer(unit_a_user),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["round"], body["state"], body["progress"]) == ("2026-Q4", "submitted", 40)
    assert [e["name"] for e in body["evidence"]] == ["验收报告.pdf", "现场照片.jpg"]
    first = body["evidence"][0]
    assert first["size"] == len(b"%PDF-1.4 evidence") and first["url"] == f"/api/v1/evidence/{first['id']}"

    # the unit and the department download it; another unit and anonymous clients do not
    got = client.get(first["url"], **bearer(unit_a_user))
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 evidence"
    assert "attachment" in got["Content-Disposition"]
    assert client.get(first["url"], **bearer(dept)).status_code == 200
    assert client.get(first["url"], **bearer(unit_b_user)).status_code == 404
    assert client.get(first["url"]).status_code == 401
    # and the report read back lists it
    again = client.get(f"/api/v1/reports/{body['id']}", **bearer(dept)).json()
    assert [e["id"] for e in again["evidence"]] == [e["id"] for e in body["evidence"]]


def test_evidence_on_pages_is_served_with_permissions_not_from_media(
    client, bearer, round_open, unit_a_user, unit_b_user
):
    r = client.post(
        "/api/v1/measures/A1-01/reports",
        {"status": "in_progress", "progress": "40", "done": "完成阶段任务", "files": [pdf()]},
        **bearer(unit_a_user),
    )
    ev = Evidence.objects.get(pk=r.json()["evidence"][0]["id"])
    client.force_login(unit_a_user)
    page = client.get(f"/supervision/reports/{ev.report_id}/").content.decode()
    assert f"/supervision/evidence/{ev.pk}/" in page and "/media/" not in page
    assert client.get(f"/supervision/evidence/{ev.pk}/").status_code == 200
    client.force_login(unit_b_user)
    assert client.get(f"/supervision/evidence/{ev.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/supervision/evidence/{ev.pk}/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    "files, message",
    [
        ([pdf(f"f{i}.pdf") for i in range(services.EVIDENCE_MAX_FILES + 1)], "最多上传"),
        ([pdf("empty.pdf", b"")], "为空"),
    ],
)
def test_bad_files_are_refused_by_field_name_and_change_nothing(
    client, bearer, round_open, unit_a_user, media, files, message
):
    r = client.post(
        "/api/v1/measures/A1-01/reports",
        {"status": "in_progress", "progress": "40", "done": "完成阶段任务", "files": files},
        **bearer(unit_a_user),
    )
    assert r.status_code == 400, r.content
    err = r.json()["error"]
    assert err["data"]["errors"][0]["field"] == "files" and message in err["message"]
    assert not ReportVersion.objects.exists() and not Evidence.objects.exists()
    assert ProgressReport.objects.get(measure__code="A1-01").state == "draft"
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(
    client, bearer, round_open, unit_a_user, settings, monkeypatch
):
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 10)
    r = client.post(
        "/api/v1/measures/A1-01/reports",
        {"status": "in_progress", "progress": "40", "done": "完成阶段任务", "files": [pdf(content=b"x" * 11)]},
        **bearer(unit_a_user),
    )
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "files"
    assert not Evidence.objects.exists()


def test_a_milestone_is_marked_done_with_evidence_files(client, bearer, unit_a_user, unit_b_user, measure):
    ms = services.milestone_create(
        actor=unit_a_user,
        measure=measure,
        deliverable="建设方案获批",
        planned_on="2027-03-31",
        evidence_required="批复文件",
    )
    today = str(timezone.localdate())
    # another unit: 404, nothing changes
    other = client.post(
        f"/api/v1/milestones/{ms.pk}/done", {"done_on": today, "files": [pdf()]}, **bearer(unit_b_user)
    )
    assert other.status_code == 404
    ms.refresh_from_db()
    assert ms.done_on is None and not Evidence.objects.exists()
    # evidence required: a file alone is enough
    r = client.post(
        f"/api/v1/milestones/{ms.pk}/done",
        {"done_on": today, "files": [pdf("批复.pdf")]},
        **bearer(unit_a_user),
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["done_on"] == today and [e["name"] for e in body["evidence"]] == ["批复.pdf"]
    listed = client.get(f"/api/v1/measures/{measure.code}/milestones", **bearer(unit_a_user)).json()
    assert listed[0]["evidence"][0]["name"] == "批复.pdf"


def _post_raw(client, url, raw, headers):
    return client.post(url, data=raw, content_type="application/json", **headers)


@pytest.mark.parametrize(
    "raw, field, status",
    [
        ('{"status": "in_progress"', "body", 400),  # malformed JSON
        ("[1, 2]", "body", 400),
        ('{"status": "in_progress", "progress": true}', "progress", 422),  # a boolean is not a percentage: the wrong kind
        ('{"status": "in_progress", "progres": 40}', "progres", 400),  # a typo is named, not ignored
        ('{"status": null, "progress": 40, "done": "完成阶段任务"}', "status", 400),
    ],
)
def test_malformed_report_bodies_name_the_field_and_change_nothing(
    client, bearer, round_open, unit_a_user, raw, field, status
):
    r = _post_raw(client, "/api/v1/measures/A1-01/reports", raw, bearer(unit_a_user))
    assert r.status_code == status, r.content
    err = r.json()["error"]
    assert err["code"] == "invalid" and err["data"]["errors"][0]["field"] == field
    assert not ReportVersion.objects.exists()
    assert ProgressReport.objects.count() == round_open.reports


def test_a_second_report_while_the_first_awaits_review_is_refused(
    client, bearer, round_open, unit_a_user, dept
):
    body = {"status": "in_progress", "progress": 30, "done": "完成阶段任务"}
    first = _post_raw(client, "/api/v1/measures/A1-01/reports", json.dumps(body), bearer(unit_a_user))
    assert first.status_code == 201
    count = ProgressReport.objects.count()
    second = _post_raw(
        client, "/api/v1/measures/A1-01/reports", json.dumps({**body, "progress": 60}), bearer(unit_a_user)
    )
    assert second.status_code == 409
    err = second.json()["error"]
    assert err["code"] == services.ERR_AWAITING_REVIEW and err["data"]["report"] == first.json()["id"]
    assert ProgressReport.objects.count() == count
    # once returned, the same call resubmits the round's report as version 2
    services.report_review(
        actor=dept, report=ProgressReport.objects.get(pk=first.json()["id"]), accept=False, comment="补充数据"
    )
    third = _post_raw(
        client, "/api/v1/measures/A1-01/reports", json.dumps({**body, "progress": 60}), bearer(unit_a_user)
    )
    assert third.status_code == 201
    assert (third.json()["id"], third.json()["version"], third.json()["round"]) == (
        first.json()["id"],
        2,
        "2026-Q4",
    )


def test_the_openapi_schema_documents_json_and_multipart(client):
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/measures/{code}/reports"]["post"]
    content = op["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
    assert "files" in content["multipart/form-data"]["schema"]["properties"]
    assert "/api/v1/evidence/{pk}" in spec["paths"]


def test_json_sent_without_a_content_type_is_read_as_json(client, bearer, round_open, unit_a_user):
    r = client.post(
        "/api/v1/measures/A1-01/reports",
        data='{"status": "in_progress", "progress": 25, "done": "完成阶段任务"}',
        content_type="application/x-www-form-urlencoded",  # what `curl -d` sends
        **bearer(unit_a_user),
    )
    assert r.status_code == 201, r.content
    assert r.json()["progress"] == 25


def test_what_a_lead_unit_may_not_read_answers_404_not_403(client, bearer, round_open, unit_a_user):
    assert client.get("/api/v1/rounds/2026-Q4", **bearer(unit_a_user)).status_code == 404
    assert client.get("/api/v1/supervision/audit", **bearer(unit_a_user)).status_code == 404

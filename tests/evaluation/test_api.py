"""Evaluation API: frameworks, building a run (department), the latest run with rank intervals."""

import pytest

from steppe.evaluation.models import IndexRun


def test_reading_needs_an_account(client, regions):
    assert client.get("/api/v1/evaluation/frameworks").status_code == 401


def test_frameworks_list_the_shipped_ones(client, login, bureau_user):
    login(bureau_user)
    codes = {f["code"] for f in client.get("/api/v1/evaluation/frameworks").json()}
    assert {"asem-coinr-example", "nmg-leagues-cstii", "nmg-counties-innovative", "nmg-parks-htz"} <= codes


def test_the_department_builds_and_everyone_signed_in_reads(
    client, login, department_user, bureau_user, django_capture_on_commit_callbacks
):
    login(bureau_user)
    r = client.post(
        "/api/v1/evaluation/frameworks/asem-coinr-example/runs",
        {"replications": 60},
        content_type="application/json",
    )
    assert r.status_code == 404 and not IndexRun.objects.exists()
    login(department_user)
    with django_capture_on_commit_callbacks(execute=True):  # the test queue runs the job after the commit
        r = client.post(
            "/api/v1/evaluation/frameworks/asem-coinr-example/runs",
            {"replications": 60, "seed": 3},
            content_type="application/json",
        )
    assert r.status_code == 202  # a background job, as the page's build (tests run jobs at once)
    job = r.json()
    assert job["kind"] == "evaluation.build" and job["url"] == f"/api/v1/jobs/{job['id']}"
    followed = client.get(job["url"]).json()
    assert followed["status"] == "succeeded" and followed["result"]["ok"] is True
    assert followed["result"]["replications"] == 60
    body = client.get(f"/api/v1/evaluation/runs/{followed['result']['run']}").json()
    assert IndexRun.objects.get().seed == 3 and IndexRun.objects.get().created_by == department_user
    assert body["ok"] and body["columns"][0] == "Index" and body["units"][0]["code"] == "CHE"
    assert body["units"][0]["rank_lo"] <= body["units"][0]["rank"] + 5
    assert set(body["sensitivity"]["total"]) == {"weights", "normalise", "impute", "aggregate"}
    login(bureau_user)
    latest = client.get("/api/v1/evaluation/frameworks/asem-coinr-example/latest").json()
    assert latest["uid"] == body["uid"]
    assert client.get(f"/api/v1/evaluation/runs/{body['uid']}").json()["data_sha256"] == body["data_sha256"]


@pytest.mark.parametrize(
    "url, payload, status",
    [
        ("/api/v1/evaluation/frameworks/nope/runs", {}, 404),
        ("/api/v1/evaluation/frameworks/asem-coinr-example/runs", {"method": "official"}, 400),
        ("/api/v1/evaluation/frameworks/asem-coinr-example/runs", {"replications": 999999}, 400),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(client, login, department_user, url, payload, status):
    from steppe.core.jobs.models import Job

    login(department_user)
    r = client.post(url, payload, content_type="application/json")
    assert r.status_code == status
    assert not IndexRun.objects.exists() and not Job.objects.exists()  # refused before anything is queued

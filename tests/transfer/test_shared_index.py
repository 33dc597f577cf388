"""The shared search index (issue 10, issue 9 "jobs"): built once by the transfer.reindex job,
written to disk as a version, loaded by every server process; a listing change queues the job
that writes the next version; while no version exists a large register falls back to a database
query, never a build inside a request."""

import json
import subprocess
import sys

import pytest

from steppe.core.jobs.models import Job
from steppe.transfer import search, services
from steppe.transfer.matching import MatchIndex

from .conftest import ACHIEVEMENT

pytestmark = pytest.mark.django_db


def _never_build(monkeypatch):
    def refuse(self, docs):
        raise AssertionError("a process that loads the shared index must not build one")

    monkeypatch.setattr(MatchIndex, "build", refuse)


def test_two_processes_share_one_built_index(achievement, demand, monkeypatch):
    summary = search.reindex(full=True)  # what the transfer.reindex job runs
    version = search.current_version()
    assert summary["version"] == version and summary["documents"] == 2

    _never_build(monkeypatch)
    search.forget_process_index()  # a second server process: loads, never builds
    first = search.get_index()
    ids = first.search("钕铁硼 晶界扩散").ids
    assert sorted(ids) == sorted([f"achievement:{achievement.public_id}", f"demand:{demand.public_id}"])
    search.forget_process_index()  # a third one loads the very same version
    second = search.get_index()
    assert second is not first and second.search("钕铁硼 晶界扩散").ids == ids
    assert search._state.version == version and search.current_version() == version

    # a separate operating-system process reads the same folder (the plain matching package)
    code = (
        "import json, sys; from steppe.transfer.matching import MatchIndex;"
        "print(json.dumps(MatchIndex.load(sys.argv[1]).search('钕铁硼 晶界扩散').ids))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(search.index_root() / version)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ids


def test_a_listing_change_queues_one_rebuild_job_and_its_version_reaches_other_processes(
    make_published, institution_user, department_user, django_capture_on_commit_callbacks
):
    search.reindex(full=True)
    before = search.current_version()
    a, b = (
        services.listing_submit(actor=institution_user, kind="achievement", data={**ACHIEVEMENT, "ip_numbers": n})
        for n in ("ZL8", "ZL9")
    )
    for x in (a, b):
        services.listing_review(actor=department_user, listing=x, decision="accept")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.listing_publish(actor=department_user, listing=a)
        services.listing_publish(actor=department_user, listing=b)
        services.listing_withdraw(actor=institution_user, listing=b)
    jobs = Job.objects.filter(kind=search.JOB_KIND)
    assert [j.status for j in jobs] == [Job.Status.QUEUED]  # three changes, one job waiting
    assert search.current_version() == before  # nothing written before the commit
    for callback in callbacks:  # the commit: this process catches up, the queue runs the job
        callback()
    job = Job.objects.get(kind=search.JOB_KIND)
    assert job.status == Job.Status.SUCCEEDED, job.error
    after = search.current_version()
    assert after != before and job.result["version"] == after and job.result["applied"] >= 1
    search.forget_process_index()  # another server process adopts the job's version
    index = search.get_index()
    assert search._state.version == after and f"achievement:{a.public_id}" in index
    assert f"achievement:{b.public_id}" not in index
    assert sorted(p.name for p in search.index_root().glob("v-*")) == sorted({before, after})


def test_without_an_index_a_large_register_falls_back_to_the_database_and_queues_the_build(
    client, settings, achievement, demand, enterprise_user, monkeypatch
):
    settings.SEARCH_BUILD_INLINE_MAX = 1  # two live records: "too large" to index in a request
    _never_build(monkeypatch)
    Job.objects.filter(kind=search.JOB_KIND).delete()  # the one publishing queued (its commit never comes)
    page = client.get("/transfer/search/", {"q": "钕铁硼 晶界扩散"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "检索索引正在建立" in text and f"/transfer/achievements/{achievement.public_id}/" in text
    assert "· 相关度" not in text  # no ranking score is shown for an unranked list
    r = client.get("/api/v1/transfer/search", {"q": "钕铁硼 晶界扩散", "kind": "achievement"})
    assert r.status_code == 200
    body = r.json()
    assert body["source"] == "database"
    assert [h["id"] for h in body["results"]] == [str(achievement.public_id)]
    assert client.get("/api/v1/transfer/search", {"q": "钕铁硼", "kind": "demand", "region": "150100"}).json()[
        "results"
    ] == []  # the filters apply to the fallback too (the demand is in 150202)
    record = client.get(f"/transfer/demands/{demand.public_id}/").content.decode()
    assert "匹配索引正在建立" in record
    client.force_login(enterprise_user)  # the demand's owner: "matches for me" say the same
    assert "匹配索引正在建立" in client.get("/transfer/mine/").content.decode()
    queued = Job.objects.filter(kind=search.JOB_KIND, status=Job.Status.QUEUED)
    assert queued.count() == 1  # five searches, one build queued
    assert search.current_version() == ""

    monkeypatch.undo()
    search.reindex()  # the worker runs the queued job
    r = client.get("/api/v1/transfer/search", {"q": "钕铁硼 晶界扩散", "kind": "achievement"})
    assert r.json()["source"] == "index" and r.json()["results"][0]["id"] == str(achievement.public_id)


def test_a_small_register_is_indexed_at_once_and_written_for_the_others(client, achievement):
    assert search.current_version() == ""
    jobs = Job.objects.count()  # (publishing the record queued one, whose commit never comes here)
    r = client.get("/api/v1/transfer/search", {"q": "钕铁硼"})
    assert r.json()["source"] == "index" and r.json()["results"][0]["id"] == str(achievement.public_id)
    assert search.current_version() != "" and Job.objects.count() == jobs

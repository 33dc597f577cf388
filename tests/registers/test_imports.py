"""Imports and exports through the one table reader and writer: all or nothing, errors naming row
and field; an export reads back."""

import pytest

from steppe.registers.models import Platform, Talent

pytestmark = pytest.mark.django_db


def _post(client, slug, name, content, *, dry_run=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    query = "?dry_run=true" if dry_run else ""
    return client.post(f"/api/v1/{slug}/import{query}", {"file": SimpleUploadedFile(name, content)})


def test_a_bad_row_refuses_the_whole_file_naming_row_and_field(seeded, bureau_user, login):
    content = ("名称,类型,级别,地区,建设状态\n"
               "甲自治区重点实验室,key_lab,regional,150200,running\n"
               "乙自治区重点实验室,重点实验室,provincial,150200,running\n").encode()
    answer = _post(login(bureau_user), "platforms", "p.csv", content)
    assert answer.status_code == 400
    assert answer.json()["error"]["data"]["errors"] == [{"field": "level", "message": answer.json()["error"]["data"]
                                                          ["errors"][0]["message"], "row": 3}]
    assert not Platform.objects.filter(name__startswith="甲").exists()


def test_a_column_for_an_identity_number_is_refused(seeded, bureau_user, login):
    content = "姓名或团队名称,工作单位,人才计划,入选年份,地区,身份证号\n张三,内蒙古大学,leading-team,2024,150200,1501\n"
    answer = _post(login(bureau_user), "talent", "t.csv", content.encode())
    assert answer.status_code == 400
    assert answer.json()["error"]["data"]["errors"][0]["field"] == "身份证号"
    assert not Talent.objects.exists()


def test_an_export_reads_back_as_an_import(seeded, bureau_user, department_user, login):
    client = login(bureau_user)
    content = ("姓名或团队名称,工作单位,人才计划,入选年份,支持经费(万元),地区,服务的举措\n"
               "稀土永磁创新团队,包头稀土研究院,自治区科技领军人才团队引育计划,2024,300,150200,A5-05\n").encode()
    assert _post(client, "talent", "t.csv", content, dry_run=True).json() == {"rows": 1, "created": 0,
                                                                                "dry_run": True}
    assert not Talent.objects.exists()
    assert _post(client, "talent", "t.csv", content).json()["created"] == 1
    exported = client.get("/registers/talent/export.xlsx")
    assert exported.status_code == 200
    Talent.objects.update(review="withdrawn")  # make room: a live duplicate would be refused
    again = _post(client, "talent", "talent.xlsx", exported.content)
    assert again.status_code == 200, again.content
    talent = Talent.objects.exclude(review="withdrawn").get()
    assert (talent.programme.code, talent.year, talent.funding_wan, talent.region.code) == (
        "leading-team", 2024, 300, "150200")
    assert [m.code for m in talent.measures.all()] == ["A5-05"]


def test_a_large_table_from_the_page_is_filed_by_a_background_job(
    seeded, bureau_user, login, monkeypatch, django_capture_on_commit_callbacks
):
    """Above BACKGROUND_ROWS rows the page queues a job (core.jobs); the list page then shows the
    job's panel with the outcome. The test settings run the job once the request commits."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from steppe.core.jobs.models import Job
    from steppe.registers import services

    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    content = ("名称,类型,级别,地区,建设状态\n"
               "甲自治区重点实验室,key_lab,regional,150200,running\n"
               "乙自治区重点实验室,key_lab,regional,150200,running\n").encode()
    client = login(bureau_user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/registers/platforms/import/", {"file": SimpleUploadedFile("p.csv", content)})
    job = Job.objects.get(kind="registers.import")
    assert r.status_code == 302 and r["Location"].endswith(f"?job={job.pk}")
    assert job.status == "succeeded" and job.result["created"] == 2 and job.started_by == bureau_user
    assert Platform.objects.filter(name__endswith="自治区重点实验室", submitted_by=bureau_user).count() == 2
    html = client.get(r["Location"]).content.decode()
    assert "已导入 p.csv:2 行,新建 2 条。" in html
    bad = content.replace(b"key_lab,regional", b"key_lab,provincial")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/registers/platforms/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    failed = Job.objects.exclude(pk=job.pk).get()
    assert failed.status == "failed" and failed.result["errors"][0]["row"] == 2
    html = client.get(r["Location"]).content.decode()
    assert "重试" in html and 'data-job-status="failed"' in html

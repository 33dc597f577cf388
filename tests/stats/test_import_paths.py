"""Every statistics import that writes runs the stats.import job's code (stats.jobs.import_job): the
worker's background jobs, the small ones the page and the API import at once, and `steppe stats
import` (at once, or queued with --background). Each leaves its job record."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from steppe.core.jobs.models import Job
from steppe.stats.models import Import, Observation

CSV = "region,indicator,year,value,unit,source_title\n通辽市,gdp,2023,1500,亿元,通辽统计公报\n"
BAD = "region,indicator,year,value,unit,source_title\n通辽市,gdp,2023,x,亿元,s\n"


def test_the_command_line_import_is_a_stats_import_job_run_here(published, tmp_path, capsys):
    f = tmp_path / "new.csv"
    f.write_text(CSV, encoding="utf-8")
    call_command("stats", "import", str(f))
    assert "1 added" in capsys.readouterr().out
    job = Job.objects.get(kind="stats.import")
    assert job.status == Job.Status.SUCCEEDED and job.backend == "inline" and job.params["via"] == "cli"
    imp = Import.objects.get(pk=job.result["import_id"])
    assert (imp.via, imp.added, job.subject_type, job.subject_id) == ("cli", 1, "stats.Import", str(imp.pk))
    assert Observation.objects.filter(region__code="150500", indicator__code="gdp", year=2023).exists()


def test_a_refused_file_on_the_command_line_names_row_and_column_and_fails_its_job(published, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError, match=r"第 2 行, 列 value"):
        call_command("stats", "import", str(f))
    job = Job.objects.get(kind="stats.import")
    assert job.status == Job.Status.FAILED and job.result["errors"][0]["column"] == "value"
    assert not Observation.objects.filter(region__code="150500", year=2023).exists()


def test_the_command_line_queues_the_import_with_background(published, tmp_path, capsys):
    f = tmp_path / "new.csv"
    f.write_text(CSV, encoding="utf-8")
    call_command("stats", "import", str(f), "--background")  # no commit in this test: it stays queued
    job = Job.objects.get(kind="stats.import")
    assert f"queued as job {job.pk}" in capsys.readouterr().out
    assert job.status == Job.Status.QUEUED and job.params["via"] == "cli" and job.params["rows"] == 2
    assert not Observation.objects.filter(region__code="150500", year=2023).exists()


def test_a_small_page_import_runs_the_jobs_code_at_once(client, published, department_user):
    import io

    client.force_login(department_user)
    f = io.BytesIO(CSV.encode())
    f.name = "small.csv"
    preview = client.post("/monitoring/import/", {"file": f})
    token = preview.context["token"]
    r = client.post("/monitoring/import/", {"confirm": token})
    assert r.status_code == 302 and "job=" not in r["Location"]  # answered at once, no job page
    job = Job.objects.get(kind="stats.import")
    assert job.status == Job.Status.SUCCEEDED and job.backend == "inline" and job.started_by == department_user
    assert Import.objects.get(pk=job.result["import_id"]).via == "page"


def test_a_small_api_import_runs_the_jobs_code_and_answers_with_the_changes(client, published, department_user,
                                                                             bearer):
    r = client.post("/api/v1/observations/import", {"file": _upload(CSV)}, **bearer(department_user))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["added"] == 1 and body["changes"]["added"][0]["region"]
    job = Job.objects.get(kind="stats.import")
    assert job.status == Job.Status.SUCCEEDED and job.params["via"] == "api" and job.result["import_id"] == body["import_id"]


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("small.csv", text.encode(), content_type="text/csv")

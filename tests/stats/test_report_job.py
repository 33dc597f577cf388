"""The monitoring report's PDF is built by a background job (stats.report), not in the request: the
dashboard's PDF link queues it and shows the report page with the job panel; the finished PDF is
downloadable, and served again at once while the statistics are unchanged."""

from steppe.core.jobs.models import Job
from steppe.stats.models import Observation


def _request_pdf(client, plan, capture):
    with capture(execute=True):  # the test queue runs the job once the request's transaction commits
        return client.get(f"/monitoring/report.pdf?plan={plan.code}&as_of=2025")


def test_the_pdf_is_built_by_a_job_followed_on_the_report_page(client, loaded, department_user,
                                                                django_capture_on_commit_callbacks):
    client.force_login(department_user)
    r = _request_pdf(client, loaded, django_capture_on_commit_callbacks)
    assert r.status_code == 302
    job = Job.objects.get(kind="stats.report")
    assert r["Location"] == f"/monitoring/report/?plan={loaded.code}&as_of=2025&job={job.pk}"
    assert job.status == Job.Status.SUCCEEDED and job.started_by == department_user, job.error
    page = client.get(r["Location"]).content.decode()
    assert f'id="job-{job.pk}"' in page and f'href="/monitoring/report/{job.pk}.pdf"' in page
    pdf = client.get(f"/monitoring/report/{job.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) == job.result["bytes"]


def test_unchanged_inputs_serve_the_built_pdf_and_a_change_builds_a_new_one(client, loaded,
                                                                             django_capture_on_commit_callbacks):
    first = _request_pdf(client, loaded, django_capture_on_commit_callbacks)  # a visitor: the report is public
    job = Job.objects.get(kind="stats.report")
    assert job.started_by is None and job.status == Job.Status.SUCCEEDED
    page = client.get(first["Location"]).content.decode()
    assert f'href="/monitoring/report/{job.pk}.pdf"' in page and "hx-get" not in page  # no panel: not its job
    again = client.get(f"/monitoring/report.pdf?plan={loaded.code}&as_of=2025")
    assert again.status_code == 200 and again.content.startswith(b"%PDF")  # the kept file, no new job
    assert Job.objects.filter(kind="stats.report").count() == 1
    obs = Observation.objects.first()
    obs.value = obs.value + 1
    obs.save()  # the statistics changed: the kept PDF no longer fits
    third = _request_pdf(client, loaded, django_capture_on_commit_callbacks)
    assert third.status_code == 302 and Job.objects.filter(kind="stats.report").count() == 2


def test_a_report_page_with_a_bad_job_is_refused_by_name(client, loaded):
    r = client.get(f"/monitoring/report/?plan={loaded.code}&as_of=2025&job=abc")
    assert r.status_code == 400 and "job" in r.content.decode()
    assert client.get(f"/monitoring/report/?plan={loaded.code}&as_of=2025&job=999").status_code == 404
    assert client.get("/monitoring/report/999.pdf").status_code == 404

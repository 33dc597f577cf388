"""Evaluation pages: every page renders, the department builds a run, others may read but not build,
failed runs say what is missing, the change page splits data from method."""

import pytest

from steppe.evaluation.models import IndexRun
from steppe.evaluation.services import index_run_build


@pytest.fixture
def asem_run(regions):
    return index_run_build(framework="asem-coinr-example", replications=60, seed=2)


def test_every_page_renders(client, login, department_user, asem_run):
    login(department_user)
    second = index_run_build(framework="asem-coinr-example")
    for url in [
        "/evaluation/",
        "/evaluation/asem-coinr-example/",
        "/evaluation/asem-coinr-example/framework/",
        "/evaluation/asem-coinr-example/units/CHE/",
        f"/evaluation/asem-coinr-example/change/?from={asem_run.uid}&to={second.uid}",
        "/evaluation/nmg-parks-htz/",
        "/evaluation/nmg-leagues-cstii/framework/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url


def test_the_tree_names_every_indicator_with_its_audit_figures(client, login, bureau_user, asem_run):
    login(bureau_user)
    html = client.get("/evaluation/asem-coinr-example/framework/").content.decode()
    assert "Logistics Performance Index" in html and "Sustainable Connectivity" in html
    lpi = next(a for a in asem_run.result["audit"]["indicators"] if a["code"] == "LPI")
    assert f"{lpi['skew']:.2f}" in html


def test_ranking_shows_intervals_and_coverage(client, login, bureau_user, asem_run):
    login(bureau_user)
    html = client.get("/evaluation/asem-coinr-example/").content.decode()
    assert 'class="whiskers"' in html and "<circle" in html and "<line" in html
    che = next(u for u in asem_run.result["units"] if u["code"] == "CHE")
    assert f"{che['rank_lo']:.0f}–{che['rank_hi']:.0f}" in html
    assert "68.38" in html


def test_the_profile_lists_what_moves_the_rank(client, login, bureau_user, asem_run):
    login(bureau_user)
    html = client.get("/evaluation/asem-coinr-example/units/IND/").content.decode()
    ind = next(u for u in asem_run.result["units"] if u["code"] == "IND")
    assert ind["movers"] and asem_run.result["names"][ind["movers"][0]["code"]] in html
    assert client.get("/evaluation/asem-coinr-example/units/XXX/").status_code == 404


def test_only_the_department_builds_and_others_get_404(
    client, login, bureau_user, department_user, regions, django_capture_on_commit_callbacks
):
    """The build is a background job (core.jobs); the test settings run it once the request commits."""
    from steppe.core.jobs.models import Job

    login(bureau_user)
    assert client.post("/evaluation/asem-coinr-example/build/", {"replications": 0}).status_code == 404
    assert not IndexRun.objects.exists() and not Job.objects.exists()
    login(department_user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/evaluation/asem-coinr-example/build/", {"replications": 50})
    job = Job.objects.get(kind="evaluation.build")
    assert r.status_code == 302 and r["Location"].endswith(f"?job={job.pk}") and IndexRun.objects.get().ok
    assert job.status == "succeeded" and job.result["ok"] and job.subject_id == str(IndexRun.objects.get().pk)
    html = client.get(r["Location"]).content.decode()
    assert "已完成计算(蒙特卡洛模拟 50 次)" in html


def test_a_failed_run_says_what_is_missing_and_shows_no_ranking(
    client, login, department_user, league_figures, django_capture_on_commit_callbacks
):
    login(department_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/evaluation/nmg-leagues-cstii/build/", {"replications": 0})
    run = IndexRun.objects.get(framework="nmg-leagues-cstii")
    assert not run.ok and "screen" in run.error
    html = client.get("/evaluation/nmg-leagues-cstii/").content.decode()
    assert "呼和浩特市" in html and 'class="whiskers"' not in html
    assert run.error in html


def test_pages_need_an_account_and_unknown_frameworks_are_404(client, login, department_user, regions):
    assert client.get("/evaluation/").status_code == 302
    login(department_user)
    assert client.get("/evaluation/nope/").status_code == 404


def test_export_is_xlsx_with_every_unit(client, login, department_user, asem_run):
    import io

    import openpyxl

    login(department_user)
    r = client.get("/evaluation/asem-coinr-example/export.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == 52 and ws.cell(1, 1).value == "uCode" and ws.cell(2, 1).value == "CHE"


def test_a_bad_build_request_names_each_field_by_its_label_and_starts_nothing(client, login, department_user):
    from steppe.core.jobs.models import Job

    login(department_user)
    r = client.post("/evaluation/asem-coinr-example/build/", {"replications": "lots", "method": "nonsense"},
                    follow=True)
    html = r.content.decode()
    assert "蒙特卡洛模拟次数：“lots” 不是整数" in html and "计分方法：未知的计分方法" in html
    assert "replications:" not in html and "replications：" not in html  # the label, not the raw name
    assert not Job.objects.exists() and not IndexRun.objects.exists()
    client.cookies["django_language"] = "en"
    html = client.post("/evaluation/asem-coinr-example/build/", {"replications": "99999"}, follow=True).content.decode()
    assert "must be between 0 and 20000" in html and not Job.objects.exists()

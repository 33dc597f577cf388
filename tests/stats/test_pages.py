"""Every monitoring page renders; missing data shows as missing; the import page flow; exports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steppe.stats.models import Observation


@pytest.fixture
def loaded(plan, published):
    return plan


PAGES = [
    "/monitoring/",
    "/monitoring/?as_of=2023",
    "/monitoring/scorecard/",
    "/monitoring/indicators/",
    "/monitoring/indicators/rd_intensity/",
    "/monitoring/indicators/rd_intensity/?region=150100",
    "/monitoring/indicators/rd_intensity/?history=150000:2021",
    "/monitoring/indicators/share_industrial_enterprises_with_rd/",
    "/monitoring/regions/150000/",
    "/monitoring/regions/150200/",
    "/monitoring/regions/152900/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders(client, loaded, url):
    r = client.get(url)
    assert r.status_code == 200, url
    assert "<html" in r.content.decode()


def test_dashboard_shows_every_target_with_status_rule_and_source(client, loaded):
    html = client.get("/monitoring/").content.decode()
    for code in loaded.targets.values_list("code", flat=True):
        assert f'id="target-{code}"' in html
    assert "需加快进度" in html and "进展有限" in html
    assert "2022年内蒙古自治区科技经费投入统计公报" in html or "中国科技统计年鉴" in html
    assert "stats/vega-embed.js" in html  # charts from the offline bundle, no CDN
    assert "cdn" not in html.lower()


def test_missing_data_is_shown_as_missing_never_zero(client, loaded):
    html = client.get("/monitoring/scorecard/").content.decode()
    assert "无数据" in html
    page = client.get("/monitoring/indicators/rd_expenditure/").content.decode()
    assert "无数据" in page  # leagues without R&D figures
    assert '"value": 0' not in page


def test_indicator_page_has_map_of_the_12_leagues(client, loaded):
    html = client.get("/monitoring/indicators/rd_expenditure/").content.decode()
    assert html.count('"type": "Feature"') == 12
    assert "chart-map" in html and "chart-series" in html


def test_indicator_page_marks_revised_and_lists_other_sources(client, loaded):
    html = client.get("/monitoring/indicators/rd_intensity/").content.decode()
    assert "badge-revised" in html and "0.76" in html


def test_unknown_indicator_and_region_are_404(client, loaded):
    assert client.get("/monitoring/indicators/nope/").status_code == 404
    assert client.get("/monitoring/regions/999999/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/monitoring/?format=csv",
        "/monitoring/?format=xlsx",
        "/monitoring/scorecard/?format=xlsx",
        "/monitoring/indicators/?format=csv",
        "/monitoring/indicators/rd_expenditure/?format=xlsx",
        "/monitoring/regions/150000/?format=csv",
        "/monitoring/import/template.csv",
        "/monitoring/import/template.xlsx",
    ],
)
def test_every_table_exports(client, loaded, url):
    r = client.get(url)
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    if url.endswith("xlsx"):
        assert r.content[:2] == b"PK"


def test_import_history_exports(client, loaded, department_user):
    client.force_login(department_user)
    r = client.get("/monitoring/import/?format=csv")
    assert r.status_code == 200 and "published_statistics.csv" in r.content.decode("utf-8-sig")


def test_import_page_is_only_for_the_department(client, loaded, bureau_user):
    assert client.get("/monitoring/import/").status_code == 302  # login first
    client.force_login(bureau_user)
    assert client.get("/monitoring/import/").status_code == 404


def test_import_page_upload_preview_confirm(client, loaded, department_user):
    client.force_login(department_user)
    body = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,页面测试\n".encode()
    r = client.post("/monitoring/import/", {"file": SimpleUploadedFile("a.csv", body)})
    assert r.status_code == 200 and "确认导入" in r.content.decode()
    assert not Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022).exists()
    token = r.context["token"]
    r = client.post("/monitoring/import/", {"confirm": token})
    assert r.status_code == 302
    assert Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022).exists()


def test_import_page_shows_row_and_column_of_errors(client, loaded, department_user):
    client.force_login(department_user)
    n = Observation.objects.count()
    body = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,x\n火星,gdp,2022,1,亿元,x\n".encode()
    r = client.post("/monitoring/import/", {"file": SimpleUploadedFile("a.csv", io.BytesIO(body).read())})
    assert r.status_code == 400
    html = r.content.decode()
    assert "火星" in html and ">3<" in html and "region" in html
    assert Observation.objects.count() == n


def test_every_chart_on_the_pages_compiles(client, loaded):
    import json
    import re

    import vl_convert as vlc

    specs = []
    for url in (
        "/monitoring/",
        "/monitoring/indicators/rd_expenditure/",
        "/monitoring/indicators/rd_intensity/",
    ):
        html = client.get(url).content.decode()
        specs += re.findall(r'<script id="[^"]+-spec" type="application/json">(.*?)</script>', html, re.S)
    assert len(specs) >= 8
    for s in specs:
        vega = vlc.vegalite_to_vega(json.loads(s))
        assert vega["marks"] and vega["data"], s[:120]  # something drawn, from data


def test_a_computed_baseline_says_so(client, loaded):
    # the region's 2022 high-tech enterprise count is not published; it is computed from the zones' share
    html = client.get("/monitoring/").content.decode()
    assert "2022年基期值 1,572 为计算值" in html and "1572.07" not in html  # a count has no decimals


def test_admin_lists_statistics_read_only(client, loaded, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw-123456789")
    client.force_login(admin)
    assert client.get("/admin/stats/observation/").status_code == 200
    assert client.get("/admin/stats/observation/add/").status_code == 403


def test_cached_dashboard_carries_a_working_csrf_token(loaded):
    import re

    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.get("/monitoring/")  # fills the page cache
    html = c.get("/monitoring/").content.decode()  # served from it
    assert "__steppe_csrf_token__" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/monitoring/", "csrfmiddlewaretoken": token})
    assert r.status_code == 302


def test_dashboard_page_cache_follows_new_data(client, loaded, make_csv):
    from steppe.stats.services import observation_import

    before = client.get("/monitoring/").content.decode()
    assert "2023年</span>" in before
    observation_import(
        data=make_csv(
            ["内蒙古自治区,rd_expenditure,2024,260,亿元,preliminary,测试公报,https://example.org,2025-09-01"]
        ),
        file_name="t.csv",
    )
    after = client.get("/monitoring/").content.decode()
    assert "260亿元" in after


def test_a_large_import_runs_as_a_job_with_progress(
    client, loaded, department_user, monkeypatch, django_capture_on_commit_callbacks
):
    """Large files import as a background job (core.jobs); the page shows the job's panel, which
    polls while it runs and shows the import's outcome once done. The test settings run tasks at
    once, after the commit."""
    from steppe.core.jobs.models import Job
    from steppe.stats import views

    monkeypatch.setattr(views, "BACKGROUND_ROWS", 1)
    client.force_login(department_user)
    body = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,后台\n包头市,gdp,2021,3500,亿元,后台\n"
    r = client.post("/monitoring/import/", {"file": SimpleUploadedFile("big.csv", body.encode())})
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/monitoring/import/", {"confirm": r.context["token"]})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"?job={job.pk}")
    assert job.kind == "stats.import" and job.status == "succeeded" and job.started_by == department_user
    assert job.result["added"] == 2 and job.subject_type == "stats.Import" and job.attempts == 1
    page = client.get(r["Location"]).content.decode()
    assert "导入完成" in page and "新增 2" in page and f"/jobs/{job.pk}/panel" not in page  # finished: no polling
    assert (
        Observation.objects.filter(region__code="150200", indicator__code="gdp", year__lt=2023).count() == 2
    )
    assert client.get("/monitoring/import/?job=999999").status_code == 404

"""After a change of the statistics one `stats.warm` job computes the monitoring pages ahead (issue
10): the first visitor after an import is served from the cache, and sees the new figures."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steppe.core.jobs.models import Job
from steppe.core.regions import PROVINCE_CODE
from steppe.stats import cache as stats_cache
from steppe.stats import queries
from steppe.stats.jobs import WARM_KIND, warm_after_change
from steppe.stats.models import Indicator
from steppe.stats.services import observation_import

pytestmark = pytest.mark.django_db

PAGE = "/monitoring/indicators/rd_expenditure/"
API = "/api/v1/observations?indicator=rd_expenditure"


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as q:
        r = client.get(url)
    assert r.status_code == 200
    return len(q.captured_queries), r.content.decode()


@pytest.fixture
def warming(loaded, settings):
    # one plan-target indicator keeps the test short (the job does each the same way)
    Indicator.objects.exclude(code="rd_expenditure").update(plan_target=False)
    return loaded


@pytest.mark.django_db(transaction=True)  # commits, as a real import does: the job is queued after commit
def test_after_an_import_the_job_computes_the_page_and_the_api_ahead(client, warming, make_csv, settings):
    client.get(PAGE), client.get(API)
    warm_page, _ = _queries(client, PAGE)
    warm_api, _ = _queries(client, API)
    stats_cache.invalidate()
    cold_page, _ = _queries(client, PAGE)  # what a visitor paid before the job existed
    settings.STEPPE_STATS_WARM = True
    # a revised 2015 value of the autonomous region: the first row of the page's cell table
    observation_import(
        data=make_csv(
            ["内蒙古自治区,rd_expenditure,2015,137.77,亿元,revised,测试年鉴,https://example.org,2024-01-01"]
        ),
        file_name="r.csv",
    )
    jobs = list(Job.objects.filter(kind=WARM_KIND))
    assert [j.status for j in jobs] == [Job.Status.SUCCEEDED]  # one job, run by the (immediate) queue
    gen = stats_cache.generation()
    assert jobs[0].result["generation"] == gen
    year = dt.date.today().year
    for lang in ("zh-hans", "en"):
        key = stats_cache.key(
            "indicator-summary", "rd_expenditure", PROVINCE_CODE, warming.pk, year, lang, gen=gen
        )
        assert cache.get(key) is not None, lang
    assert cache.get(stats_cache.key("cell_keys", "rd_expenditure", gen=gen)) is not None
    n, html = _queries(client, PAGE)
    assert n <= warm_page < cold_page  # served from what the job computed
    assert "137.77" in html  # the new value at once
    n, body = _queries(client, API)
    assert n <= warm_api
    window = queries.cells_window(indicators=["rd_expenditure"], offset=0, limit=100)
    assert [(o["region"], o["year"], o["value"]) for o in json.loads(body)] == [
        (r, y, c.value) for (r, _i, y), c in window
    ]
    assert (
        queries.cells(indicators=["rd_expenditure"], regions=[PROVINCE_CODE])[
            (PROVINCE_CODE, "rd_expenditure", 2015)
        ].value
        == 137.77
    )


def test_one_job_is_queued_however_many_changes(warming, settings):
    settings.STEPPE_STATS_WARM = True
    Job.objects.create(kind=WARM_KIND, params={}, status=Job.Status.QUEUED)
    warm_after_change()
    warm_after_change()
    assert Job.objects.filter(kind=WARM_KIND).count() == 1


def test_no_job_where_warming_is_off(loaded, settings, django_capture_on_commit_callbacks):
    settings.STEPPE_STATS_WARM = False
    with django_capture_on_commit_callbacks(execute=True):
        stats_cache.invalidate()
    assert not Job.objects.filter(kind=WARM_KIND).exists()


def test_a_failing_listener_does_not_fail_the_write(loaded, monkeypatch, django_capture_on_commit_callbacks):
    def broken():
        raise RuntimeError("queue down")

    monkeypatch.setattr(stats_cache.GENERATION, "_listeners", [broken])
    before = stats_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        stats_cache.invalidate()
    assert stats_cache.generation() > before  # the write went through; the failure is logged

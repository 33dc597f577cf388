"""A NaN or ±Infinity stored by hand in a float column (policy results, an index run's coverage)
must not take pages or the API down, shows on pages marked as invalid ("无效数值", English
"invalid value") and not as a bare "NaN", and `steppe data check` lists its row (issue 10, item 4).

PostgreSQL only: its float8 holds NaN and ±Infinity as they came; SQLite stores a NaN as NULL
(tests/web/test_nan_in_postgres.py covers PostgreSQL's numeric columns)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from steppe.evaluation.services import index_run_build
from steppe.policy.models import PolicyResult
from steppe.policy.services import enterprises_generate, policy_run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="NaN and Infinity in float8 are PostgreSQL's"),
]

BARE = re.compile(r">\s*-?(nan|NaN|inf|Infinity)%?\s*<")


@pytest.fixture
def poisoned(regions):
    enterprises_generate(20, year=2024, seed=3)
    run = policy_run(2024)
    result = PolicyResult.objects.filter(run=run).select_related("enterprise").first()
    index = index_run_build(framework="asem-coinr-example")
    with connection.cursor() as cur:  # as a hand edit leaves them
        cur.execute(
            "UPDATE policy_policyresult SET innovation_points = 'NaN', value_total = 'Infinity',"
            " sd_amount = '-Infinity', white_list = true WHERE id = %s",
            [result.pk],
        )
        cur.execute("UPDATE evaluation_indexrun SET coverage = 'NaN' WHERE id = %s", [index.pk])
    return {"enterprise": result.enterprise.public_id, "run": index.uid}


def _pages(p):
    return [
        "/policy/white-list/",
        f"/policy/white-list/{p['enterprise']}/",
        f"/policy/enterprises/{p['enterprise']}/",
        "/evaluation/",
    ]


def test_pages_mark_the_value_invalid_in_chinese(client, department_user, poisoned):
    client.force_login(department_user)
    for url in _pages(poisoned):
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert "无效数值" in html, url
        assert not BARE.search(html), (url, BARE.search(html))


def test_pages_mark_the_value_invalid_in_english(client, department_user, poisoned):
    client.force_login(department_user)
    client.cookies["django_language"] = "en"
    for url in _pages(poisoned):
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert "invalid value" in html, url
        assert "无效数值" not in html, url


def test_the_exports_and_other_pages_answer(client, department_user, poisoned):
    client.force_login(department_user)
    for url in [
        "/policy/white-list/?format=csv",
        "/policy/white-list/?format=xlsx",
        "/policy/runs/",
        "/evaluation/asem-coinr-example/",
        "/evaluation/asem-coinr-example/framework/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/policy/white-list?limit=500",
        "/api/v1/policy/enterprises/{enterprise}",
        "/api/v1/evaluation/runs/{run}",
        "/api/v1/evaluation/frameworks/asem-coinr-example/latest",
    ],
)
def test_the_api_answers_with_null(client, department_user, poisoned, url):
    client.force_login(department_user)
    r = client.get(url.format(**poisoned))
    assert r.status_code == 200, url
    body = r.content.decode()
    assert "NaN" not in body and "Infinity" not in body, url


def test_the_data_check_lists_each_float(poisoned):
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("data", "check", stdout=out, stderr=StringIO())
    assert exited.value.code == 1
    listed = {tuple(line.split("\t")[:3:2]) for line in out.getvalue().splitlines()}
    assert {
        ("policy.PolicyResult", "innovation_points"),
        ("policy.PolicyResult", "value_total"),
        ("policy.PolicyResult", "sd_amount"),
        ("evaluation.IndexRun", "coverage"),
    } <= listed

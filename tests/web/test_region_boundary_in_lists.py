"""A list or a form that names regions does not load the region's outline (issue 10): the
GeoJSON is kilobytes a row, decoded for every row, and only the maps draw it. The outline lives in
its own table (core.models.RegionOutline), so a join to a region never carries it; these pages
(the network's and the policy registers' lists, supervision's overview, which counts register
records per measure, the plan) are checked on the synthetic fill, and the migration that moved
the outlines is checked to move them whole."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steppe.core.models import User
from steppe.transfer.models import Achievement, Contract, Demand
from steppe.web import synthetic

pytestmark = pytest.mark.django_db

LISTS = [
    ("public", "/api/v1/transfer/achievements"),
    ("public", "/api/v1/transfer/demands"),
    ("public", "/api/v1/transfer/experts"),
    ("department", "/api/v1/transfer/contracts"),
    ("department", "/transfer/review/"),
    ("department", "/transfer/experts/"),
    ("department", "/transfer/scenarios/"),
    ("enterprise", "/transfer/mine/"),
    ("enterprise", "/api/v1/transfer/interests"),
    ("broker", "/transfer/broker/"),
    ("department", "/policy/enterprises/"),
    ("department", "/api/v1/policy/enterprises"),
    ("bank", "/policy/white-list/"),
    ("bank", "/api/v1/policy/white-list"),
    ("public", "/policy/"),
    ("enterprise", "/policy/"),
    ("department", "/policy/runs/"),
    ("department", "/transfer/figures/"),
    ("department", "/transfer/contracts/"),
    ("department", "/supervision/overview/"),
    ("department", "/supervision/todo/"),
    ("department", "/api/v1/measures"),
    ("public", "/plan/"),
]
USERS = {
    "department": "syn-department",
    "enterprise": "syn-enterprise-001",
    "broker": "syn-broker-001",
    "bank": "syn-bank-001",
}
BOUNDARY = '"core_regionoutline"'


@pytest.fixture
def filled(plan):
    from steppe.stats.services import indicators_load

    indicators_load()
    synthetic.fill(scale=0.001, say=lambda msg: None)


def test_lists_never_select_a_region_boundary(filled):
    assert Achievement.objects.exists() and Demand.objects.exists() and Contract.objects.exists()
    loaded = {}
    for persona, url in LISTS:
        c = Client()
        if persona != "public":
            c.force_login(User.objects.get(username=USERS[persona]))
        assert c.get(url).status_code == 200, url  # builds the search index (its own concern)
        with CaptureQueriesContext(connection) as q:
            r = c.get(url)
        assert r.status_code == 200, url
        hits = [x["sql"][:200] for x in q.captured_queries if BOUNDARY in x["sql"]]
        if hits:
            loaded[url] = hits
    assert loaded == {}


def test_the_detail_page_shows_the_region_without_its_boundary(filled):
    a = Achievement.objects.filter(status="published").select_related("region").first()
    c = Client()
    c.get(f"/transfer/achievements/{a.public_id}/")  # builds the search index (its own concern)
    with CaptureQueriesContext(connection) as q:
        r = c.get(f"/transfer/achievements/{a.public_id}/")
    assert r.status_code == 200
    assert a.region.name in r.content.decode()
    assert not [x["sql"] for x in q.captured_queries if BOUNDARY in x["sql"]]


def test_a_map_takes_the_outlines_with_its_regions_in_one_query():
    from steppe.stats.queries import leagues

    with CaptureQueriesContext(connection) as q:
        drawn = [lg.boundary["type"] for lg in leagues(with_boundary=True)]
    assert len(drawn) == 12 and set(drawn) <= {"Polygon", "MultiPolygon"}
    assert len(q.captured_queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot alter tables inside the test's transaction")
def test_the_migration_moves_every_outline_whole():
    """Back to 0008 and forward again, inside the test's transaction (PostgreSQL's DDL is transactional)."""
    from django.db.migrations.executor import MigrationExecutor

    from steppe.core.models import RegionOutline

    before = {o.region_id: (o.geometry, o.source) for o in RegionOutline.objects.all()}
    assert len(before) > 100
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0008_jobs")])  # back: the outlines return to the region's columns
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM core_region WHERE boundary IS NOT NULL")
        assert cur.fetchone()[0] == len(before)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    after = {o.region_id: (o.geometry, o.source) for o in RegionOutline.objects.all()}
    assert after == before

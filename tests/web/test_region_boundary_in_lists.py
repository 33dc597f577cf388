"""A list or a form that names regions does not load the region's boundary (issue 10): the
GeoJSON is kilobytes a row, decoded for every row, and only the maps draw it
(core.models.Region.without_boundary). The pages and API lists of the network and the policy
registers, on the synthetic fill."""

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
]
USERS = {
    "department": "syn-department",
    "enterprise": "syn-enterprise-001",
    "broker": "syn-broker-001",
    "bank": "syn-bank-001",
}
BOUNDARY = '"core_region"."boundary"'


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

"""Every list page and API list costs the same number of queries with N rows as with 2N (issue 9
and 10): the synthetic fill at two scales, every list asked for all its rows, each count pinned.

A change that adds a query per row fails the equality; one that adds a fixed query fails the pin
(then update the number here, knowingly)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steppe.core.models import User
from steppe.policy.models import Enterprise
from steppe.transfer.models import Achievement, Contract
from steppe.web import synthetic

pytestmark = pytest.mark.django_db

SMALL, LARGE = 0.001, 0.002  # 100 vs 200 enterprises, 50 vs 100 achievements, 10 vs 20 contracts
ALL = "per_page=200"
EVERY = "limit=500"

# (persona, url): pages with every row on one page, API lists with every row in one window
LISTS = [
    ("department", f"/transfer/review/?{ALL}"),
    ("department", f"/transfer/contracts/?{ALL}"),
    ("department", "/transfer/experts/"),
    ("department", "/transfer/scenarios/"),
    ("department", f"/supervision/challenges/?{ALL}"),
    ("department", "/supervision/rounds/"),
    ("department", "/supervision/overview/"),
    ("department", "/policy/enterprises/"),
    ("department", "/policy/runs/"),
    ("department", "/accounts/organisations/"),
    ("department", "/monitoring/submissions/"),
    ("department", "/registers/platforms/"),
    ("public", "/monitoring/"),
    ("public", "/monitoring/regions/150200/"),
    ("public", "/monitoring/indicators/rd_intensity/"),
    ("enterprise", f"/transfer/mine/?{ALL}"),
    ("broker", "/transfer/broker/"),
    ("bank", "/policy/white-list/"),
    ("department", f"/api/v1/transfer/achievements?{EVERY}"),
    ("department", f"/api/v1/transfer/demands?{EVERY}"),
    ("department", f"/api/v1/transfer/contracts?{EVERY}"),
    ("department", f"/api/v1/transfer/experts?{EVERY}"),
    ("department", f"/api/v1/transfer/brokers?{EVERY}"),
    ("department", f"/api/v1/transfer/scenarios?{EVERY}"),
    ("enterprise", f"/api/v1/transfer/interests?{EVERY}"),
    ("department", f"/api/v1/challenges?{EVERY}"),
    ("department", f"/api/v1/reports?{EVERY}"),
    ("department", f"/api/v1/rounds?{EVERY}"),
    ("department", f"/api/v1/measures?{EVERY}"),
    ("department", f"/api/v1/notifications?{EVERY}"),
    ("department", f"/api/v1/supervision/audit?{EVERY}"),
    ("department", f"/api/v1/organisations?{EVERY}"),
    ("department", f"/api/v1/policy/enterprises?{EVERY}"),
    ("department", f"/api/v1/policy/white-list?{EVERY}"),
    ("department", f"/api/v1/observations/imports?{EVERY}"),
    ("public", f"/api/v1/observations?indicator=rd_intensity&{EVERY}"),
    ("public", f"/api/v1/indicators?{EVERY}"),
    ("public", f"/api/v1/regions?{EVERY}"),
    ("public", f"/api/v1/platforms?{EVERY}"),
]
USERS = {
    "department": "syn-department",
    "enterprise": "syn-enterprise-001",
    "broker": "syn-broker-001",
    "bank": "syn-bank-001",
}


def _counts() -> dict[tuple[str, str], int]:
    clients = {"public": Client()}
    for persona, username in USERS.items():
        clients[persona] = Client()
        clients[persona].force_login(User.objects.get(username=username))
    out = {}
    for persona, url in LISTS:
        c = clients[persona]
        assert c.get(url).status_code == 200, url  # warms caches and the search index
        with CaptureQueriesContext(connection) as q:
            r = c.get(url)
        assert r.status_code == 200, url
        out[(persona, url)] = len(q)
    return out


@pytest.fixture
def ready(plan):
    from steppe.stats.services import indicators_load

    indicators_load()


def test_list_queries_do_not_grow_with_rows(ready):
    quiet = lambda msg: None  # noqa: E731
    synthetic.fill(scale=SMALL, say=quiet)
    small_rows = (Enterprise.objects.count(), Achievement.objects.count(), Contract.objects.count())
    small = _counts()
    synthetic.clear(say=quiet)
    synthetic.fill(scale=LARGE, say=quiet)
    large_rows = (Enterprise.objects.count(), Achievement.objects.count(), Contract.objects.count())
    large = _counts()
    assert large_rows == tuple(2 * n for n in small_rows)
    grew = {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    assert grew == {}, grew
    assert small == PINNED, {k: v for k, v in small.items() if PINNED.get(k) != v}


PINNED: dict[tuple[str, str], int] = {
    ("department", "/transfer/review/?per_page=200"): 7,
    ("department", "/transfer/contracts/?per_page=200"): 7,
    ("department", "/transfer/experts/"): 6,
    ("department", "/transfer/scenarios/"): 4,
    ("department", "/supervision/challenges/?per_page=200"): 5,
    ("department", "/supervision/rounds/"): 16,
    ("department", "/supervision/overview/"): 26,
    ("department", "/policy/enterprises/"): 5,
    ("department", "/policy/runs/"): 8,
    ("department", "/accounts/organisations/"): 5,
    ("department", "/monitoring/submissions/"): 9,
    ("department", "/registers/platforms/"): 8,
    ("public", "/monitoring/"): 6,
    ("public", "/monitoring/regions/150200/"): 8,
    ("public", "/monitoring/indicators/rd_intensity/"): 15,
    ("enterprise", "/transfer/mine/?per_page=200"): 13,
    ("broker", "/transfer/broker/"): 6,
    ("bank", "/policy/white-list/"): 6,
    ("department", "/api/v1/transfer/achievements?limit=500"): 1,
    ("department", "/api/v1/transfer/demands?limit=500"): 1,
    ("department", "/api/v1/transfer/contracts?limit=500"): 3,
    ("department", "/api/v1/transfer/experts?limit=500"): 1,
    ("department", "/api/v1/transfer/brokers?limit=500"): 1,
    ("department", "/api/v1/transfer/scenarios?limit=500"): 1,
    ("enterprise", "/api/v1/transfer/interests?limit=500"): 3,
    ("department", "/api/v1/challenges?limit=500"): 5,
    ("department", "/api/v1/reports?limit=500"): 4,
    ("department", "/api/v1/rounds?limit=500"): 15,
    ("department", "/api/v1/measures?limit=500"): 7,
    ("department", "/api/v1/notifications?limit=500"): 3,
    ("department", "/api/v1/supervision/audit?limit=500"): 3,
    ("department", "/api/v1/organisations?limit=500"): 3,
    ("department", "/api/v1/policy/enterprises?limit=500"): 4,
    ("department", "/api/v1/policy/white-list?limit=500"): 3,
    ("department", "/api/v1/observations/imports?limit=500"): 3,
    ("public", "/api/v1/observations?indicator=rd_intensity&limit=500"): 5,
    ("public", "/api/v1/indicators?limit=500"): 1,
    ("public", "/api/v1/regions?limit=500"): 1,
    ("public", "/api/v1/platforms?limit=500"): 2,
}

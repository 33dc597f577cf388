"""Every list page and API list costs the same number of queries with N rows as with 2N (issue 9
and 10): the synthetic fill at two scales, every list asked for all its rows, each count pinned.

A change that adds a query per row fails the equality; one that adds a fixed query fails the pin
(then update the number here, knowingly)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steppe.core.jobs.models import Job
from steppe.core.models import AuditEntry, Invitation, Notification, Region, User
from steppe.policy.models import Enterprise, PolicyResult
from steppe.registers.models import Loan
from steppe.stats.models import Import
from steppe.supervision.models import ProgressRound
from steppe.transfer.models import Achievement, Contract, Expert, Scenario, ScenarioRound
from steppe.web import synthetic

pytestmark = pytest.mark.django_db

SMALL, LARGE = 0.001, 0.002  # 100 vs 200 enterprises, 50 vs 100 achievements, 10 vs 20 contracts
# rows the fill does not scale (notices, audit entries, jobs, members, submissions, rounds, experts,
# scenario lists, invitations): ``_more`` adds this many per scale, 20 vs 40
EXTRA = 20_000
ALL = "per_page=200"
EVERY = "limit=500"

# (persona, url): pages with every row on one page, API lists with every row in one window
LISTS = [
    ("department", f"/transfer/review/?{ALL}"),
    ("department", f"/transfer/contracts/?{ALL}"),
    ("department", f"/transfer/experts/?{ALL}"),
    ("department", f"/transfer/scenarios/?{ALL}"),
    ("department", f"/supervision/challenges/?{ALL}"),
    ("department", f"/supervision/rounds/?{ALL}"),
    ("department", "/supervision/overview/"),
    ("department", f"/supervision/audit/?{ALL}"),
    ("department", f"/inbox/?{ALL}"),
    ("department", f"/policy/enterprises/?{ALL}"),
    ("department", f"/policy/runs/?{ALL}"),
    ("department", f"/accounts/organisations/?status=active&{ALL}"),
    ("department", f"/accounts/people/?state=active&{ALL}"),
    ("department", f"/accounts/my/?{ALL}"),
    ("department", f"/accounts/invite/?{ALL}"),
    ("department", f"/monitoring/submissions/?{ALL}"),
    ("department", f"/monitoring/import/?{ALL}"),
    ("department", f"/jobs/?{ALL}"),
    ("department", f"/registers/platforms/?{ALL}"),
    ("public", "/monitoring/"),
    ("public", "/monitoring/regions/150200/"),
    ("public", "/monitoring/indicators/rd_intensity/"),
    ("public", "/monitoring/cascade/"),
    ("bureau", "/monitoring/cascade/"),
    ("bureau", "/monitoring/bureau/"),
    ("public", f"/monitoring/indicators/rd_expenditure/?{ALL}"),  # the fill's first indicator: cells
    ("enterprise", f"/transfer/mine/?{ALL}"),
    ("broker", f"/transfer/broker/?{ALL}"),
    ("bank", f"/policy/white-list/?{ALL}"),
    ("bank", f"/registers/loans/?{ALL}"),
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
    ("public", f"/api/v1/observations?indicator=rd_expenditure&{EVERY}"),
    ("public", f"/api/v1/observations?{EVERY}"),
    ("public", f"/api/v1/indicators?{EVERY}"),
    ("public", f"/api/v1/regions?{EVERY}"),
    ("public", f"/api/v1/platforms?{EVERY}"),
]
USERS = {
    "department": "syn-department",
    "enterprise": "syn-enterprise-001",
    "broker": "syn-broker-001",
    "bank": "syn-bank-001",
    "bureau": "syn-bureau-150200",
}


def _counts(steady) -> dict[tuple[str, str], int]:
    clients = {"public": Client()}
    for persona, username in USERS.items():
        clients[persona] = Client()
        clients[persona].force_login(User.objects.get(username=username))
    out = {}
    for persona, url in LISTS:
        c = clients[persona]
        assert c.get(url).status_code == 200, url  # warms caches and the search index
        steady()
        with CaptureQueriesContext(connection) as q:
            r = c.get(url)
        assert r.status_code == 200, url
        out[(persona, url)] = len(q)
    return out


@pytest.fixture
def ready(plan):
    from steppe.stats.services import indicators_load

    indicators_load()


def _more(scale: float) -> tuple[int, ...]:
    """Rows of the lists the fill leaves at a fixed size, ``EXTRA * scale`` of each, on the pages of
    the department's account; returns their counts."""
    n = round(EXTRA * scale)
    dept = User.objects.get(username="syn-department")
    league = Region.objects.filter(level="prefecture").order_by("code").first()
    now = timezone.now()
    Notification.objects.filter(recipient=dept).delete()
    Notification.objects.bulk_create(Notification(recipient=dept, title=f"通知 {i}", body="正文") for i in range(n))
    AuditEntry.objects.filter(object_type="supervision.progressround").delete()
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=dept, action="update", object_type="supervision.progressround", object_id=str(i),
                   object_repr=f"轮次 {i}", before={"due_on": "2025-01-01"}, after={"due_on": "2025-02-01"})
        for i in range(n)
    )  # fmt: skip
    Job.objects.all().delete()
    Job.objects.bulk_create(Job(kind="stats.import", started_by=dept, status=Job.Status.SUCCEEDED) for _ in range(n))
    User.objects.filter(username__startswith="syn-more-").delete()
    User.objects.bulk_create(
        User(username=f"syn-more-{i:03d}", unit=dept.unit, email=f"more{i}@example.org", email_confirmed=True)
        for i in range(n)
    )  # fmt: skip
    Invitation.objects.all().delete()
    Invitation.objects.bulk_create(
        Invitation(email=f"inv{i}@example.org", role=dept.role, invited_by=dept, key_hash=f"{scale}-{i}",
                   expires_at=now + dt.timedelta(days=7))
        for i in range(n)
    )  # fmt: skip
    Import.objects.filter(via="page").delete()
    # the batch run's white list (too short at these sizes to be sure of rows) and the bank persona's
    # loans against it, labelled as the fill labels its own
    results = list(PolicyResult.objects.order_by("enterprise_id")[: n // 2])
    PolicyResult.objects.filter(pk__in=[r.pk for r in results]).update(white_list=True, innovation_points=80)
    bank = User.objects.get(username="syn-bank-001")
    Loan.objects.filter(note="【合成数据】more").delete()
    Loan.objects.bulk_create(
        Loan(region_id=r.enterprise.region_id, bank_id=bank.unit_id, unit_id=bank.unit_id, enterprise_id=r.enterprise_id,
             amount_wan=100, lent_on=dt.date(2025, 3, 1), term_months=12, innovation_points=80, points_year=r.year,
             points_run=r.run_id, source=synthetic.LABEL, note="【合成数据】more", submitted_by=bank)
        for r in PolicyResult.objects.filter(pk__in=[r.pk for r in results]).select_related("enterprise")
    )  # fmt: skip
    Import.objects.bulk_create(
        Import(file_name=f"报送{i}.csv", via="page", region=league, imported_by=dept, rows=3) for i in range(n)
    )
    ProgressRound.objects.filter(period__startswith="20").exclude(period__startswith="2025-").delete()
    ProgressRound.objects.bulk_create(
        ProgressRound(period=f"{2010 + i // 12}-{i % 12 + 1:02d}", due_on=dt.date(2010 + i // 12, i % 12 + 1, 25),
                      opened_by=dept)
        for i in range(n)
    )  # fmt: skip
    Scenario.objects.all().delete()
    ScenarioRound.objects.all().delete()
    rounds = ScenarioRound.objects.bulk_create(ScenarioRound(number=i + 1, title=f"第{i + 1}批") for i in range(n))
    Scenario.objects.bulk_create(
        Scenario(round=r, seq=k, title=f"场景{r.number}-{k}", owner="单位", needs="需求", region=league)
        for r in rounds
        for k in (1, 2)
    )
    Expert.objects.all().delete()
    Expert.objects.bulk_create(Expert(name=f"专家{i:03d}", institution="研究院", region=league) for i in range(n))
    return (
        Notification.objects.filter(recipient=dept).count(),
        AuditEntry.objects.filter(object_type="supervision.progressround").count(),
        Job.objects.count(),
        User.objects.filter(unit=dept.unit).count() - 1,
        Import.objects.filter(via="page").count(),
        Scenario.objects.count() // 2,
        Expert.objects.count(),
        Loan.objects.filter(note="【合成数据】more").count(),
    )


def test_list_queries_do_not_grow_with_rows(ready, steady_search_index):
    quiet = lambda msg: None  # noqa: E731
    synthetic.fill(scale=SMALL, say=quiet)
    small_rows = (Enterprise.objects.count(), Achievement.objects.count(), Contract.objects.count(), *_more(SMALL))
    small = _counts(steady_search_index)
    _more(0)  # no rows of its own left: the fill refuses a database holding real-looking data
    synthetic.clear(say=quiet)
    synthetic.fill(scale=LARGE, say=quiet)
    large_rows = (Enterprise.objects.count(), Achievement.objects.count(), Contract.objects.count(), *_more(LARGE))
    large = _counts(steady_search_index)
    assert large_rows == tuple(2 * n for n in small_rows)
    grew = {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    assert grew == {}, grew
    assert small == PINNED, {k: v for k, v in small.items() if PINNED.get(k) != v}


PINNED: dict[tuple[str, str], int] = {
    ("department", "/transfer/review/?per_page=200"): 7,
    ("department", "/transfer/contracts/?per_page=200"): 7,
    ("department", "/transfer/experts/?per_page=200"): 8,
    ("department", "/transfer/scenarios/?per_page=200"): 9,
    ("department", "/supervision/challenges/?per_page=200"): 5,
    ("department", "/supervision/rounds/?per_page=200"): 6,
    ("department", "/supervision/overview/"): 10,  # its lines and 通报 list kept in the cache (were worked out per request: 25)
    ("department", "/supervision/audit/?per_page=200"): 5,
    ("department", "/inbox/?per_page=200"): 6,
    ("department", "/policy/enterprises/?per_page=200"): 6,  # one count (was two), from the shared cache: two cache reads
    ("department", "/policy/runs/?per_page=200"): 9,  # the doubling counts from the shared cache (policy/cache.py: two cache reads for three grouped queries)
    ("department", "/accounts/organisations/?status=active&per_page=200"): 6,
    ("department", "/accounts/people/?state=active&per_page=200"): 8,
    ("department", "/accounts/my/?per_page=200"): 6,
    ("department", "/accounts/invite/?per_page=200"): 5,
    ("department", "/monitoring/submissions/?per_page=200"): 11,
    ("department", "/monitoring/import/?per_page=200"): 5,
    ("department", "/jobs/?per_page=200"): 7,
    ("department", "/registers/platforms/?per_page=200"): 7,
    ("public", "/monitoring/"): 6,
    ("public", "/monitoring/regions/150200/"): 6,
    ("public", "/monitoring/indicators/rd_intensity/"): 13,
    ("public", "/monitoring/cascade/"): 6,
    ("bureau", "/monitoring/cascade/"): 10,
    ("bureau", "/monitoring/bureau/"): 16,
    ("public", "/monitoring/indicators/rd_expenditure/?per_page=200"): 14,  # the window's cells cached (stats.queries.region_cells)
    ("enterprise", "/transfer/mine/?per_page=200"): 14,  # one shared-cache read for all its searches
    ("broker", "/transfer/broker/?per_page=200"): 8,  # with the profile form the desk gained (ac9ea73)
    ("bank", "/policy/white-list/?per_page=200"): 8,  # the fill's batch run: its rows (were none)
    ("bank", "/registers/loans/?per_page=200"): 10,
    ("department", "/api/v1/transfer/achievements?limit=500"): 1,
    ("department", "/api/v1/transfer/demands?limit=500"): 1,
    ("department", "/api/v1/transfer/contracts?limit=500"): 3,
    ("department", "/api/v1/transfer/experts?limit=500"): 1,
    ("department", "/api/v1/transfer/brokers?limit=500"): 1,
    ("department", "/api/v1/transfer/scenarios?limit=500"): 1,
    ("enterprise", "/api/v1/transfer/interests?limit=500"): 3,
    ("department", "/api/v1/challenges?limit=500"): 5,
    ("department", "/api/v1/reports?limit=500"): 4,
    ("department", "/api/v1/rounds?limit=500"): 4,
    ("department", "/api/v1/measures?limit=500"): 6,
    ("department", "/api/v1/notifications?limit=500"): 3,
    ("department", "/api/v1/supervision/audit?limit=500"): 3,
    ("department", "/api/v1/organisations?limit=500"): 3,
    ("department", "/api/v1/policy/enterprises?limit=500"): 5,  # the total from the shared cache: two cache reads for a count of every row
    ("department", "/api/v1/policy/white-list?limit=500"): 4,  # the fill's batch run: its rows
    ("department", "/api/v1/observations/imports?limit=500"): 4,
    ("public", "/api/v1/observations?indicator=rd_intensity&limit=500"): 3,
    ("public", "/api/v1/observations?indicator=rd_expenditure&limit=500"): 6,
    ("public", "/api/v1/observations?limit=500"): 6,
    ("public", "/api/v1/indicators?limit=500"): 1,
    ("public", "/api/v1/regions?limit=500"): 1,
    ("public", "/api/v1/platforms?limit=500"): 2,
}

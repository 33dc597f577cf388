"""Every list page is paged by core.pagination (issue 10): a page of ``?per_page=`` rows in a stable
order, a pager a person can use (in Chinese, and in English with the switch), a page past the end
is a 400 naming its parameter, ``per_page`` above 200 is refused by name."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from steppe.core.jobs.models import Job
from steppe.core.models import AuditEntry, Invitation, Notification, Region, User
from steppe.policy.models import PolicyResult
from steppe.policy.services import policy_run
from steppe.registers.seed import seed_from_plan
from steppe.stats.models import Import
from steppe.supervision.models import ProgressRound
from steppe.transfer.models import Broker, Contract, ContractStatus, Expert, Interest, Scenario, ScenarioRound
from steppe.web import synthetic

pytestmark = pytest.mark.django_db

N = 3  # rows of each list: three pages of one row

# (persona, path, the page parameter)
PAGES = [
    ("department", "/inbox/", "page"),
    ("department", "/supervision/audit/", "page"),
    ("department", "/supervision/rounds/", "page"),
    ("department", "/transfer/experts/", "expert_page"),
    ("department", "/transfer/experts/", "broker_page"),
    ("department", "/transfer/scenarios/", "page"),
    ("department", "/monitoring/submissions/", "page"),
    ("department", "/monitoring/import/", "page"),
    ("department", "/policy/enterprises/", "page"),
    ("department", "/policy/runs/", "page"),
    ("department", "/accounts/people/?state=active", "page"),
    ("department", "/accounts/organisations/?status=active", "page"),
    ("department", "/accounts/my/", "members_page"),
    ("department", "/accounts/invite/", "page"),
    ("department", "/jobs/", "page"),
    ("department", "/registers/platforms/", "page"),
    ("bank", "/policy/white-list/", "page"),
    ("broker", "/transfer/broker/", "interest_page"),
    ("broker", "/transfer/broker/", "contract_page"),
]
USERS = {"department": "syn-department", "bank": "syn-bank-001", "broker": "syn-broker-001"}


@pytest.fixture
def lists(plan):
    from steppe.stats.services import indicators_load

    indicators_load()
    seed_from_plan()  # the plan's platforms, among others
    synthetic.fill(scale=0.0005, say=lambda m: None)
    dept = User.objects.get(username="syn-department")
    league = Region.objects.filter(level="prefecture").order_by("code").first()
    now = timezone.now()
    Notification.objects.bulk_create(Notification(recipient=dept, title=f"通知 {i}") for i in range(N))
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=dept, action="update", object_type="supervision.progressround", object_id=str(i))
        for i in range(N)
    )
    Job.objects.bulk_create(Job(kind="stats.import", started_by=dept) for _ in range(N))
    User.objects.bulk_create(User(username=f"syn-member-{i}", unit=dept.unit, email_confirmed=True) for i in range(N))
    Invitation.objects.bulk_create(
        Invitation(email=f"i{i}@example.org", role=dept.role, invited_by=dept, key_hash=f"k{i}",
                   expires_at=now + dt.timedelta(days=7))
        for i in range(N)
    )  # fmt: skip
    Import.objects.bulk_create(Import(file_name=f"{i}.csv", via="page", region=league) for i in range(N))
    rounds = ScenarioRound.objects.bulk_create(ScenarioRound(number=i + 1, title=f"第{i + 1}批") for i in range(N))
    Scenario.objects.bulk_create(Scenario(round=r, seq=1, title="场景", owner="单位", needs="需求") for r in rounds)
    Expert.objects.bulk_create(Expert(name=f"专家{i}") for i in range(N))
    ProgressRound.objects.bulk_create(
        ProgressRound(period=f"2019-{i + 1:02d}", due_on=dt.date(2019, i + 1, 25), opened_by=dept) for i in range(N)
    )
    for _ in range(N):
        policy_run(2024)
    run = PolicyResult.objects.order_by("-run_id").first().run
    PolicyResult.objects.filter(pk__in=PolicyResult.objects.filter(run=run).values("pk")[:N]).update(white_list=True)
    broker = Broker.objects.get(user__username="syn-broker-001")
    Interest.objects.filter(pk__in=Interest.objects.values("pk")[:N]).update(broker=broker)
    registered = Contract.objects.filter(status=ContractStatus.REGISTERED)
    Contract.objects.filter(pk__in=registered.values("pk")[:N]).update(broker=broker)
    clients = {}
    for persona, username in USERS.items():
        clients[persona] = Client()
        clients[persona].force_login(User.objects.get(username=username))
    return clients


def _url(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


def test_every_list_is_paged_with_a_pager_and_names_a_page_past_the_end(lists):
    for persona, path, param in PAGES:
        c = lists[persona]
        first = c.get(_url(path, "per_page=1"))
        assert first.status_code == 200, path
        html = first.content.decode()
        assert 'class="pager"' in html and "下一页" in html, (path, param)
        assert f"{param}=2" in html, (path, param)
        second = c.get(_url(path, f"per_page=1&{param}=2"))
        assert second.status_code == 200, (path, param)
        assert "上一页" in second.content.decode(), (path, param)
        past = c.get(_url(path, f"per_page=1&{param}=999"))
        assert past.status_code == 400, (path, param)
        assert param in past.content.decode(), (path, param)


def test_the_pager_speaks_english_with_the_switch(lists):
    for persona, path, param in PAGES:
        c = lists[persona]
        c.cookies["django_language"] = "en"
        html = c.get(_url(path, "per_page=1")).content.decode()
        assert "Next" in html and "下一页" not in html, (path, param)


def test_a_page_of_more_than_200_rows_is_refused_by_name(lists):
    r = lists["department"].get("/inbox/?per_page=201")
    assert r.status_code == 400
    assert "per_page" in r.content.decode()


def test_pages_do_not_repeat_or_skip_a_row(lists):
    c = lists["department"]
    seen = []
    for page in range(1, N + 1):
        html = c.get(f"/transfer/experts/?per_page=1&expert_page={page}").content.decode()
        seen += [f"专家{i}" for i in range(N) if f"专家{i}<" in html]
    assert seen == [f"专家{i}" for i in range(N)]


def test_the_white_list_export_keeps_every_row(lists):
    r = lists["bank"].get("/policy/white-list/?per_page=1&format=csv")
    assert r.status_code == 200
    lines = [line for line in r.content.decode("utf-8-sig").splitlines() if line.strip()]
    assert len(lines) == 1 + N  # the header and every white-listed enterprise, not the page's one

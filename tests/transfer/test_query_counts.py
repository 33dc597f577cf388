"""List pages and list endpoints: the number of queries does not grow with the rows shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steppe.transfer import search, services
from steppe.transfer.models import Broker

from .conftest import CONTRACT

pytestmark = pytest.mark.django_db


def _populate(n, *, make_published, institution_user, enterprise_user, department_user, broker):
    rnd = services.scenario_round_create(actor=department_user, number=100 + n, title=f"第{n}批")
    for i in range(n):
        a = make_published(
            "achievement", institution_user, title=f"稀土永磁材料 {n}-{i}", ip_numbers=f"ZL{n}{i}"
        )
        d = make_published("demand", enterprise_user, title=f"永磁电机降本需求 {n}-{i}")
        services.demand_promote(actor=department_user, demand=d, round=rnd)
        services.listing_submit(
            actor=institution_user, kind="achievement", data={**_a(), "title": f"待审成果 {n}-{i}"}
        )
        interest = services.interest_express(actor=enterprise_user, listing=a, note="感兴趣", broker=broker)
        services.message_post(actor=institution_user, interest=interest, body="欢迎")
        services.contract_register(
            actor=department_user,
            data={**CONTRACT, "number": f"N{n}-{i}", "amount": str(100 + i + 10 * n)},
            interest=interest,
        )
        services.expert_save(
            actor=department_user, data={"name": f"专家{n}{i}", "fields": "材料", "region": "150200"}
        )


def _a():
    from .conftest import ACHIEVEMENT

    return ACHIEVEMENT


PAGES = [
    ("department_user", "/transfer/review/"),
    ("department_user", "/transfer/contracts/"),
    ("department_user", "/transfer/scenarios/"),
    ("department_user", "/transfer/experts/"),
    ("department_user", "/transfer/figures/"),
    ("department_user", "/transfer/figures/?by=broker"),
    ("enterprise_user", "/transfer/mine/"),
    ("institution_user", "/transfer/mine/"),
    ("broker_user", "/transfer/broker/"),
    ("department_user", "/api/v1/transfer/contracts"),
    ("department_user", "/api/v1/transfer/achievements"),
    ("department_user", "/api/v1/transfer/demands"),
    ("department_user", "/api/v1/transfer/scenarios"),
    ("department_user", "/api/v1/transfer/experts"),
    ("department_user", "/api/v1/transfer/brokers"),
    ("enterprise_user", "/api/v1/transfer/interests"),
    ("institution_user", "/api/v1/transfer/interests"),
    ("broker_user", "/api/v1/transfer/interests"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_list_query_count_does_not_grow_with_rows(
    request, client, who, url, make_published, institution_user, enterprise_user, department_user, broker_user,
    steady_search_index,
):
    broker = services.broker_register(
        actor=department_user, data={"name": "王经纪", "certificate_no": "C-1"}, user=broker_user
    )
    Broker.objects.filter(pk=broker.pk).update(user=broker_user)
    kw = dict(
        make_published=make_published,
        institution_user=institution_user,
        enterprise_user=enterprise_user,
        department_user=department_user,
        broker=broker,
    )
    client.force_login(request.getfixturevalue(who))
    counts = []
    for n in (2, 5):
        _populate(n, **kw)
        # the test's transaction never commits, so on-commit index syncs do not run and the
        # time-throttled catch-up may or may not have seen the new rows: rebuild for both sizes
        search.reset_index()
        client.get(url)  # warm caches (index, sessions)
        steady_search_index()
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code == 200, url
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"{url}: {counts} queries for 2 and 5 rows"


def test_the_record_page_query_count_does_not_grow_with_interests(
    client, achievement, institution_user, steady_search_index
):
    from steppe.core.services import user_create

    client.force_login(institution_user)  # the owner sees who is interested
    url = f"/transfer/achievements/{achievement.public_id}/"
    counts = []
    for batch in (range(2), range(2, 6)):
        for i in batch:
            firm, _, _ = user_create(username=f"firm{i}", role="enterprise", unit=f"企业{i}", region="150200")
            services.interest_express(actor=firm, listing=achievement, note="感兴趣")
        client.get(url)
        steady_search_index()
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.content.decode().count("企业") >= len(batch)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts

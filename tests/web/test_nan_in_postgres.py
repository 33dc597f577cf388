"""A NaN that got into a PostgreSQL numeric column (a hand edit: numeric holds NaN, not Infinity)
must not take pages or the API down (issue 10, item 4). PostgreSQL only: SQLite reads such a value
as empty (see tests/core for that side).

The API answered 500 on such a row (the response schemas refused Decimal('NaN')); a stored number
now reads through core.inputs.StoredDecimal, which gives null for a non-finite value."""

import pytest
from django.db import connection

from steppe.core.models import User
from steppe.transfer.models import Achievement, Contract, Demand
from steppe.web import synthetic

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="NaN in numeric columns is PostgreSQL's"),
]


@pytest.fixture
def poisoned(plan, client):
    from steppe.core.datacheck import bad_numbers
    from steppe.stats.services import indicators_load

    indicators_load()
    synthetic.fill(scale=0.0005, say=lambda m: None)
    a = Achievement.objects.filter(status="published").first()
    d = Demand.objects.filter(status="published").first()
    c = Contract.objects.filter(status="registered").first()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE transfer_achievement SET price_min = 'NaN', price_max = 'NaN' WHERE id = %s", [a.id]
        )
        cur.execute("UPDATE transfer_demand SET budget = 'NaN' WHERE id = %s", [d.id])
        cur.execute("UPDATE transfer_contract SET amount = 'NaN', tech_amount = 'NaN' WHERE id = %s", [c.id])
        cur.execute(
            "UPDATE stats_observation SET value = 'NaN' WHERE id IN (SELECT id FROM stats_observation LIMIT 50)"
        )
        cur.execute("UPDATE challenges_challenge SET budget = 'NaN'")
    found = {(b.model, b.column) for b in bad_numbers()}
    assert {("transfer.Achievement", "price_min"), ("transfer.Demand", "budget"),
            ("transfer.Contract", "amount"), ("stats.Observation", "value")} <= found  # fmt: skip
    client.force_login(User.objects.get(username="syn-department"))
    return {"client": client, "achievement": a.public_id, "demand": d.public_id}


def test_pages_answer_beside_a_nan(poisoned):
    c = poisoned["client"]
    for url in [
        f"/transfer/achievements/{poisoned['achievement']}/",
        f"/transfer/demands/{poisoned['demand']}/",
        "/transfer/contracts/",
        "/transfer/contracts/?format=csv",
        "/transfer/figures/",
        "/transfer/review/",
        "/transfer/search/?q=稀土",
        "/monitoring/",
        "/monitoring/regions/150200/",
        "/supervision/challenges/",
        "/api/v1/observations?limit=500",
    ]:
        assert c.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/transfer/contracts",
        "/api/v1/transfer/achievements?limit=500",
        "/api/v1/transfer/demands?limit=500",
        "/api/v1/challenges",
        "/api/v1/transfer/figures/turnover",
    ],
)
def test_the_api_answers_beside_a_nan_with_null(poisoned, url):
    r = poisoned["client"].get(url)
    assert r.status_code == 200, url
    assert "NaN" not in r.content.decode()

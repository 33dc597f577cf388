"""Odd input to the supervision API answers 4xx with the error envelope, never 500."""

import json

import pytest

from steppe.core.models import ApiToken

pytestmark = pytest.mark.django_db

ODD = [None, "", "x" * 5000, -1, 10**20, "NaN", "Infinity", [], {}, True, "2026-02-30", "１２"]


@pytest.fixture
def headers(dept):
    _, raw = ApiToken.objects.issue(dept, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("value", ODD)
def test_odd_values_never_crash(client, headers, sup_plan, value):
    cases = [
        ("/api/v1/rounds", {"period": value, "due": value}),
        ("/api/v1/rounds", {"period": "2026-Q4", "due": value}),
        ("/api/v1/measures/A1-01/milestones", {"deliverable": value, "planned_on": "2027-01-01"}),
        ("/api/v1/measures/A1-01/reports", {"status": "in_progress", "progress": value}),
        (
            "/api/v1/challenges",
            {
                "title": value,
                "problem": "p",
                "budget": value,
                "deadline": "2099-01-01",
                "targets": [{"code": "t", "name": "n", "value": value}],
            },
        ),
        (
            "/api/v1/challenges",
            {
                "title": "t",
                "problem": "p",
                "budget": "1",
                "deadline": "2099-01-01",
                "max_teams": value,
                "targets": [{"code": "t", "name": value, "value": 1}],
            },
        ),
        (f"/api/v1/challenges/{value or 'none'}/publish", {"note": value}),
        ("/api/v1/commitments/999/final", {"achieved": {"t": value}, "note": value}),
    ]
    for url, body in cases:
        r = _post(client, url, body, headers)
        assert r.status_code < 500, (url, body, r.content[:300])
        if r.status_code >= 400 and r["Content-Type"].startswith("application/json"):
            assert set(r.json()) == {"error"} and r.json()["error"]["code"], (url, r.content[:200])

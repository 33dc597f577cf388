"""The same input fault gets the same answer in every app (core.inputs: 422 "does not match the
schema", 400 "refused"): one write of each app is sent a JSON value of the wrong kind (a number or a
list where text, a date or an amount belongs) and answers 422, and a value of the right kind that
is refused and answers 400; either way data.errors names that field alone and nothing is written."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _round(get):
    return get("department_user"), "/api/v1/rounds", {"period": "2099-Q4", "due": "2099-12-31"}


def _challenge(get):
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    body = {"title": "高纯稀土", "problem": "规模化制备", "budget": "800", "deadline": deadline,
            "targets": [{"code": "purity", "name": "纯度", "value": "99.99"}]}  # fmt: skip
    return get("department_user"), "/api/v1/challenges", body


def _achievement(get):
    body = {"title": "钕铁硼制备技术", "description": "晶界扩散工艺", "region": "150100", "readiness": 6,
            "price_min": "50", "price_max": "120"}  # fmt: skip
    return get("institution_user"), "/api/v1/transfer/achievements", body


def _platform(get):
    get("plan")
    body = {"name": "稀土功能材料自治区重点实验室", "kind": "key_lab", "level": "regional", "host": "包头稀土研究院",
            "region": "150200", "field": "稀土", "status": "approved", "approved_on": "2024-06-30"}  # fmt: skip
    return get("bureau_user"), "/api/v1/platforms", body


def _submission_approval(get):
    from steppe.stats.models import Import
    from steppe.stats.services import indicators_load

    indicators_load()
    client = get("client")
    client.force_login(get("bureau_user"))
    csv = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,x\n".encode()
    r = client.post("/monitoring/submissions/", {"action": "submit", "file": SimpleUploadedFile("s.csv", csv)})
    assert r.status_code == 302
    client.logout()
    return get("department_user"), f"/api/v1/observations/imports/{Import.objects.get().pk}/approve", {}


def _index_build(get):
    return get("department_user"), "/api/v1/evaluation/frameworks/asem-coinr-example/runs", {}


def _written(app):
    """How many records the write would have made (nothing, on bad input)."""
    from steppe.challenges.models import Challenge
    from steppe.core.jobs.models import Job
    from steppe.registers.models import Platform
    from steppe.stats.models import ImportDecision
    from steppe.supervision.models import ProgressRound
    from steppe.transfer.models import Achievement

    model = {"supervision": ProgressRound, "challenges": Challenge, "transfer": Achievement,
             "registers": Platform, "stats": ImportDecision, "evaluation": Job}[app]  # fmt: skip
    return model.objects.count()


# app, the write, (a field and a value of the wrong kind), (the same or another field: right kind, refused)
WRITES = [
    ("supervision", _round, ("period", 2026), ("period", "Q4 2026")),
    ("supervision", _round, ("due", ["2099-12-31"]), ("due", "2000-01-01")),
    ("challenges", _challenge, ("budget", [800]), ("deadline", "2000-01-01")),
    ("challenges", _challenge, ("deadline", 20991231), ("budget", "-5")),
    ("transfer", _achievement, ("title", 5), ("readiness", "10")),
    ("transfer", _achievement, ("price_min", [50]), ("price_min", "五十")),
    ("registers", _platform, ("name", 5), ("approved_on", "2024-02-30")),
    ("stats", _submission_approval, ("comment", 42), ("comment", "意" * 1001)),
    ("evaluation", _index_build, ("replications", [1]), ("replications", "lots")),
]


@pytest.mark.parametrize(("app", "write", "wrong", "refused"), WRITES,
                         ids=[f"{w[0]}-{w[2][0]}" for w in WRITES])  # fmt: skip
def test_a_wrong_kind_is_a_422_and_a_refused_value_a_400_each_naming_its_field(
    client, bearer, request, app, write, wrong, refused
):
    user, url, good = write(request.getfixturevalue)
    before = _written(app)
    for (field, value), status in ((wrong, 422), (refused, 400)):
        r = client.post(url, json.dumps({**good, field: value}), content_type="application/json", **bearer(user))
        assert r.status_code == status, (field, value, r.content)
        error = r.json()["error"]
        assert error["code"] == "invalid"
        assert [e["field"] for e in error["data"]["errors"]] == [field], error
        assert all(e["message"] for e in error["data"]["errors"])
    assert _written(app) == before

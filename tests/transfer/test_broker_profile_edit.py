"""A broker changes its 服务领域 (service fields) and its league after sign-up, on its page and through
PATCH /api/v1/transfer/brokers/me: checked by one validator (every bad field named at once, nothing
changed), audited with before and after; nobody else changes it."""

import json

import pytest

from steppe.core.models import AuditEntry
from steppe.transfer import services
from steppe.transfer.models import Broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(broker_user):
    return services.broker_register(actor=broker_user, user=broker_user,
                                    data={"name": "王经纪", "certificate_no": "C-1", "fields": "新材料、能源",
                                          "region": "150100"})  # fmt: skip


def patch(client, data, headers):
    return client.patch("/api/v1/transfer/brokers/me", data=json.dumps(data), content_type="application/json",
                        **headers)


def test_the_broker_changes_its_fields_and_league_on_its_page_audited(client, broker_user, broker):
    client.force_login(broker_user)
    page = client.get("/transfer/broker/").content.decode()
    assert 'id="broker-edit"' in page and 'value="新材料、能源"' in page
    r = client.post("/transfer/broker/", {"fields": "稀土，新材料、 新材料 ;生物医药", "region": "150200"})
    assert r.status_code == 302
    broker.refresh_from_db()
    assert (broker.fields, broker.region.code) == (["稀土", "新材料", "生物医药"], "150200")
    entry = AuditEntry.objects.get(action="transfer.broker.update")
    assert entry.before["fields"] == ["新材料", "能源"] and entry.after["fields"] == ["稀土", "新材料", "生物医药"]
    assert "服务领域和所在盟市已更新" in client.get("/transfer/broker/").content.decode()


def test_bad_fields_and_an_unknown_or_county_region_are_named_beside_the_fields_and_change_nothing(
    client, broker_user, broker
):
    client.force_login(broker_user)
    r = client.post("/transfer/broker/", {"fields": "、".join(f"领域{i}" for i in range(11)), "region": "159999"})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'id="error-fields"' in page and "至多 10 项" in page
    assert 'id="error-region"' in page and "159999" in page
    r = client.post("/transfer/broker/", {"fields": "新材料", "region": "150203"})  # a county, not a league
    assert r.status_code == 400 and "所在盟市应为自治区或区内的盟市" in r.content.decode()
    broker.refresh_from_db()
    assert (broker.fields, broker.region.code) == (["新材料", "能源"], "150100")
    assert not AuditEntry.objects.filter(action="transfer.broker.update").exists()


def test_the_api_changes_only_what_is_sent_and_refuses_bad_input_by_field(client, bearer, broker_user, broker):
    headers = bearer(broker_user)
    r = patch(client, {"fields": ["稀土", "储能"]}, headers)
    assert r.status_code == 200, r.content
    assert (r.json()["fields"], r.json()["region"]) == (["稀土", "储能"], "150100")
    r = patch(client, {"region": "包头市"}, headers)
    assert r.json()["region"] == "150200" and r.json()["fields"] == ["稀土", "储能"]
    assert AuditEntry.objects.filter(action="transfer.broker.update").count() == 2

    r = patch(client, {"fields": [1, 2], "region": 150300}, headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["error"]["data"]["errors"]] == ["fields", "region"]
    r = patch(client, {"fields": ["x" * 33], "region": "火星"}, headers)
    assert r.status_code == 400
    errors = {e["field"]: e["message"] for e in r.json()["error"]["data"]["errors"]}
    assert set(errors) == {"fields", "region"} and "32" in errors["fields"] and "火星" in errors["region"]
    broker.refresh_from_db()
    assert (broker.fields, broker.region.code) == (["稀土", "储能"], "150200")
    assert AuditEntry.objects.filter(action="transfer.broker.update").count() == 2


def test_nobody_else_changes_a_brokers_profile(client, bearer, broker, enterprise_user):
    r = patch(client, {"fields": ["冒充"]}, bearer(enterprise_user))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    client.force_login(enterprise_user)
    client.post("/transfer/broker/", {"fields": "冒充", "region": "150200"})
    with pytest.raises(Exception) as exc:
        services.broker_update(actor=enterprise_user, broker=broker, data={"fields": ["冒充"]})
    assert getattr(exc.value, "status", None) == 403
    broker.refresh_from_db()
    assert broker.fields == ["新材料", "能源"]
    client.logout()
    assert patch(client, {"fields": ["x"]}, {}).status_code == 401


def test_a_page_post_without_the_profiles_fields_changes_nothing(client, broker_user, broker):
    client.force_login(broker_user)
    client.post("/transfer/broker/", {"name": "另一个", "certificate_no": "X-2"})
    broker.refresh_from_db()
    assert (Broker.objects.count(), broker.fields, broker.region.code) == (1, ["新材料", "能源"], "150100")

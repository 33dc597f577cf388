"""A broker finishes their journey: registers their own profile, is picked from the contract
form's drop-down (never empty where brokers exist), and sees the deal attributed to them."""

import pytest

from steppe.transfer.models import Broker, Contract, Interest

from .conftest import CONTRACT

pytestmark = pytest.mark.django_db


def test_a_broker_registers_their_own_profile_with_errors_beside_the_fields(client, broker_user):
    client.force_login(broker_user)
    page = client.get("/transfer/broker/").content.decode()
    assert 'id="broker-profile"' in page
    bad = client.post("/transfer/broker/", {"name": "", "certificate_no": ""})
    assert bad.status_code == 400  # refused: the page again with the errors, not a 200
    assert bad.content.decode().count('class="field-error"') == 2 and not Broker.objects.exists()
    r = client.post("/transfer/broker/", {"name": "王经纪", "certificate_no": "NMG-JJR-2026-001", "fields": "新材料、能源",
                                          "region": "150100"})  # fmt: skip
    assert r.status_code == 302
    broker = Broker.objects.get()
    assert (broker.user, broker.fields, broker.unit) == (broker_user, ["新材料", "能源"], broker_user.unit)
    # registered once: the form is gone and a second post changes nothing
    client.post("/transfer/broker/", {"name": "另一个", "certificate_no": "X-2"})
    assert Broker.objects.count() == 1 and 'id="broker-profile"' not in client.get("/transfer/broker/").content.decode()


def test_someone_else_cannot_register_a_broker_here(client, enterprise_user):
    client.force_login(enterprise_user)
    r = client.post("/transfer/broker/", {"name": "冒充", "certificate_no": "X-1"})
    assert r.status_code == 404 and "请联系平台运营方" in r.content.decode()
    assert not Broker.objects.exists()


def test_the_contract_drop_down_lists_brokers_and_the_deal_is_attributed(
    client, achievement, enterprise_user, institution_user, broker_user, department_user
):
    from steppe.transfer import services

    broker = services.broker_register(actor=broker_user, data={"name": "王经纪", "certificate_no": "C-1"},
                                      user=broker_user)  # fmt: skip
    client.force_login(enterprise_user)
    client.post(f"/transfer/achievements/{achievement.public_id}/interest/", {"note": "希望合作"})
    interest = Interest.objects.get()
    client.force_login(institution_user)
    page = client.get(f"/transfer/interests/{interest.public_id}/").content.decode()
    assert f'<option value="{broker.public_id}"' in page.split('id="contract-broker"', 1)[1].split("</select>")[0]
    client.post(f"/transfer/interests/{interest.public_id}/",
                {"action": "contract", "broker": str(broker.public_id), **CONTRACT})  # fmt: skip
    contract = Contract.objects.get()
    assert contract.broker == broker
    services.contract_review(actor=department_user, contract=contract, decision="approve")  # 认定登记
    client.force_login(broker_user)
    mine = client.get("/transfer/broker/").content.decode()
    assert CONTRACT["title"] in mine.split('id="broker-contracts"', 1)[1]

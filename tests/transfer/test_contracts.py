"""Technology contracts: amounts and dates checked, the seller's league as authority, the
negotiation's contract form pre-filled, duplicates caught however the parties are written."""

import datetime as dt

import pytest

from steppe.core.errors import DomainError, ValidationFailed
from steppe.transfer import services
from steppe.transfer.models import Contract

from .conftest import CONTRACT

pytestmark = pytest.mark.django_db



def test_a_contract_needs_a_positive_amount_and_a_registration_date_not_in_the_future(department_user):
    tomorrow = dt.date.today() + dt.timedelta(days=2)  # two days: later than today in any time zone
    with pytest.raises(ValidationFailed) as exc:
        services.contract_register(
            actor=department_user,
            data={**CONTRACT, "amount": "0", "tech_amount": "0", "registered_on": tomorrow.isoformat()},
        )
    fields = {e["field"]: e["message"] for e in exc.value.data["errors"]}
    assert fields["amount"] == services.MSG_AMOUNT_POSITIVE
    assert fields["registered_on"] == services.MSG_REGISTERED_IN_FUTURE
    assert Contract.objects.count() == 0


def test_the_default_authority_is_the_sellers_league(department_user):
    c = services.contract_register(
        actor=department_user, data={**CONTRACT, "seller_region": "150102", "authority": ""}
    )
    assert c.authority == "呼和浩特市技术合同认定登记机构"


def test_both_sides_of_a_negotiation_list_the_contract_it_ended_in(
    client, achievement, enterprise_user, institution_user, bearer
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="感兴趣")
    c = services.contract_register(actor=enterprise_user, data=CONTRACT, interest=interest)
    for user in (enterprise_user, institution_user):  # the buyer registered it; the seller owns the record
        ids = [x["id"] for x in client.get("/api/v1/transfer/contracts", **bearer(user)).json()]
        assert ids == [str(c.public_id)], user.username
        assert client.get(f"/api/v1/transfer/contracts/{c.public_id}", **bearer(user)).status_code == 200


def test_a_contract_a_bureau_sees_for_several_reasons_is_listed_once(client, bureau_user, bearer):
    """It registered it, and both sides are in its league: one row (the list has no DISTINCT; every
    condition follows a foreign key forward, so no join repeats a contract)."""
    data = {**CONTRACT, "seller_region": "150203", "buyer_region": "150202", "seller_credit_code": ""}
    c = services.contract_register(actor=bureau_user, data=data)
    ids = [x["id"] for x in client.get("/api/v1/transfer/contracts", **bearer(bureau_user)).json()]
    assert ids == [str(c.public_id)]
    client.force_login(bureau_user)
    page = client.get("/transfer/contracts/").content.decode()
    assert page.count(CONTRACT["title"]) == 1


def test_the_negotiations_contract_form_is_prefilled_with_both_sides(
    client, achievement, demand, enterprise_user, institution_user
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="感兴趣")
    client.force_login(enterprise_user)
    html = client.get(f"/transfer/interests/{interest.public_id}/").content.decode()
    # the institution (呼和浩特 150100) sells its achievement to the enterprise (包头 东河区 -> 150200)
    assert 'name="seller" required value="内蒙古大学"' in html
    assert 'name="buyer" required value="包头稀土新材料有限公司"' in html
    assert '<option value="150100" selected>' in html and '<option value="150200" selected>' in html
    reverse = services.interest_express(actor=institution_user, listing=demand, note="可以合作")
    html = client.get(f"/transfer/interests/{reverse.public_id}/").content.decode()
    assert 'name="seller" required value="内蒙古大学"' in html  # for a demand the interested party sells
    assert 'name="buyer" required value="包头稀土新材料有限公司"' in html


def test_the_database_refuses_a_second_registered_copy_of_a_contract(department_user):
    from django.db import IntegrityError, transaction

    c = services.contract_register(actor=department_user, data={**CONTRACT, "number": ""})
    copy = {
        f: getattr(c, f) for f in ("title", "type", "seller", "buyer", "amount", "tech_amount", "signed_on")
    }
    copy |= {
        "seller_region": c.seller_region,
        "buyer_region": c.buyer_region,
        "registered_on": c.registered_on,
    }
    with pytest.raises(IntegrityError), transaction.atomic():  # what a race past the service check meets
        Contract.objects.create(**copy, fingerprint=c.fingerprint, channel="import")
    services.contract_void(actor=department_user, contract=c, reason="录入错误")
    Contract.objects.create(**copy, fingerprint=c.fingerprint, channel="import")  # a void one does not block


def test_a_duplicate_is_caught_when_the_other_channel_writes_names_differently(department_user):
    services.contract_register(
        actor=department_user, data={**CONTRACT, "seller": "ＮＭＧ 稀土研究院", "number": ""}
    )
    with pytest.raises(DomainError) as exc:
        services.contract_register(
            actor=department_user,
            data={**CONTRACT, "seller": "nmg稀土研究院", "number": "", "amount": "100.00"},
        )
    assert exc.value.code == "duplicate_contract"


def test_a_bracketed_note_in_a_party_name_does_not_hide_a_duplicate(department_user):
    services.contract_register(actor=department_user, data={**CONTRACT, "number": ""})
    csv = (
        "合同名称,合同类型,卖方,卖方地区,买方,买方地区,合同成交额,签订日期\n"
        f"另一渠道,转让,内蒙古大学（本部）,呼和浩特,{CONTRACT['buyer']},包头,100.00,2026/03/01\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.contract_import(actor=department_user, filename="c.csv", content=csv.encode())
    assert exc.value.data["errors"][0]["row"] == 2 and "重复登记" in exc.value.data["errors"][0]["message"]
    assert Contract.objects.count() == 1

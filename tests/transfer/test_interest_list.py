"""Who finds a negotiation in "my negotiations" (queries.interests_for_user, the /transfer/mine/
page and GET /api/v1/transfer/interests): the interested party, the record's organisation, the
named broker; nobody else. Each negotiation once, with its number of messages."""

import pytest

from steppe.core.services import user_create
from steppe.transfer import queries, services
from steppe.transfer.models import Broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(make_published, institution_user, enterprise_user, department_user, broker_user):
    broker = services.broker_register(
        actor=department_user, data={"name": "王经纪", "certificate_no": "C-1"}, user=broker_user
    )
    Broker.objects.filter(pk=broker.pk).update(user=broker_user)
    broker.refresh_from_db()
    offer = make_published("achievement", institution_user, title="稀土永磁材料")
    need = make_published("demand", enterprise_user, title="永磁电机降本需求")
    # the enterprise is interested in the university's achievement, through the broker (its note
    # is the first message) ...
    on_offer = services.interest_express(actor=enterprise_user, listing=offer, note="想谈许可", broker=broker)
    services.message_post(actor=institution_user, interest=on_offer, body="欢迎")
    services.message_post(actor=enterprise_user, interest=on_offer, body="报价？")
    # ... and the university in the enterprise's demand, without one
    on_need = services.interest_express(actor=institution_user, listing=need, note="能解决")
    return on_offer, on_need


def _seen(user) -> dict[str, int]:
    return {i.listing.title: i.n_messages for i in queries.interests_for_user(user)}


def test_each_party_sees_its_negotiations_once_with_their_messages(
    deals, enterprise_user, institution_user, broker_user
):
    # the enterprise: the one it opened and the one on its own demand
    assert _seen(enterprise_user) == {"稀土永磁材料": 3, "永磁电机降本需求": 1}
    assert _seen(institution_user) == {"稀土永磁材料": 3, "永磁电机降本需求": 1}
    # the broker: only the one it is named in
    assert _seen(broker_user) == {"稀土永磁材料": 3}
    assert queries.interests_for_user(enterprise_user).count() == 2


def test_a_colleague_of_the_organisation_sees_them_and_an_outsider_does_not(deals, regions):
    colleague, _, _ = user_create(username="firm2", role="enterprise", region="150202", unit="包头稀土新材料有限公司")
    outsider, _, _ = user_create(username="other", role="enterprise", region="150600", unit="鄂尔多斯某企业")
    assert _seen(colleague) == {"稀土永磁材料": 3, "永磁电机降本需求": 1}
    assert _seen(outsider) == {}


def test_the_api_lists_them_newest_first(client, bearer, deals, enterprise_user):
    on_offer, on_need = deals
    r = client.get("/api/v1/transfer/interests", **bearer(enterprise_user))
    assert r.status_code == 200
    assert [i["id"] for i in r.json()] == [str(on_need.public_id), str(on_offer.public_id)]
    assert [i["broker"] for i in r.json()] == [None, "王经纪"]

"""Technology contracts: the negotiation's parties, one contract per negotiation (amendments are
versions), counted in the turnover only after an operator's 认定登记 review, plausible amounts."""

from decimal import Decimal

import pytest

from steppe.core.errors import DomainError, ValidationFailed
from steppe.transfer import queries, services
from steppe.transfer.models import Contract, ContractStatus

from .conftest import CONTRACT

pytestmark = pytest.mark.django_db


@pytest.fixture
def interest(achievement, enterprise_user):
    return services.interest_express(actor=enterprise_user, listing=achievement)


def _turnover() -> Decimal:
    """The autonomous region's 技术市场成交额 (万元) over all years, as the figures give it."""
    rows = queries.contract_turnover_by_region_year()
    return sum((Decimal(r["turnover_wan"]) for r in rows if r["region_code"] == "150000"), Decimal(0))


def _fields(exc) -> list[str]:
    return [e["field"] for e in exc.value.data["errors"]]


def test_a_party_cannot_name_other_parties(interest, institution_user):
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(
            actor=institution_user, data=CONTRACT | {"seller": "别的大学", "buyer": "别的公司"}, interest=interest
        )
    assert _fields(refused) == ["seller", "buyer"]
    assert Contract.objects.count() == 0


def test_the_contract_takes_the_negotiations_parties(interest, institution_user):
    c = services.contract_register(
        actor=institution_user, data={k: v for k, v in CONTRACT.items() if k not in ("seller", "buyer")},
        interest=interest,
    )
    assert (c.seller, c.buyer) == ("内蒙古大学", "包头稀土新材料有限公司")


def test_a_submitted_contract_counts_only_after_the_operators_review(interest, institution_user, department_user):
    c = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    assert c.status == ContractStatus.SUBMITTED and _turnover() == 0
    with pytest.raises(DomainError):
        services.contract_review(actor=institution_user, contract=c, decision="approve")
    with pytest.raises(ValidationFailed) as refused:
        services.contract_review(actor=department_user, contract=c, decision="return")
    assert _fields(refused) == ["reason"]
    services.contract_review(actor=department_user, contract=c, decision="approve")
    assert Contract.objects.get(pk=c.pk).status == ContractStatus.REGISTERED
    assert _turnover() == Decimal("100")


def test_one_contract_per_negotiation_amendments_are_versions(interest, institution_user, department_user):
    first = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(
            actor=institution_user, data=CONTRACT | {"number": "X-2", "amount": "300", "tech_amount": "300"},
            interest=interest,
        )
    assert _fields(refused) == ["interest_id"]
    services.contract_review(actor=department_user, contract=first, decision="approve")
    second = services.contract_amend(actor=institution_user, contract=first, data={"amount": "150", "tech_amount": "140"})
    assert (second.version, second.supersedes, second.status) == (2, first, ContractStatus.SUBMITTED)
    assert _turnover() == Decimal("100")  # the amendment counts once reviewed
    services.contract_review(actor=department_user, contract=second, decision="approve")
    assert Contract.objects.get(pk=first.pk).status == ContractStatus.SUPERSEDED
    assert _turnover() == Decimal("150")


@pytest.mark.parametrize(("field", "value"), [("amount", "10000000000000"), ("amount", "600000")])
def test_an_implausible_amount_is_refused_naming_the_field(department_user, field, value):
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(actor=department_user, data=CONTRACT | {field: value, "tech_amount": "1"})
    assert _fields(refused) == [field]
    assert Contract.objects.count() == 0


def test_the_review_api_and_the_queue(client, interest, institution_user, department_user):
    from steppe.core.models import ApiToken

    c = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    dept = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.objects.issue(department_user)[1]}"}
    queue = client.get("/api/v1/transfer/contracts?status=submitted", **dept).json()
    assert [x["id"] for x in queue] == [str(c.public_id)]
    r = client.post(
        f"/api/v1/transfer/contracts/{c.public_id}/review", {"decision": "return", "reason": "金额有误"},
        content_type="application/json", **dept,
    )
    assert r.status_code == 200 and r.json()["status"] == "returned" and r.json()["review_note"] == "金额有误"

"""What a user files belongs to their organisation: colleagues share it, someone who leaves (moved to
another organisation, or deactivated) takes nothing with them. One rule, core.permissions.owns."""

import pytest

from steppe.core.errors import NotFound
from steppe.core.permissions import owns
from steppe.core.services import organisation_get_or_create
from steppe.policy import permissions as policy_perms
from steppe.policy.models import Enterprise
from steppe.transfer import permissions as perms
from steppe.transfer import queries, services

from ..conftest import _make_user
from ..transfer.conftest import ACHIEVEMENT, CONTRACT, _fresh_index, make_published  # noqa: F401 (fixtures)


@pytest.fixture
def colleague(institution_user):
    return _make_user("univ-2", "institution", region="150100", unit=institution_user.unit.name)


@pytest.fixture
def submitted(institution_user):
    return services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)


def _leave(user, to="另一所大学"):
    user.unit = organisation_get_or_create(name=to, kind="institution")
    user.save()


@pytest.mark.django_db
def test_a_colleague_sees_and_edits_a_record_a_member_submitted(submitted, colleague):
    assert perms.can_view_listing(colleague, submitted)
    assert perms.can_edit_listing(colleague, submitted)
    assert list(queries.listings_for_user(colleague, "achievement")) == [submitted]


@pytest.mark.django_db
def test_who_leaves_the_organisation_loses_what_they_submitted(submitted, institution_user, colleague):
    _leave(institution_user)
    assert not perms.can_view_listing(institution_user, submitted)
    assert not perms.can_edit_listing(institution_user, submitted)
    assert list(queries.listings_for_user(institution_user, "achievement")) == []
    with pytest.raises(NotFound):
        perms.get_listing_for_user(institution_user, type(submitted), submitted.public_id)
    assert perms.can_edit_listing(colleague, submitted)  # the organisation keeps it


@pytest.mark.django_db
def test_a_record_without_an_organisation_stays_with_its_submitter(institution_user):
    listing = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    type(listing).objects.filter(pk=listing.pk).update(unit=None)
    listing.refresh_from_db()
    assert owns(institution_user, org_id=None, person_id=institution_user.pk)
    assert perms.is_owner(institution_user, listing)
    other = _make_user("stranger", "institution", region="150100", unit="某研究院")
    assert not perms.is_owner(other, listing)


@pytest.mark.django_db
def test_a_contract_belongs_to_the_registering_organisation(
    make_published,  # noqa: F811 (the transfer tests' fixture)
    institution_user,
    enterprise_user,
    colleague,
):
    demand = make_published("demand", enterprise_user)
    interest = services.interest_express(actor=institution_user, listing=demand)
    contract = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    assert contract.unit_id == institution_user.unit_id
    assert perms.can_view_contract(colleague, contract)
    assert contract in queries.contracts_for_user(colleague)
    _leave(institution_user)
    assert not perms.can_view_contract(institution_user, contract)
    assert contract not in queries.contracts_for_user(institution_user)


@pytest.mark.django_db
def test_a_negotiation_is_the_interested_organisations(make_published, institution_user, enterprise_user):  # noqa: F811
    demand = make_published("demand", enterprise_user)
    interest = services.interest_express(actor=institution_user, listing=demand, note="可合作")
    colleague = _make_user("univ-3", "institution", region="150100", unit=institution_user.unit.name)
    assert perms.is_party(colleague, interest)
    assert interest in queries.interests_for_user(colleague)
    _leave(institution_user)
    assert not perms.is_party(institution_user, interest)
    assert interest not in queries.interests_for_user(institution_user)


@pytest.mark.django_db
def test_the_enterprise_file_is_the_organisations(enterprise_user):
    from ..policy.test_register import BAOTOU, register  # noqa: F401

    ent = Enterprise.objects.create(
        name="包头稀土新材料有限公司", credit_code=BAOTOU, region_id=enterprise_user.region_id,
        registered_on="2015-05-01", unit=enterprise_user.unit,
    )
    colleague = _make_user("firm-2", "enterprise", region="150202", unit=enterprise_user.unit.name)
    assert policy_perms.get_enterprise_for_user(colleague, ent.public_id) == (ent, True)
    _leave(enterprise_user, to="另一家公司")
    with pytest.raises(NotFound):
        policy_perms.get_enterprise_for_user(enterprise_user, ent.public_id)


@pytest.mark.django_db
def test_contracts_naming_the_credit_code_are_the_organisations(department_user, enterprise_user):
    from steppe.core.errors import ValidationFailed

    from .test_signup_api import BAOTOU_FIRM

    with pytest.raises(ValidationFailed) as bad:
        services.contract_register(actor=department_user, data={**CONTRACT, "buyer_credit_code": "91150202MA0AAAAA10"})
    assert [e["field"] for e in bad.value.data["errors"]] == ["buyer_credit_code"]
    contract = services.contract_register(actor=department_user, data={**CONTRACT, "buyer_credit_code": BAOTOU_FIRM.lower()})
    assert contract.buyer_credit_code == BAOTOU_FIRM
    assert not perms.can_view_contract(enterprise_user, contract)
    org = enterprise_user.unit
    org.credit_code = BAOTOU_FIRM
    org.save()
    enterprise_user.refresh_from_db()
    assert perms.can_view_contract(enterprise_user, contract)
    assert contract in queries.contracts_for_user(enterprise_user)
    from steppe.transfer.services import contracts_join

    assert contracts_join(org, apply=False) == ["技术合同 1 份（卖方或买方统一社会信用代码相同）"]
    org.status = "pending"
    org.save()
    enterprise_user.refresh_from_db()
    assert not perms.can_view_contract(enterprise_user, contract)

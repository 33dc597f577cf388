"""Who may do what: transfer/permissions.py, persona by persona."""

import pytest

from steppe.core.errors import NotFound
from steppe.transfer import permissions as perms
from steppe.transfer import services
from steppe.transfer.models import Achievement

from .conftest import ACHIEVEMENT, CONTRACT, DEMAND

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(institution_user):
    return services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)  # 150100


def test_who_may_submit_what(
    enterprise_user, institution_user, broker_user, bank_user, expert_user, department_user
):
    assert perms.can_submit(institution_user, "achievement") and perms.can_submit(enterprise_user, "demand")
    assert perms.can_submit(broker_user, "achievement") and not perms.can_submit(broker_user, "demand")
    assert not perms.can_submit(bank_user, "achievement") and not perms.can_submit(expert_user, "demand")
    assert perms.can_submit(department_user, "demand")


def test_an_unpublished_record_is_seen_by_its_unit_and_its_operators_only(
    submitted, institution_user, enterprise_user, department_user, bureau_user, bank_user
):
    from django.contrib.auth.models import AnonymousUser

    assert perms.can_view_listing(institution_user, submitted)
    assert perms.can_view_listing(department_user, submitted)
    assert not perms.can_view_listing(bureau_user, submitted)  # Baotou's bureau; the record is in Hohhot
    for outsider in (enterprise_user, bank_user, AnonymousUser()):
        assert not perms.can_view_listing(outsider, submitted)
        with pytest.raises(NotFound):
            perms.get_listing_for_user(outsider, Achievement, submitted.public_id)


def test_a_published_record_is_public(achievement):
    from django.contrib.auth.models import AnonymousUser

    assert perms.can_view_listing(AnonymousUser(), achievement)


def test_the_owner_edits_until_publication(submitted, institution_user, department_user):
    assert perms.can_edit_listing(institution_user, submitted)
    services.listing_review(actor=department_user, listing=submitted, decision="accept")
    services.listing_publish(actor=department_user, listing=submitted)
    submitted.refresh_from_db()
    assert not perms.can_edit_listing(institution_user, submitted)
    assert perms.can_edit_listing(department_user, submitted)


def test_a_bureau_operates_its_league_and_counties(enterprise_user, bureau_user, other_bureau_user):
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)  # 150202, a Baotou county
    assert perms.can_review(bureau_user, d) and not perms.can_review(other_bureau_user, d)
    assert perms.is_operator(bureau_user) and not perms.is_operator(enterprise_user)


def test_interest_needs_a_role_and_not_ones_own_record(
    achievement, enterprise_user, broker_user, bank_user, institution_user
):
    assert perms.can_express_interest(enterprise_user, achievement)
    assert perms.can_express_interest(broker_user, achievement)
    assert not perms.can_express_interest(bank_user, achievement)
    assert not perms.can_express_interest(institution_user, achievement)  # its own


def test_a_negotiation_is_seen_by_its_parties(
    achievement, enterprise_user, institution_user, bank_user, department_user, other_bureau_user
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement)
    assert perms.is_party(enterprise_user, interest) and perms.is_party(institution_user, interest)
    assert perms.is_party(department_user, interest)
    assert not perms.is_party(bank_user, interest) and not perms.is_party(other_bureau_user, interest)
    with pytest.raises(NotFound):
        perms.get_interest_for_user(bank_user, interest.public_id)


def test_contracts_are_seen_by_parties_and_the_leagues_operators(
    department_user, bureau_user, other_bureau_user, enterprise_user
):
    c = services.contract_register(actor=department_user, data=CONTRACT)  # seller Hohhot, buyer Baotou county
    assert perms.can_view_contract(bureau_user, c)  # the buyer's league
    assert not perms.can_view_contract(other_bureau_user, c)
    assert not perms.can_view_contract(enterprise_user, c)
    with pytest.raises(NotFound):
        perms.get_contract_for_user(other_bureau_user, c.public_id)

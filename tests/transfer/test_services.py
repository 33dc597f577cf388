"""Register life cycle, negotiation and the contract register, through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from steppe.core.errors import DomainError, Forbidden, ValidationFailed
from steppe.core.models import AuditEntry
from steppe.transfer import queries, services
from steppe.transfer.models import (
    Achievement,
    Contract,
    Demand,
    InterestStatus,
    ListingStatus,
)

from .conftest import ACHIEVEMENT, CONTRACT, DEMAND

pytestmark = pytest.mark.django_db


def test_submit_review_publish_expire_renew(institution_user, department_user):
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    assert a.status == ListingStatus.SUBMITTED and a.transfer_modes == ["转让", "许可"]
    assert a.unit == institution_user.unit and a.price_max == Decimal("120.00")
    services.listing_review(actor=department_user, listing=a, decision="accept")
    services.listing_publish(
        actor=department_user, listing=a, expires_on=dt.date.today() + dt.timedelta(days=2)
    )
    a.refresh_from_db()
    assert a.status == ListingStatus.PUBLISHED and a.published_at
    assert services.listings_expire_due(today=dt.date.today() + dt.timedelta(days=3)) == 1
    a.refresh_from_db()
    assert a.status == ListingStatus.EXPIRED
    services.listing_publish(actor=department_user, listing=a)  # renew
    a.refresh_from_db()
    assert a.status == ListingStatus.PUBLISHED
    actions = list(AuditEntry.objects.filter(object_id=str(a.pk)).values_list("action", flat=True))
    assert {
        "transfer.achievement.submit",
        "transfer.achievement.accept",
        "transfer.achievement.expire",
        "transfer.achievement.renew",
    } <= set(actions)


def test_return_needs_a_reason_and_resubmits_on_edit(enterprise_user, department_user):
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    with pytest.raises(ValidationFailed) as exc:
        services.listing_review(actor=department_user, listing=d, decision="return")
    assert exc.value.data["errors"][0]["field"] == "reason"
    services.listing_review(actor=department_user, listing=d, decision="return", reason="预算不明确")
    d.refresh_from_db()
    assert d.status == ListingStatus.RETURNED and d.review_note == "预算不明确"
    services.listing_update(actor=enterprise_user, listing=d, data={"budget": "100"})
    d.refresh_from_db()
    assert d.status == ListingStatus.SUBMITTED and d.budget == Decimal("100.00")


def test_bad_fields_are_named_and_nothing_is_written(institution_user):
    bad = {**ACHIEVEMENT, "readiness": 12, "price_min": "200", "region": "火星", "transfer_modes": "赠送"}
    with pytest.raises(ValidationFailed) as exc:
        services.listing_submit(actor=institution_user, kind="achievement", data=bad)
    fields = {e["field"] for e in exc.value.data["errors"]}
    assert {"readiness", "price_max", "region", "transfer_modes"} <= fields
    assert Achievement.objects.count() == 0


def test_a_publish_cannot_skip_review(institution_user, department_user):
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    with pytest.raises(DomainError) as exc:
        services.listing_publish(actor=department_user, listing=a)
    assert exc.value.code == "bad_state"


def test_a_bureau_reviews_only_its_league(enterprise_user, bureau_user, other_bureau_user):
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)  # 150202, Baotou
    with pytest.raises(Forbidden):
        services.listing_review(actor=other_bureau_user, listing=d, decision="accept")
    services.listing_review(actor=bureau_user, listing=d, decision="accept")
    assert d in queries.review_queue(bureau_user)
    assert d not in queries.review_queue(other_bureau_user)


def test_an_enterprise_cannot_review(enterprise_user):
    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    with pytest.raises(Forbidden):
        services.listing_review(actor=enterprise_user, listing=d, decision="accept")


def test_publish_and_withdraw_keep_the_index_in_step(
    institution_user, department_user, django_capture_on_commit_callbacks
):
    from steppe.transfer.search import get_index

    index = get_index()  # built now, empty
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    services.listing_review(actor=department_user, listing=a, decision="accept")
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_publish(actor=department_user, listing=a)
    assert get_index() is index and f"achievement:{a.public_id}" in index
    assert index.search("钕铁硼 晶界扩散").ids == [f"achievement:{a.public_id}"]
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_withdraw(actor=institution_user, listing=a)
    assert index.search("钕铁硼 晶界扩散").ids == []


def test_a_rolled_back_publish_never_reaches_the_index(
    institution_user, department_user, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from steppe.transfer.search import get_index

    index = get_index()
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    services.listing_review(actor=department_user, listing=a, decision="accept")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.listing_publish(actor=department_user, listing=a)
            raise RuntimeError("boom")
    assert callbacks == [] and len(index) == 0


def test_matches_for_a_demand_find_the_achievement(achievement, demand):
    found = queries.matches_for_listing(demand)
    result, hits = found["achievement"]
    assert hits[0].obj == achievement
    assert "钕铁硼" in hits[0].match.shared_terms and "<mark>" in hits[0].snippet
    result, hits = queries.matches_for_listing(achievement)["demand"]
    assert hits[0].obj == demand


def test_interest_negotiation_contract(achievement, enterprise_user, institution_user):
    interest = services.interest_express(actor=enterprise_user, listing=achievement, note="希望洽谈许可")
    assert interest.status == InterestStatus.OPEN and interest.messages.count() == 1
    services.message_post(actor=institution_user, interest=interest, body="可以，报价 90 万元")
    interest.refresh_from_db()
    assert interest.status == InterestStatus.NEGOTIATING
    c = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    interest.refresh_from_db()
    assert interest.status == InterestStatus.CONTRACTED
    assert c.achievement == achievement and c.tech_amount == Decimal("90.00")


def test_the_owner_cannot_express_interest_in_its_own_record(achievement, institution_user):
    with pytest.raises(DomainError) as exc:
        services.interest_express(actor=institution_user, listing=achievement)
    assert exc.value.status == 403


def test_an_outsider_cannot_post_in_a_negotiation(achievement, enterprise_user, bank_user):
    interest = services.interest_express(actor=enterprise_user, listing=achievement)
    with pytest.raises(DomainError) as exc:
        services.message_post(actor=bank_user, interest=interest, body="hello")
    assert exc.value.status == 404


def test_duplicate_contracts_are_caught_across_channels(department_user):
    services.contract_register(actor=department_user, data=CONTRACT, channel="platform")
    with pytest.raises(DomainError) as exc:  # same number from another channel
        services.contract_register(
            actor=department_user, data={**CONTRACT, "title": "另一名称"}, channel="api"
        )
    assert exc.value.code == "duplicate_contract" and exc.value.data["channel"] == "platform"
    with pytest.raises(DomainError) as exc:  # no number, same parties + amount + date (spacing differs)
        services.contract_register(
            actor=department_user,
            data={**CONTRACT, "number": "", "seller": "内蒙古 大学", "buyer": "包头稀土新材料有限公司 "},
        )
    assert exc.value.code == "duplicate_contract"
    assert Contract.objects.count() == 1


def test_contract_checks_amounts(department_user):
    with pytest.raises(ValidationFailed) as exc:
        services.contract_register(
            actor=department_user, data={**CONTRACT, "tech_amount": "150", "type": "赠与"}
        )
    assert {e["field"] for e in exc.value.data["errors"]} == {"tech_amount", "type"}


def test_a_registered_contract_appears_in_the_league_figures(department_user):
    services.contract_register(actor=department_user, data=CONTRACT)
    services.contract_register(
        actor=department_user,
        data={
            **CONTRACT,
            "number": "X2",
            "seller": "包头某研究院",
            "seller_region": "150200",
            "buyer": "外省企业",
            "buyer_region": "100000",
            "amount": "30",
            "tech_amount": "30",
        },
    )
    rows = {(r["region_code"], r["year"]): r for r in queries.contract_turnover_by_region_year()}
    hohhot, baotou, nm = rows[("150100", 2026)], rows[("150200", 2026)], rows[("150000", 2026)]
    assert hohhot["turnover_wan"] == Decimal("100") and hohhot["output_wan"] == Decimal("100")
    assert hohhot["inflow_wan"] == 0 and hohhot["count"] == 1
    assert baotou["inflow_wan"] == Decimal("100") and baotou["output_wan"] == Decimal("30")
    assert baotou["turnover_wan"] == Decimal("30") and baotou["count"] == 2
    assert nm["turnover_wan"] == Decimal("130") and nm["inflow_wan"] == Decimal("100") and nm["count"] == 2


def test_a_void_contract_leaves_the_figures(department_user):
    c = services.contract_register(actor=department_user, data=CONTRACT)
    services.contract_void(actor=department_user, contract=c, reason="重复申报")
    assert queries.contract_turnover_by_region_year() == []


def test_demand_promoted_into_a_scenario(demand, department_user):
    rnd = services.scenario_round_create(actor=department_user, number=3, title="第三批应用场景清单")
    s = services.demand_promote(actor=department_user, demand=demand, round=rnd)
    assert s.seq == 1 and s.demand == demand and s.owner == demand.unit.name
    with pytest.raises(DomainError):
        services.demand_promote(actor=department_user, demand=demand, round=rnd)


def test_funnel_counts_each_stage(achievement, enterprise_user, institution_user, department_user):
    services.listing_record_view(listing=achievement, user=enterprise_user)
    services.listing_record_view(listing=achievement, user=institution_user)  # the owner: not counted
    interest = services.interest_express(actor=enterprise_user, listing=achievement)
    services.message_post(actor=enterprise_user, interest=interest, body="价格？")
    contract = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    services.contract_review(actor=department_user, contract=contract, decision="approve")
    rows = {r["key"]: r for r in queries.funnel("league")}
    assert rows["150100"] == {
        "key": "150100",
        "listings": 1,
        "views": 1,
        "interests": 1,
        "negotiations": 1,
        "contracts": 1,
    }
    assert queries.funnel("field")[0]["key"] == "材料科学与工程"


def test_demand_listing_exists(demand):
    assert Demand.objects.get(pk=demand.pk).status == ListingStatus.PUBLISHED


def test_another_process_catches_up_from_the_database(institution_user, department_user):
    """No on_commit hook ran here (as in a second server process): the next catch-up applies it."""
    from steppe.transfer.search import catch_up, get_index

    index = get_index()
    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    services.listing_review(actor=department_user, listing=a, decision="accept")
    services.listing_publish(actor=department_user, listing=a)
    assert f"achievement:{a.public_id}" not in index
    assert catch_up(force=True) == 1
    assert f"achievement:{a.public_id}" in index and index.delta_size == 1
    assert catch_up(force=True) == 0 and index.delta_size == 1  # applied once, not again
    services.listing_withdraw(actor=department_user, listing=a)
    catch_up(force=True)
    assert f"achievement:{a.public_id}" not in index


def test_match_commands_reindex_query_expire(achievement, capsys):
    from django.core.management import call_command

    call_command("match", "reindex")
    assert "indexed 1 published records" in capsys.readouterr().out
    call_command("match", "query", "钕铁硼", "--kind", "achievement")
    out = capsys.readouterr().out
    assert f"achievement:{achievement.public_id}" in out and "共同词：钕铁硼" in out
    Achievement.objects.filter(pk=achievement.pk).update(expires_on=dt.date(2020, 1, 1))
    call_command("match", "expire")
    assert "expired 1 records" in capsys.readouterr().out


def test_a_write_stamped_by_a_slower_clock_is_not_missed(achievement, make_published, enterprise_user):
    """A second server whose clock is a few seconds behind still reaches this process's index."""
    from steppe.transfer.search import catch_up, get_index

    index = get_index()
    d = make_published("demand", enterprise_user)
    Demand.objects.filter(pk=d.pk).update(updated_at=achievement.updated_at - dt.timedelta(seconds=5))
    assert f"demand:{d.public_id}" not in index
    catch_up(force=True)
    assert f"demand:{d.public_id}" in index
    before = index.delta_size
    catch_up(force=True)
    assert index.delta_size == before

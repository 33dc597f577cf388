"""The technology-market figures (turnover, the funnel) come from the shared cache (transfer/cache.py),
and every kind of write that changes them shows on the next read: the figures page and the turnover
API are read first (so the cache holds them), the write is made, and the page shows the change at once."""

import re
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steppe.transfer import queries, services
from steppe.transfer.cache import FIGURES
from steppe.transfer.models import Broker, Contract, ContractStatus, Interest

from .conftest import ACHIEVEMENT, CONTRACT

pytestmark = pytest.mark.django_db


STAGES = ("listings", "views", "interests", "negotiations", "contracts")


def _table(html: str, table_id: str) -> list[list[str]]:
    """The text of each body cell of the page's table ``table_id``, row by row."""
    body = html.split(f'id="{table_id}"', 1)[1].split("<tbody>", 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def page(client, department_user):
    """What the figures page (as the department) and the turnover API show now."""
    client.force_login(department_user)

    def _read(by: str = "league") -> dict:
        r = client.get("/transfer/figures/", {"by": by})
        assert r.status_code == 200
        html = r.content.decode()
        funnel = {}
        for cells in _table(html, "funnel"):
            if len(cells) == len(STAGES) + 1:  # not the empty table's one cell
                key = cells[0].split()[-1] if by == "league" else cells[0]
                funnel[key] = dict(zip(STAGES, map(int, cells[1:]), strict=True))
        return {
            "funnel": funnel,
            "turnover": sum(
                (Decimal(c[2]) for c in _table(html, "turnover") if len(c) > 1 and c[1].endswith("150000")),
                Decimal(0),
            ),
            "contracts": int(re.search(r"由平台登记的 (\d+) 份", html).group(1)),
            "api": client.get("/api/v1/transfer/figures/turnover").json(),
            "regions": [c[1] for c in _table(html, "turnover") if len(c) > 1],
        }

    return _read


def _stage(figures: dict, key: str, stage: str) -> int:
    return figures["funnel"].get(key, {}).get(stage, 0)


def test_the_figures_are_kept_in_the_cache(page, achievement, enterprise_user, department_user):
    services.contract_register(actor=department_user, data=CONTRACT)
    page()
    stored = cache.get(FIGURES.key("turnover"))
    assert [r["region_code"] for r in stored] == [
        r["region_code"] for r in queries._contract_turnover_by_region_year()
    ]
    assert cache.get(FIGURES.key("funnel", "league")) is not None
    assert (
        cache.get(make_template_fragment_key("transfer_turnover", [FIGURES.current(), "zh-hans"])) is not None
    )


def test_a_registered_reviewed_and_voided_contract_shows_at_once(
    page, achievement, enterprise_user, institution_user, department_user
):
    interest = services.interest_express(actor=enterprise_user, listing=achievement)
    assert page()["contracts"] == 0 and page()["api"] == []
    submitted = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    assert submitted.status == ContractStatus.SUBMITTED and page()["contracts"] == 0
    services.contract_review(actor=department_user, contract=submitted, decision="approve")
    after = page()
    assert after["contracts"] == 1 and after["turnover"] == Decimal("100") and len(after["api"]) > 0
    services.contract_void(actor=department_user, contract=submitted, reason="重复申报")  # a queryset update
    voided = page()
    assert voided["contracts"] == 0 and voided["turnover"] == 0 and voided["api"] == []


def test_an_amendment_supersedes_in_the_figures_at_once(page, institution_user, department_user):
    first = services.contract_register(actor=department_user, data=CONTRACT)
    assert page()["turnover"] == Decimal("100")
    amended = services.contract_amend(
        actor=department_user, contract=first, data={"amount": "150", "tech_amount": "120"}
    )
    if amended.status == ContractStatus.SUBMITTED:
        assert page()["turnover"] == Decimal("100")
        services.contract_review(actor=department_user, contract=amended, decision="approve")
    assert page()["turnover"] == Decimal("150") and page()["contracts"] == 1


def test_interest_negotiation_and_contract_stages_show_at_once(
    page, achievement, enterprise_user, institution_user, department_user
):
    assert _stage(page(), "150100", "interests") == 0
    interest = services.interest_express(actor=enterprise_user, listing=achievement)
    figures = page()
    assert _stage(figures, "150100", "interests") == 1 and _stage(figures, "150100", "negotiations") == 0
    services.message_post(
        actor=enterprise_user, interest=interest, body="价格？"
    )  # open -> negotiating (update)
    assert _stage(page(), "150100", "negotiations") == 1
    contract = services.contract_register(actor=institution_user, data=CONTRACT, interest=interest)
    assert _stage(page(), "150100", "contracts") == 0  # submitted, not yet reviewed
    services.contract_review(actor=department_user, contract=contract, decision="approve")
    assert _stage(page(), "150100", "contracts") == 1
    Interest.objects.filter(pk=interest.pk).delete()
    assert _stage(page(), "150100", "interests") == 0


def test_a_record_moved_to_another_field_or_league_moves_its_interests_at_once(
    page, achievement, enterprise_user, department_user
):
    services.interest_express(actor=enterprise_user, listing=achievement)
    assert _stage(page("field"), "材料科学与工程", "interests") == 1
    assert _stage(page("league"), "150100", "interests") == 1
    services.listing_update(
        actor=department_user, listing=achievement, data={"field": "能源", "region": "150200"}
    )
    by_field, by_league = page("field"), page("league")
    assert _stage(by_field, "能源", "interests") == 1 and _stage(by_field, "材料科学与工程", "interests") == 0
    assert _stage(by_league, "150200", "interests") == 1 and _stage(by_league, "150100", "interests") == 0
    assert _stage(by_league, "150200", "listings") == 1


def test_a_broker_renamed_regroups_the_broker_funnel_at_once(
    page, achievement, enterprise_user, department_user
):
    broker = services.broker_register(actor=department_user, data={"name": "王经纪", "certificate_no": "C-9"})
    services.interest_express(actor=enterprise_user, listing=achievement, broker=broker)
    assert _stage(page("broker"), "王经纪", "interests") == 1
    broker.name = "王经纪人"  # as the admin saves it
    broker.save()
    figures = page("broker")
    assert _stage(figures, "王经纪人", "interests") == 1 and "王经纪" not in figures["funnel"]
    Broker.objects.filter(pk=broker.pk).update(name="李经纪")  # a queryset update, no save()
    assert _stage(page("broker"), "李经纪", "interests") == 1


def test_a_league_renamed_shows_at_once(page, department_user):
    from steppe.core.models import Region

    services.contract_register(actor=department_user, data=CONTRACT)
    assert "呼和浩特市 150100" in page()["regions"]
    hohhot = Region.objects.get(code="150100")
    hohhot.name = "青城"
    hohhot.save()
    assert "青城 150100" in page()["regions"]


def test_views_and_published_records_show_at_once(
    page, achievement, make_published, enterprise_user, institution_user
):
    before = page()
    services.listing_record_view(listing=achievement, user=enterprise_user)
    make_published("achievement", institution_user, title="第二项成果", ip_numbers="ZL2")
    after = page()
    assert _stage(after, "150100", "views") == _stage(before, "150100", "views") + 1
    assert _stage(after, "150100", "listings") == _stage(before, "150100", "listings") + 1


def test_bulk_writes_retire_the_cached_figures(page, department_user):
    assert page()["contracts"] == 0
    services.contract_register(actor=department_user, data=CONTRACT)
    contract = Contract.objects.get()
    contract.pk, contract.public_id, contract.number, contract.fingerprint = (
        None,
        uuid.uuid4(),
        "X-2",
        "other",
    )
    page()
    Contract.objects.bulk_create([contract])  # e.g. the synthetic fill
    assert page()["contracts"] == 2
    Contract.objects.filter(number="X-2").delete()
    assert page()["contracts"] == 1


def test_several_writes_in_one_transaction_each_show(page, achievement, enterprise_user, institution_user):
    """The test's own transaction never commits: after its first bump, a write only marks the generation
    dirty and the next read starts the new one (core.cache.Generation)."""
    from steppe.core.services import user_create

    for i in range(3):
        firm, _, _ = user_create(username=f"firm{i}", role="enterprise", unit=f"企业{i}", region="150200")
        services.interest_express(actor=firm, listing=achievement)
        assert _stage(page(), "150100", "interests") == i + 1


@pytest.mark.parametrize(("by", "pinned"), [("league", 11), ("field", 9), ("broker", 7)])
def test_the_figures_page_asks_few_queries_once_cached(client, department_user, achievement, by, pinned):
    """Warm, the page reads the session and user, the synthetic-data marker, the generation and the
    cached turnover table, the live listing stage (two grouped queries; the league grouping names
    their regions in one more and its leagues in another) and the cached later stages (the
    generation and the entry): 11 (league), 9 (field), 7 (broker); 12 before the cache, whatever
    the rows (tests/transfer/test_query_counts.py)."""
    client.force_login(department_user)
    client.get("/transfer/figures/", {"by": by})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/transfer/figures/", {"by": by}).status_code == 200
    assert len(ctx.captured_queries) == pinned, [q["sql"][:90] for q in ctx.captured_queries]


def test_a_new_field_shows_in_the_search_filter_at_once(client, achievement, institution_user, department_user):
    from steppe.transfer.models import Achievement

    assert "材料科学与工程" in queries.field_choices()
    services.listing_submit(actor=institution_user, kind="achievement", data={**ACHIEVEMENT, "field": "草原生态"})
    assert "草原生态" in client.get("/transfer/search/").content.decode()
    clone = Achievement.objects.get(pk=achievement.pk)
    clone.pk, clone.public_id, clone.field = None, uuid.uuid4(), "蒙医药"
    Achievement.objects.bulk_create([clone])  # e.g. the synthetic fill
    assert "蒙医药" in client.get("/transfer/search/").content.decode()


def test_counting_a_view_keeps_the_cached_figures(achievement, enterprise_user):
    before = FIGURES.current()
    services.listing_record_view(listing=achievement, user=enterprise_user)
    assert FIGURES.current() == before

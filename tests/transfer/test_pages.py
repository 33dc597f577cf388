"""Pages render, search highlights, and the page flows call the services."""

import io

import pytest

from steppe.transfer.models import Achievement, Contract, Demand, Interest, ListingStatus

from .conftest import ACHIEVEMENT, CONTRACT, DEMAND

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_the_operator(client, department_user, achievement, demand):
    client.force_login(department_user)
    for url in [
        "/transfer/search/",
        "/transfer/search/?q=钕铁硼&kind=achievement&region=150100&min_readiness=5&max_price=200",
        f"/transfer/achievements/{achievement.public_id}/",
        f"/transfer/demands/{demand.public_id}/",
        "/transfer/achievements/new/",
        "/transfer/demands/new/",
        "/transfer/mine/",
        "/transfer/scenarios/",
        "/transfer/review/",
        "/transfer/broker/",
        "/transfer/contracts/",
        "/transfer/figures/",
        "/transfer/figures/?by=field",
        "/transfer/figures/?by=broker",
        "/transfer/achievements/import/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url


def test_search_highlights_shared_terms_and_shows_the_field(client, achievement):
    r = client.get("/transfer/search/", {"q": "钕铁硼 晶界扩散"})
    html = r.content.decode()
    assert "<mark>钕铁硼</mark>" in html and "材料科学与工程" in html and "高性能<mark>钕铁硼</mark>" in html


def test_search_answers_htmx_with_the_results_fragment(client, achievement):
    r = client.get("/transfer/search/", {"q": "钕铁硼"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html


def test_an_unpublished_record_is_not_found_for_the_public(client, institution_user):
    from steppe.transfer import services

    a = services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    assert client.get(f"/transfer/achievements/{a.public_id}/").status_code == 404


def test_the_review_queue_is_for_operators(client, enterprise_user, department_user, institution_user):
    from steppe.transfer import services

    services.listing_submit(actor=institution_user, kind="achievement", data=ACHIEVEMENT)
    client.force_login(enterprise_user)
    assert client.get("/transfer/review/").status_code == 404
    client.force_login(department_user)
    assert ACHIEVEMENT["title"] in client.get("/transfer/review/").content.decode()


def test_submit_review_and_publish_through_pages(client, enterprise_user, department_user):
    client.force_login(enterprise_user)
    r = client.post("/transfer/demands/new/", DEMAND)
    d = Demand.objects.get()
    assert r.status_code == 302 and d.status == ListingStatus.SUBMITTED
    client.force_login(department_user)
    client.post(f"/transfer/demands/{d.public_id}/return/", {"reason": ""})
    d.refresh_from_db()
    assert d.status == ListingStatus.SUBMITTED  # a return without a reason is refused
    client.post(f"/transfer/demands/{d.public_id}/accept/")
    client.post(f"/transfer/demands/{d.public_id}/publish/")
    d.refresh_from_db()
    assert d.status == ListingStatus.PUBLISHED


def test_a_bad_form_shows_the_field_and_writes_nothing(client, institution_user):
    client.force_login(institution_user)
    r = client.post("/transfer/achievements/new/", {**ACHIEVEMENT, "readiness": "11"}, follow=True)
    page = r.content.decode()
    assert "技术成熟度（TRL 1–9）：" in page and "readiness:" not in page and Achievement.objects.count() == 0


def test_from_interest_to_a_registered_contract_in_the_figures(
    client, achievement, enterprise_user, institution_user, department_user
):
    client.force_login(enterprise_user)
    r = client.post(f"/transfer/achievements/{achievement.public_id}/interest/", {"note": "希望合作"})
    interest = Interest.objects.get()
    assert r.status_code == 302 and str(interest.public_id) in r.url
    client.force_login(institution_user)
    client.post(f"/transfer/interests/{interest.public_id}/", {"body": "欢迎"})
    client.post(f"/transfer/interests/{interest.public_id}/", {"action": "contract", **CONTRACT})
    contract = Contract.objects.get()
    assert contract.interest == interest and contract.status == "submitted"
    assert "100.00" not in client.get("/transfer/figures/").content.decode()  # counts after review
    client.force_login(department_user)
    assert "认定登记" in client.get("/transfer/contracts/").content.decode()
    client.post("/transfer/contracts/", {"review": str(contract.public_id), "decision": "approve"})
    html = client.get("/transfer/figures/").content.decode()
    assert "呼和浩特市" in html and "100.00" in html


def test_a_malformed_import_page_names_rows(client, institution_user):
    client.force_login(institution_user)
    f = io.BytesIO("标题,描述,地区,技术成熟度\n甲,乙,包头,99\n".encode())
    f.name = "a.csv"
    r = client.post("/transfer/achievements/import/", {"file": f}, follow=True)
    assert "第 2 行" in r.content.decode() and Achievement.objects.count() == 0


def test_contract_export_csv(client, department_user):
    from steppe.transfer import services

    services.contract_register(actor=department_user, data=CONTRACT)
    client.force_login(department_user)
    r = client.get("/transfer/contracts/", {"format": "csv"})
    text = r.content.decode("utf-8-sig")
    assert r["Content-Type"].startswith("text/csv") and CONTRACT["title"] in text and "技术交易额" in text


def test_a_party_sees_its_negotiation_instead_of_the_interest_form(client, achievement, enterprise_user):
    client.force_login(enterprise_user)
    assert (
        "express-interest" in client.get(f"/transfer/achievements/{achievement.public_id}/").content.decode()
    )
    client.post(f"/transfer/achievements/{achievement.public_id}/interest/", {"note": ""})
    html = client.get(f"/transfer/achievements/{achievement.public_id}/").content.decode()
    assert "express-interest" not in html and "进入洽谈" in html


def test_the_search_page_query_count_does_not_grow_with_results(
    client, make_published, institution_user, django_assert_max_num_queries
):
    for i in range(12):
        make_published("achievement", institution_user, title=f"稀土永磁材料 {i}", ip_numbers=f"ZL{i}")
    client.get("/transfer/search/", {"q": "稀土永磁"})  # builds the index
    with django_assert_max_num_queries(12):
        r = client.get("/transfer/search/", {"q": "稀土永磁"})
    assert r.content.decode().count('class="hit"') == 12


def test_the_operator_registers_experts_and_brokers(client, department_user, demand, enterprise_user):
    client.force_login(department_user)
    client.post(
        "/transfer/experts/",
        {
            "name": "王磁",
            "fields": "材料科学与工程、稀土",
            "institution": "包头稀土研究院",
            "profile": "钕铁硼晶界扩散",
            "region": "150200",
        },
    )
    client.post("/transfer/experts/", {"what": "broker", "name": "李经纪", "certificate_no": "JJR-001"})
    client.post("/transfer/experts/", {"what": "broker", "name": "重复", "certificate_no": "JJR-001"})
    html = client.get("/transfer/experts/").content.decode()
    assert "王磁" in html and "JJR-001" in html and "重复" not in html
    # the expert is matched to the demand
    found = client.get(f"/api/v1/transfer/demands/{demand.public_id}/matches").json()
    assert found["expert"]["results"][0]["title"] == "王磁"
    client.force_login(enterprise_user)
    assert client.post("/transfer/experts/", {"name": "外人"}).status_code == 403


def test_a_returned_record_is_edited_and_resubmitted(client, enterprise_user, department_user):
    from steppe.transfer import services

    d = services.listing_submit(actor=enterprise_user, kind="demand", data=DEMAND)
    services.listing_review(actor=department_user, listing=d, decision="return", reason="请补充预算")
    client.force_login(enterprise_user)
    page = client.get(f"/transfer/demands/{d.public_id}/edit/").content.decode()
    assert "请补充预算" in page and '<option value="150202" selected>' in page
    r = client.post(f"/transfer/demands/{d.public_id}/edit/", {**DEMAND, "budget": "95"})
    d.refresh_from_db()
    assert r.status_code == 302 and d.status == ListingStatus.SUBMITTED and str(d.budget) == "95.00"


def test_the_operator_creates_a_round_and_promotes_a_demand(client, department_user, demand):
    client.force_login(department_user)
    client.post(
        "/transfer/scenarios/", {"number": "2", "title": "第二批应用场景清单", "published_on": "2026-06-01"}
    )
    from steppe.transfer.models import ScenarioRound

    rnd = ScenarioRound.objects.get(number=2)
    client.post(f"/transfer/demands/{demand.public_id}/promote/", {"round": rnd.pk})
    html = client.get("/transfer/scenarios/").content.decode()
    assert "第二批应用场景清单" in html and demand.title in html and "2-1" in html


def test_the_operator_voids_a_contract_from_the_page(client, department_user):
    from steppe.transfer import services

    c = services.contract_register(actor=department_user, data=CONTRACT)
    client.force_login(department_user)
    client.post("/transfer/contracts/", {"void": str(c.public_id), "reason": "录入错误"})
    c.refresh_from_db()
    assert c.status == "void"

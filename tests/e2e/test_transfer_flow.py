"""一张网 in a browser: a demand is submitted, reviewed and published, found by an institution,
negotiated, and ends in a registered contract that shows in the league's figures."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _user(username, role, unit=None, region=None):
    from steppe.core.regions import regions_ensure
    from steppe.core.services import user_create

    regions_ensure()
    user, _, _ = user_create(username=username, role=role, unit=unit, region=region, password="pass-word-123")
    return user


@pytest.fixture
def session_for(browser, live_server):
    """A browser page logged in as a user (the session cookie of a Django test client login)."""
    from django.test import Client

    from steppe.transfer.search import reset_index

    reset_index()
    contexts = []

    def make(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        client = Client()
        client.force_login(user)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for c in contexts:
        c.close()
    reset_index()


def test_from_a_published_demand_to_a_registered_contract(live_server, session_for):
    from steppe.transfer.models import Contract, Demand

    firm = _user("e2e-t-firm", "enterprise", unit="包头稀土永磁电机有限公司", region="150202")
    univ = _user("e2e-t-univ", "institution", unit="内蒙古科技大学", region="150203")
    dept = _user("e2e-t-dept", "department", unit="自治区科技厅")
    base = live_server.url + "/transfer"

    # the enterprise submits a demand
    p_firm = session_for(firm)
    p_firm.goto(base + "/demands/new/")
    p_firm.fill("input[name=title]", "永磁电机降低重稀土用量")
    p_firm.fill("textarea[name=description]", "需要钕铁硼磁体晶界扩散技术，降低永磁电机中镝铽等重稀土用量。")
    p_firm.fill("input[name=field]", "材料科学与工程")
    p_firm.select_option("select[name=region]", "150200")
    p_firm.fill("input[name=budget]", "80")
    p_firm.click("#submit")
    p_firm.wait_for_selector("#status")
    assert "待审核" in p_firm.inner_text("#status")
    demand = Demand.objects.get()

    # the operator accepts it from the review queue and publishes it
    p_dept = session_for(dept)
    p_dept.goto(base + "/review/")
    p_dept.click("#queue button:has-text('通过')")
    p_dept.wait_for_selector("#queue")
    p_dept.goto(f"{base}/demands/{demand.public_id}/")
    p_dept.click("#publish")
    p_dept.wait_for_selector("#status")
    assert "已发布" in p_dept.inner_text("#status")

    # an institution finds it by searching (htmx swaps the results) and expresses interest
    p_univ = session_for(univ)
    p_univ.goto(base + "/search/")
    p_univ.fill("#q", "晶界扩散 钕铁硼")
    p_univ.select_option("select[name=kind]", "demand")
    p_univ.click("form.search-form button[type=submit]")
    p_univ.wait_for_selector(".hit mark")
    assert "永磁电机降低重稀土用量" in p_univ.inner_text("#results")
    p_univ.click(".hit h3 a")
    p_univ.fill("textarea[name=note]", "我校有晶界扩散中试线，可许可使用。")
    p_univ.click("#express-interest")
    p_univ.wait_for_selector("#thread")

    # the enterprise answers in the negotiation
    p_firm.goto(base + "/mine/")
    p_firm.click("text=永磁电机降低重稀土用量 >> nth=-1")
    p_firm.wait_for_selector("#thread")
    p_firm.fill("#message-body", "可以，请报价。")
    p_firm.click("#send")
    p_firm.wait_for_selector("text=请报价")
    assert "洽谈中" in p_firm.inner_text("#interest-status")

    # the institution registers the contract from the negotiation
    p_univ.reload()
    form = "#contract-form"
    p_univ.fill(f"{form} input[name=number]", "2026150200000777")
    p_univ.select_option(f"{form} select[name=type]", "技术许可")
    p_univ.fill(f"{form} input[name=seller]", "内蒙古科技大学")
    p_univ.select_option(f"{form} select[name=seller_region]", "150200")
    p_univ.fill(f"{form} input[name=buyer]", "包头稀土永磁电机有限公司")
    p_univ.select_option(f"{form} select[name=buyer_region]", "150200")
    p_univ.fill(f"{form} input[name=amount]", "60")
    p_univ.fill(f"{form} input[name=tech_amount]", "55")
    p_univ.fill(f"{form} input[name=signed_on]", "2026-05-01")
    p_univ.fill(f"{form} input[name=registered_on]", "2026-05-10")
    p_univ.click("#register-contract")
    p_univ.wait_for_selector("#contracts")
    assert "2026150200000777" in p_univ.inner_text("#contracts")
    assert Contract.objects.get().demand == demand

    # it counts only after the operator's 认定登记 review
    assert Contract.objects.get().status == "submitted"
    p_dept.goto(base + "/contracts/")
    p_dept.click("#contracts button[value=approve]")
    p_dept.wait_for_selector("#contracts")
    assert Contract.objects.get().status == "registered"

    # the contract shows in Baotou's technology-market figures
    p_univ.goto(base + "/figures/")
    row = p_univ.inner_text("#turnover")
    assert "包头市" in row and "60.00" in row

"""Every outside role finishes its journey in Chromium, from signing up (the organisation's page,
the e-mail confirmation, the league bureau's approval) through the login page: an enterprise to
its policy results and the notice of a batch run, a broker to an attributed deal, a bank to the
white list, a bureau through an approval, its league's figures (a submission) and enterprises to
its league's measures and a 催办 that lands in the lead unit's inbox.

With STEPPE_SCREENS set to a folder (``make screens`` sets docs/screens), each step is also
photographed at desktop (1280 px) and phone (390 px) widths: <journey>-<n>-<step>-<width>.png.
"""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = os.environ.get("STEPPE_SCREENS", "")
WIDTHS = {"desktop": 1280, "phone": 390}
MAX_HEIGHT = 3600  # px: long pages are cut (the home page's measures run to 8,000 px on a phone)
PASSWORD = "pass-word-123"


def shoot(page, name: str) -> None:
    """Photograph the page at both widths (only when screens are asked for)."""
    if not SCREENS:
        return
    folder = Path(SCREENS)
    folder.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)  # reflow
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        path = folder / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
        _shrink(path)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def _shrink(path: Path) -> None:
    """256 colours are plenty for a page: the kept screens weigh a third as much."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _user(username, role, unit=None, region=None):
    from steppe.core.regions import regions_ensure
    from steppe.core.services import user_create

    regions_ensure()
    user, _, _ = user_create(username=username, role=role, unit=unit, region=region, password=PASSWORD)
    return user


def _platform():
    """The plan and the published statistics, as `make run` sets them up (the home page shows them)."""
    from steppe.core.regions import regions_ensure
    from steppe.plans.services import plan_load_builtin
    from steppe.stats.services import indicators_load, published_load

    regions_ensure()  # a transactional test before this one may have flushed them
    plan_load_builtin()
    indicators_load()
    published_load()


@pytest.fixture
def browse(browser):
    """A fresh browser (Chinese first), not signed in."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    yield make
    for c in contexts:
        c.close()


@pytest.fixture
def sign_in(browse, live_server):
    """A fresh browser signed in through the login page (by user, or by e-mail address)."""

    def make(user_or_email):
        page = browse()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", getattr(user_or_email, "username", user_or_email))
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_selector(".who")
        return page

    return make


def _credit_code(first17: str) -> str:
    from steppe.core.credit_code import credit_code_check_char

    return first17 + credit_code_check_char(first17)


def sign_up(page, live_server, *, kind, name, code, county, email, shots="", extra=None):
    """An organisation signs up on the page (``extra``: further fields of its kind, by name), then
    confirms its e-mail from the message it gets."""
    import re

    from django.core import mail

    page.goto(live_server.url + "/accounts/login/")
    page.click("main >> text=单位注册")
    page.wait_for_selector("select[name=kind]")
    page.select_option("select[name=kind]", kind)
    # the broker's fields are a service agency's only
    assert page.is_visible("input[name=certificate_no]") == (kind == "agency")
    page.fill("input[name=name]", name)
    page.fill("input[name=credit_code]", code)
    page.select_option("select[name=region]", county)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    for field, value in (extra or {}).items():
        page.fill(f"input[name={field}]", value)
    if shots:
        shoot(page, f"{shots}-signup")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/signup/done/")
    body = next(m.body for m in reversed(mail.outbox) if email in m.to)
    page.goto(live_server.url + re.search(r"/accounts/confirm/[^\s/]+/", body).group(0))
    page.wait_for_load_state()


def approve(page, live_server, name: str, shots: str = ""):
    """A league bureau (or the department) confirms a pending organisation from its queue."""
    page.goto(live_server.url + "/")
    page.click(".worklinks >> text=单位注册审核")
    if shots:
        shoot(page, f"{shots}-approval-queue")
    page.click(f"main table >> text={name}")
    page.click("button[name=action][value=approve]")
    page.wait_for_selector(".messages")


def test_an_enterprise_signs_up_and_reaches_its_policy_results(live_server, browse, sign_in):
    from steppe.core.models import Organisation
    from steppe.policy.models import Enterprise
    from steppe.policy.services import policy_run

    _platform()
    _user("e2e-baotou", "bureau", unit="包头市科学技术局", region="150200")
    code = _credit_code("91150203MA0E2E001")
    email = "finance@bt-rare-earth.example.cn"
    sign_up(browse(), live_server, kind="enterprise", name="包头稀土新材料有限公司", code=code, county="150203",
            email=email, shots="enterprise-1")  # fmt: skip
    approve(sign_in("e2e-baotou"), live_server, "包头稀土新材料有限公司", shots="enterprise-2")
    assert Organisation.objects.get(credit_code=code).status == "active"
    page = sign_in(email)
    assert "建立本企业的档案" in page.inner_text("#next-step")  # what to do first
    shoot(page, "enterprise-3-home")
    page.click("#next-step a")
    page.wait_for_selector("#open-file")
    assert page.input_value("#open-file input[name=credit_code]") == code  # the organisation's own
    page.select_option("#open-file select[name=region]", "150203")
    page.select_option("#open-file select[name=industry]", "C39")
    page.fill("#open-file input[name=registered_on]", "2019-03-01")
    shoot(page, "enterprise-4-open-file")
    page.click("#open-file-submit")
    page.wait_for_selector("#year-form")
    ent = Enterprise.objects.get(credit_code=code)
    assert ent.unit.credit_code == code
    # the enterprise enters its last three years
    for year, staff, tech, revenue, rd in ((2022, 80, 16, 3000, 120), (2023, 90, 18, 3500, 150), (2024, 100, 20, 4000, 180)):
        page.fill("#year-form input[name=year]", str(year))
        for name, value in (("employees", staff), ("tech_staff", tech), ("revenue", revenue), ("rd_expense", rd),
                            ("net_assets", revenue // 3), ("ip_class_ii", 3)):  # fmt: skip
            page.fill(f"#year-form input[name={name}]", str(value))
        page.click("#save-year")
        page.wait_for_selector(f"#years >> text={year}")
    shoot(page, "enterprise-5-file")
    # the calculator loads the file by itself and gives results with reasons and distance
    page.click("#to-calculator")
    page.wait_for_selector("#loaded")
    assert page.input_value("select[name=e_region]") == "150203"
    page.click("#calculate")
    page.wait_for_selector("#results")
    results = page.inner_text("#policy-results")
    assert "科技型中小企业" in results and "得分" in results
    assert "距离符合条件还差" in page.inner_text("main")
    shoot(page, "enterprise-6-results")
    # a batch run finds it newly qualifying and tells it so on its file
    policy_run(2024)
    page.goto(f"{live_server.url}/policy/enterprises/{ent.public_id}/")
    notices = page.inner_text("#notices")
    assert "新符合条件" in notices and "科技型中小企业" in notices
    shoot(page, "enterprise-7-notice")


def test_a_broker_signs_up_and_sees_the_deal_attributed_to_them(live_server, browse, sign_in):
    from steppe.transfer import services
    from steppe.transfer.models import Contract, Interest
    from steppe.transfer.search import reset_index

    reset_index()
    dept = _user("e2e-b-dept", "department", unit="自治区科技厅")
    univ = _user("e2e-b-univ", "institution", unit="内蒙古大学", region="150100")
    firm = _user("e2e-b-firm", "enterprise", unit="包头稀土永磁电机有限公司", region="150202")
    listing = services.listing_submit(actor=univ, kind="achievement", data={
        "title": "钕铁硼晶界扩散技术", "description": "降低重稀土用量的晶界扩散工艺，适用于永磁电机。",
        "field": "材料科学与工程", "region": "150100", "readiness": 6, "transfer_modes": "许可"})  # fmt: skip
    services.listing_review(actor=dept, listing=listing, decision="accept")
    services.listing_publish(actor=dept, listing=listing)
    services.interest_express(actor=firm, listing=listing, note="希望许可使用")
    interest = Interest.objects.get()

    email = "wang@mkj-transfer.example.cn"
    signup = browse()
    sign_up(signup, live_server, kind="agency", name="蒙科聚技术转移中心", code=_credit_code("52150100MJ0E2E002"),
            county="150102", email=email, shots="broker-1",
            extra={"broker_name": "王经纪", "certificate_no": "NMG-JJR-2026-018"})  # fmt: skip
    approve(sign_in(dept), live_server, "蒙科聚技术转移中心")
    page = sign_in(email)
    page.click(".worklinks >> text=我的撮合")
    page.wait_for_selector("#broker-contracts")  # the profile came with the sign-up: nothing to register
    assert "王经纪（NMG-JJR-2026-018）" in page.inner_text("main")
    shoot(page, "broker-2-profile")

    # the institution registers the contract and names the broker from the drop-down
    p_univ = sign_in(univ)
    p_univ.goto(f"{live_server.url}/transfer/interests/{interest.public_id}/")
    form = "#contract-form"
    p_univ.fill(f"{form} input[name=number]", "2026150100000918")
    p_univ.fill(f"{form} input[name=seller]", "内蒙古大学")
    p_univ.select_option(f"{form} select[name=seller_region]", "150100")
    p_univ.fill(f"{form} input[name=buyer]", "包头稀土永磁电机有限公司")
    p_univ.select_option(f"{form} select[name=buyer_region]", "150200")
    p_univ.fill(f"{form} input[name=amount]", "60")
    p_univ.fill(f"{form} input[name=signed_on]", "2026-05-01")
    assert p_univ.locator("#contract-broker option").count() == 2  # none, and the broker
    p_univ.select_option("#contract-broker", label="王经纪（NMG-JJR-2026-018）")
    p_univ.click("#register-contract")
    p_univ.wait_for_selector("#contracts")
    assert Contract.objects.get().broker.name == "王经纪"

    # the deal counts (and is credited) after the operator's 认定登记 review
    p_dept = sign_in(dept)
    p_dept.goto(f"{live_server.url}/transfer/contracts/")
    p_dept.click("#contracts button[value=approve]")
    p_dept.wait_for_selector("#contracts")
    assert Contract.objects.get().status == "registered"

    page.reload()
    assert "钕铁硼晶界扩散技术" in page.inner_text("#broker-contracts")
    shoot(page, "broker-3-deals")
    reset_index()


def test_an_institution_signs_up_publishes_sees_matches_and_signs_a_contract(live_server, browse, sign_in):
    """An institution: sign up → approved → 登记科技成果 → published → 我的成果与匹配 lists an
    enterprise's matching demand → interest → the contract, its parties' credit codes filled in from
    their organisations → the operator's 认定登记 → counted."""
    from steppe.core.models import Organisation
    from steppe.transfer import services
    from steppe.transfer.models import Achievement, Contract
    from steppe.transfer.search import reset_index

    reset_index()
    dept = _user("e2e-i-dept", "department", unit="自治区科技厅")
    firm = _user("e2e-i-firm", "enterprise", unit="包头稀土永磁电机有限公司", region="150202")
    firm_code = _credit_code("91150202MA0E2E005")
    Organisation.objects.filter(pk=firm.unit_id).update(credit_code=firm_code)
    demand = services.listing_submit(actor=firm, kind="demand", data={
        "title": "永磁电机降低重稀土用量", "description": "需要钕铁硼磁体晶界扩散技术，降低永磁电机中镝铽等重稀土用量。",
        "field": "材料科学与工程", "region": "150200", "budget": "80"})  # fmt: skip
    services.listing_review(actor=dept, listing=demand, decision="accept")
    services.listing_publish(actor=dept, listing=demand)

    email = "kjc@imut.example.cn"
    code = _credit_code("12150000460E2E006")
    sign_up(browse(), live_server, kind="institution", name="内蒙古工业大学", code=code, county="150102",
            email=email, shots="institution-1")  # fmt: skip
    approve(sign_in(dept), live_server, "内蒙古工业大学")
    page = sign_in(email)
    page.click(".worklinks >> text=登记科技成果")
    page.fill("input[name=title]", "钕铁硼磁体晶界扩散技术")
    page.fill("textarea[name=description]", "晶界扩散工艺降低钕铁硼磁体重稀土用量，适用于永磁电机，已有中试线。")
    page.fill("input[name=field]", "材料科学与工程")
    page.fill("input[name=readiness]", "6")
    shoot(page, "institution-2-achievement")
    page.click("#submit")
    page.wait_for_selector("#status")
    assert "待审核" in page.inner_text("#status")
    achievement = Achievement.objects.get()
    assert achievement.unit.credit_code == code  # the organisation's, not the person's
    services.listing_review(actor=dept, listing=achievement, decision="accept")
    services.listing_publish(actor=dept, listing=achievement)

    # its matches: the enterprise's demand
    page.goto(live_server.url + "/")
    page.click(".worklinks >> text=我的成果与匹配")
    page.wait_for_selector(".hits")
    assert "永磁电机降低重稀土用量" in page.inner_text(".hits")
    shoot(page, "institution-3-matches")
    page.click(".hits >> text=永磁电机降低重稀土用量")
    page.fill("textarea[name=note]", "我校有晶界扩散中试线，可许可使用。")
    page.click("#express-interest")
    page.wait_for_selector("#contract-form")

    # the contract: the institution sells, the enterprise buys; their credit codes come filled in
    form = "#contract-form"
    assert page.input_value(f"{form} input[name=seller_credit_code]") == code
    assert page.input_value(f"{form} input[name=buyer_credit_code]") == firm_code
    assert page.input_value(f"{form} input[name=buyer]") == "包头稀土永磁电机有限公司"
    page.fill(f"{form} input[name=number]", "2026150100000999")
    page.select_option(f"{form} select[name=type]", "技术许可")
    page.fill(f"{form} input[name=amount]", "60")
    page.fill(f"{form} input[name=signed_on]", "2026-05-01")
    page.fill(f"{form} input[name=buyer_credit_code]", firm_code[:-1] + ("0" if firm_code[-1] != "0" else "1"))
    page.click("#register-contract")
    page.wait_for_selector("#contract-errors")  # a mistyped code: named beside its field, nothing kept
    assert "校验码不符" in page.inner_text(f"{form} label:has(input[name=buyer_credit_code])")
    assert page.input_value(f"{form} input[name=number]") == "2026150100000999"
    assert not Contract.objects.exists()
    page.fill(f"{form} input[name=buyer_credit_code]", firm_code)
    shoot(page, "institution-4-contract")
    page.click("#register-contract")
    page.wait_for_selector("#contracts")
    c = Contract.objects.get()
    assert (c.seller_credit_code, c.buyer_credit_code, c.status) == (code, firm_code, "submitted")

    p_dept = sign_in(dept)
    p_dept.goto(f"{live_server.url}/transfer/contracts/")
    p_dept.click("#contracts button[value=approve]")
    p_dept.wait_for_selector("#contracts")
    page.reload()
    assert "2026150100000999" in page.inner_text("#contracts")
    assert Contract.objects.get().status == "registered"
    shoot(page, "institution-5-contracts")
    reset_index()


def test_a_bank_signs_up_and_reads_the_white_list(live_server, browse, sign_in):
    from steppe.policy import innovation
    from steppe.policy.models import InnovationModel
    from steppe.policy.services import enterprises_generate, policy_run

    dept = _user("e2e-k-dept", "department", unit="自治区科技厅")
    enterprises_generate(200, year=2024, seed=11)
    InnovationModel.objects.create(name="e2e", weights=dict(innovation.DEFAULT_WEIGHTS), white_list_threshold=55,
                                   active=True)  # fmt: skip
    policy_run(2024)
    email = "credit@bank-nmg.example.cn"
    sign_up(browse(), live_server, kind="bank", name="某银行内蒙古分行", code=_credit_code("91150100MA0E2E003"),
            county="150102", email=email, shots="bank-1")  # fmt: skip
    approve(sign_in(dept), live_server, "某银行内蒙古分行")
    page = sign_in(email)
    page.click(".worklinks >> text=创新积分白名单")
    page.wait_for_selector("#white-list")
    total = page.locator("#white-list tbody tr").count()
    assert total > 1
    shoot(page, "bank-2-white-list")
    page.select_option("select[name=league]", "150200")
    page.click("#white-list-filters button[type=submit]")
    page.wait_for_selector("#white-list")
    rows = page.locator("#white-list tbody tr")
    assert 0 < rows.count() < total
    page.click("#white-list tbody tr >> nth=0 >> a")
    page.wait_for_selector("#score-parts")
    assert "研发投入强度" in page.inner_text("#score-parts")
    shoot(page, "bank-3-detail")
    page.go_back()
    with page.expect_download() as dl:
        page.click("#export-csv")
    assert dl.value.suggested_filename == "white-list.csv"


def test_a_bureau_approves_imports_and_chases_its_leagues_measures(live_server, browse, sign_in, tmp_path):
    """The bureau of 包头: approves a sign-up of its league, submits its league's figures from a file,
    sees its league's figures and enterprises, then its league's measures, and chases a late one: the
    催办 lands in the lead unit's inbox."""
    from steppe.core.models import Notification, Organisation
    from steppe.policy.services import enterprises_generate
    from steppe.stats.models import Import

    bureau = _user("e2e-bureau", "bureau", unit="包头市科学技术局", region="150200")
    lead = _user("e2e-leagues", "lead_unit", unit="各盟市人民政府")
    _platform()
    enterprises_generate(100, year=2024, seed=5)
    sign_up(browse(), live_server, kind="institution", name="包头职业技术学院", code=_credit_code("12150200MB0E2E004"),
            county="150203", email="office@btvc.example.cn")  # fmt: skip
    page = sign_in(bureau)
    shoot(page, "bureau-1-home")
    approve(page, live_server, "包头职业技术学院", shots="bureau-2")
    assert Organisation.objects.get(name="包头职业技术学院").status == "active"

    # its league's figures, from a file, into review
    figures = tmp_path / "baotou-2025.csv"
    figures.write_text("region,indicator,year,value,unit,source_title\n包头市,gdp,2025,4200,亿元,包头市统计公报\n",
                       encoding="utf-8")  # fmt: skip
    page.goto(live_server.url + "/")
    page.click(".worklinks >> text=报送统计数据")
    page.set_input_files("#submit-form input[name=file]", str(figures))
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "等待审核" in page.inner_text(".messages")
    sub = Import.objects.get(file_name="baotou-2025.csv")
    assert sub.status == "submitted" and sub.region.code == "150200"
    assert "baotou-2025.csv" in page.inner_text("#submissions")
    shoot(page, "bureau-3-submission")

    page.goto(live_server.url + "/")
    page.click(".worklinks >> text=本盟市指标")
    page.wait_for_load_state()
    assert "包头市" in page.inner_text("main h1")
    shoot(page, "bureau-4-league-figures")
    page.goto(live_server.url + "/")
    page.click(".worklinks >> text=本盟市企业")
    page.wait_for_load_state()
    assert "企业档案" in page.inner_text("main")
    shoot(page, "bureau-5-league-enterprises")

    # its league's measures, their reports, and a chase of a late one led by 各盟市人民政府
    page.goto(live_server.url + "/")
    page.click(".worklinks >> text=本盟市举措")
    page.wait_for_selector("#league-measures")
    row = page.locator("#league-measures tr[data-measure='A6-08']")
    assert row.get_attribute("data-status") == "late"
    assert "各盟市人民政府" in row.inner_text()
    shoot(page, "bureau-6-league-measures")
    row.locator("input[name=note]").fill("请本周内报送进展")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert "已向 A6-08" in page.inner_text(".messages")
    urge = Notification.objects.get(kind="urge", recipient=lead)
    assert "A6-08" in urge.title and "请本周内报送进展" in urge.body
    # the lead unit finds it in its inbox
    p_lead = sign_in(lead)
    p_lead.goto(live_server.url + "/supervision/inbox/")
    assert "催办：举措 A6-08" in p_lead.inner_text("main")
    shoot(p_lead, "bureau-7-lead-unit-inbox")

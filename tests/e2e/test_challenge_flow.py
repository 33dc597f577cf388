"""揭榜挂帅 in a browser: a challenge from publication to final acceptance, each persona in its own session."""

from datetime import timedelta

import pytest
from django.utils import timezone

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

    contexts = []

    def make(user=None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            host = live_server.url.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "domain": host,
                        "path": "/",
                    }
                ]
            )
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for c in contexts:
        c.close()


def test_a_challenge_from_publication_to_final_acceptance(live_server, session_for):
    from steppe.challenges.models import Challenge, Commitment

    dept = _user("e2e-dept", "department", unit="自治区科技厅")
    firm = _user("e2e-firm", "enterprise", unit="包头稀土研究院有限公司", region="150202")
    expert = _user("e2e-expert", "expert")
    conflicted = _user("e2e-expert2", "expert")
    url = live_server.url + "/supervision"

    # the department drafts and publishes a challenge
    d = session_for(dept)
    d.goto(url + "/challenges/new/")
    d.fill("#f-title", "高纯稀土金属规模化制备")
    d.fill("#f-problem", "突破 99.99% 以上高纯稀土金属的规模化制备技术")
    d.fill("#f-budget", "800")
    d.fill("#f-deadline", str(timezone.localdate() + timedelta(days=30)))
    d.fill("#f-t1-name", "产品纯度")
    d.fill("#f-t1-value", "99.99")
    d.fill("#f-t1-unit", "%")
    d.click("#challenge-form button[type=submit]")
    d.wait_for_selector("#publish")
    code = Challenge.objects.get().code
    assert "草稿" in d.inner_text("#challenge-state")
    d.fill("#f-publish-note", "经厅务会研究发布")
    d.click("#publish")
    d.wait_for_selector("#start-review")
    assert "张榜中" in d.inner_text("#challenge-state")

    # the public sees it in the list
    p = session_for(None)
    p.goto(url + "/challenges/")
    assert code in p.inner_text("#challenges") and "张榜中" in p.inner_text("#challenges")

    # an eligible enterprise applies
    f = session_for(firm)
    f.goto(f"{url}/challenges/{code}/")
    assert "✘" not in f.inner_text("#eligibility")
    f.fill("#f-proposal", "真空蒸馏与区域熔炼联用，分两阶段攻关")
    f.fill("#f-req", "500")
    f.click("#submit-application")
    f.wait_for_selector("#applications")
    assert "包头稀土研究院有限公司" in f.inner_text("#applications")

    # the department assigns two experts and closes the applications
    d.goto(f"{url}/challenges/{code}/")
    d.select_option("#f-experts", ["e2e-expert", "e2e-expert2"])
    d.click("#assign-experts")
    d.wait_for_selector("#start-review")
    d.click("#start-review")
    d.wait_for_selector("#select-form")
    assert "评审中" in d.inner_text("#challenge-state")

    # an expert with a conflict cannot score; the other scores
    e2 = session_for(conflicted)
    e2.goto(f"{url}/challenges/{code}/")
    form = e2.locator(".review-form").first
    form.locator(".conflict").check()
    form.locator(".score").fill("95")
    form.locator("button").click()
    e2.wait_for_selector(".messages")
    assert "不能评分" in e2.inner_text(".messages")
    form = e2.locator(".review-form").first
    # the refused page keeps what was typed: the expert takes the score back and gives the reason
    assert form.locator(".score").input_value() == "95" and form.locator(".conflict").is_checked()
    form.locator(".score").fill("")
    form.locator("input[name=conflict_note]").fill("曾任该单位顾问")
    form.locator("button").click()
    e2.wait_for_selector("text=评审意见已提交")
    e = session_for(expert)
    e.goto(f"{url}/challenges/{code}/")
    form = e.locator(".review-form").first
    form.locator(".score").fill("88")
    form.locator("input[name=comment]").fill("技术路线可行")
    form.locator("button").click()
    e.wait_for_selector("text=88")

    # the department selects the team, with the reason
    d.goto(f"{url}/challenges/{code}/")
    assert "1 位回避" in d.inner_text("#select-form")
    d.check("#select-form input[name=applications]")
    d.fill("#f-select-note", "专家评分第一，方案可行")
    d.click("#select")
    d.wait_for_selector("#applications a:has-text('军令状')")
    assert "攻关中" in d.inner_text("#challenge-state")
    commitment = Commitment.objects.get()

    # the department sets milestones and tranches; the team signs (first tranche released)
    d.goto(f"{url}/commitments/{commitment.pk}/")
    d.fill("#f-ms", "2027-06-30 中试线建成\n2027-12-31 产品通过第三方检测")
    d.fill("#f-tr", "200, 150, 150")
    d.click("#define")
    d.wait_for_selector("#commitment-milestones tr[data-state=pending]")
    f.goto(f"{url}/commitments/{commitment.pk}/")
    f.click("#sign")
    f.wait_for_selector("#submit-ms-1")
    assert "执行中" in f.inner_text("#commitment-state") and f.inner_text("#released") == "200.00"

    # each milestone: the team submits evidence, the department accepts and the next tranche is released
    for seq, evidence, released in (
        (1, "中试线验收报告", "350.00"),
        (2, "第三方检测报告：纯度 99.995%", "500.00"),
    ):
        f.goto(f"{url}/commitments/{commitment.pk}/")
        f.fill(f"#f-evidence-{seq}", evidence)
        f.click(f"#submit-ms-{seq}")
        f.wait_for_selector(".messages")
        d.goto(f"{url}/commitments/{commitment.pk}/")
        d.fill(f"#f-decision-{seq}", "现场核验通过")
        d.click(f"#accept-ms-{seq}")
        d.wait_for_selector(".messages")
        assert d.inner_text("#released") == released

    # final acceptance checks the challenge's target
    d.fill("#f-ach-t1", "99.995")
    d.fill("#f-final-note", "专家组验收通过")
    d.click("#final")
    d.wait_for_selector("#final-checks")
    assert "已通过验收" in d.inner_text("#commitment-state")
    assert "✔" in d.inner_text("#final-checks")

    p.goto(url + "/challenges/")
    assert "已验收" in p.inner_text("#challenges")
    d.goto(f"{url}/challenges/{code}/")
    decisions = d.inner_text("#decisions")
    for action in ("challenge.publish", "challenge.select", "challenge.close"):
        assert action in decisions
    assert "专家评分第一" in decisions

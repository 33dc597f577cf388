"""A league bureau in a progress round, in a browser: it sees its league's measures with their types,
reports a recurring measure (A3-09 定期发布场景清单, which names every league) for the current period,
and the department sees that report on the round and on the measure's periods; in Chinese and English."""

from datetime import timedelta

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session_for(browser, live_server):
    from django.test import Client

    contexts = []

    def make(user, language="zh-hans"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        client = Client()
        client.force_login(user)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies([
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"},
            {"name": "django_language", "value": language, "domain": host, "path": "/"},
        ])
        page = context.new_page()
        page.set_default_timeout(60000)  # two cores shared by many
        return page

    yield make
    for c in contexts:
        c.close()


def _current_period(today):
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def test_a_league_bureau_reports_a_recurring_measure_and_the_department_sees_it(live_server, session_for):
    from django.utils import timezone

    from steppe.core.regions import regions_ensure
    from steppe.core.services import user_create
    from steppe.plans.services import plan_load_builtin

    regions_ensure()
    plan_load_builtin()
    dept, _, _ = user_create(username="e2e-sup-dept", role="department", unit="自治区科技厅", password="pass-word-123")
    bureau, _, _ = user_create(username="e2e-sup-baotou", role="bureau", unit="包头市科学技术局", region="150200",
                               password="pass-word-123")
    base = live_server.url
    today = timezone.localdate()
    period = _current_period(today)

    # the department opens the round of the current period
    page = session_for(dept)
    page.goto(base + "/supervision/rounds/")
    page.fill("#f-period", period)
    page.fill("#f-due", (today + timedelta(days=20)).isoformat())
    page.locator("#round-form button[type=submit]").click()
    page.wait_for_url(f"**/supervision/rounds/{period}/")

    # the league's bureau sees its league's measures with their types, and its forms
    page = session_for(bureau)
    page.goto(base + "/supervision/todo/")
    measures = page.locator("#my-measures")
    assert "包头市的举措" in page.locator("main, body").first.inner_text()
    a309 = measures.locator('tr[data-measure="A3-09"]')
    assert "常态化工作" in a309.inner_text() and "每轮调度" in a309.inner_text()
    assert "建设清单" in measures.inner_text()  # e.g. A1-03, the rare-earth laboratory in 包头
    assert measures.locator('tr[data-measure="A3-08"]').count() == 0  # 鄂尔多斯's, not 包头's
    page.locator("#todo-reports tr", has_text="A3-09").get_by_role("link", name="填报").click()
    page.select_option("#f-status", "in_progress")
    page.fill("#f-progress", "50")
    page.fill("#f-done", "包头市本季度发布应用场景清单 12 项")
    page.locator("#report-form button[value=submit]").click()
    page.wait_for_url("**/supervision/todo/")
    assert page.locator("#todo-reports tr", has_text="A3-09").count() == 0

    # in English, the bureau's list says the same
    page = session_for(bureau, "en")
    page.goto(base + "/supervision/todo/")
    row = page.locator('#my-measures tr[data-measure="A3-09"]').inner_text()
    assert "Recurring work" in row and "Each progress round" in row and "常态化工作" not in row

    # the department sees it: the round's recurring measures, and the measure's periods
    page = session_for(dept)
    page.goto(base + f"/supervision/rounds/{period}/")
    row = page.locator('#recurring tr[data-measure="A3-09"]')
    assert period in row.inner_text() and "1/2" in row.inner_text()  # 包头 in, the lead unit not yet
    assert row.get_attribute("data-state") == "open"
    assert "自治区科技厅" in row.inner_text()  # who has not reported
    page.goto(base + "/supervision/measures/A3-09/")
    assert "包头市本季度发布应用场景清单 12 项" in page.locator("#reports").inner_text()
    assert "包头市科学技术局" in page.locator("#reports").inner_text()
    assert page.locator(f'#periods tr[data-period="{period}"]').get_attribute("data-state") == "open"
    page = session_for(dept, "en")
    page.goto(base + f"/supervision/rounds/{period}/")
    assert "Recurring work: this period's reports" in page.content()
    assert "Due this period" in page.locator('#recurring tr[data-measure="A3-09"]').inner_text()

"""旗县报 → 盟市审 → 自治区核 in a browser: one county figure from the county bureau, through its league's
bureau, to the department, and into the monitoring pages (not shown there before acceptance)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = "region,indicator,year,value,unit,source_title\n150202,rd_expenditure,2023,12.34,亿元,东河区统计局 2023 年科技经费统计\n"


def _user(username, role, unit=None, region=None):
    from steppe.core.regions import regions_ensure
    from steppe.core.services import user_create

    regions_ensure()
    user, _, _ = user_create(username=username, role=role, unit=unit, region=region, password="pass-word-123")
    return user


@pytest.fixture
def session_for(browser, live_server):
    from django.test import Client

    contexts = []

    def make(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        client = Client()
        client.force_login(user)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                              "path": "/"}])
        page = context.new_page()
        page.set_default_timeout(60000)  # two cores shared by many: pages that compute attainment are slow
        return page

    yield make
    for c in contexts:
        c.close()


def test_a_county_figure_travels_from_the_county_to_the_dashboard(live_server, session_for):
    from steppe.stats.services import indicators_load

    indicators_load()
    county = _user("e2e-donghe", "bureau", unit="东河区科学技术局", region="150202")
    league = _user("e2e-baotou", "bureau", unit="包头市科学技术局", region="150200")
    dept = _user("e2e-dept", "department", unit="自治区科技厅")
    base = live_server.url

    # the county bureau finds the page from its home links and submits its file
    page = session_for(county)
    page.goto(base + "/")
    page.get_by_role("link", name="报送统计数据").first.click()
    page.set_input_files("#submit-form input[name=file]",
                         files=[{"name": "donghe.csv", "mimeType": "text/csv", "buffer": CSV.encode()}])
    page.locator("#submit-form button[type=submit]").click()
    row = page.locator("#submissions tbody tr").first
    assert "已报送待审核" in row.inner_text()

    # not counted yet: the county's page shows no such figure
    page.goto(base + "/monitoring/regions/150202/")
    assert "12.34" not in page.content()

    # the league bureau sees it on its home and accepts it with a comment
    page = session_for(league)
    page.goto(base + "/monitoring/bureau/")
    assert "待本盟市审核" in page.locator("#owed").inner_text()
    page.goto(base + "/monitoring/submissions/")
    row = page.locator("#submissions tbody tr").first
    row.locator("input[name=comment]").fill("与旗县统计局核对无误")
    row.get_by_role("button", name="审核通过").click()
    assert "盟市已审核待自治区核定" in page.locator("#submissions tbody tr").first.inner_text()

    # the department accepts it
    page = session_for(dept)
    page.goto(base + "/monitoring/submissions/")
    row = page.locator("#submissions tbody tr").first
    assert "与旗县统计局核对无误" in row.inner_text()
    row.get_by_role("button", name="审核通过").click()
    assert "已核定" in page.locator("#submissions tbody tr").first.inner_text()

    # and the figure is in the monitoring pages, traced to its source
    page.goto(base + "/monitoring/regions/150202/")
    body = page.content()
    assert "12.34" in body and "东河区统计局 2023 年科技经费统计" in body

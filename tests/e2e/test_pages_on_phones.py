"""The pages a league bureau works in fit a phone (390 px), in Chinese and in English: nothing in
the page or its top bar sticks out past the screen unless it sits in a box that scrolls sideways (stacked tables,
long Chinese titles, the calculator's JSON box), and a table's "nothing yet" row carries no column
label."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/monitoring/cascade/", "/monitoring/submissions/", "/monitoring/bureau/", "/supervision/league/",
         "/registers/", "/evaluation/", "/policy/"]  # fmt: skip

STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('header *, main *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, scrolls = false;
    while (p) { if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) { scrolls = true; break; } p = p.parentElement; }
    if (!scrolls) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.textContent.trim().slice(0, 30)} → ${Math.round(r.right)}px`);
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def bureau_page(browser, live_server):
    from django.test import Client

    from steppe.core.regions import regions_ensure
    from steppe.core.services import user_create
    from steppe.plans.services import plan_load_builtin
    from steppe.stats.services import indicators_load, published_load

    regions_ensure()
    plan_load_builtin()
    indicators_load()
    published_load()
    # named by a long e-mail address, as a self-signed-up account is (it pushed 退出 off the screen)
    user, _, _ = user_create(username="science-office@baotou-bureau.example.cn", role="bureau", unit="包头市科学技术局", region="150200",
                             password="pass-word-123")  # fmt: skip
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bureaus_pages_fit_a_phone(bureau_page, live_server, language):
    page = bureau_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state()
        assert page.evaluate(STICKING_OUT) == [], f"{path} ({language}) is wider than a phone"


def test_a_tables_nothing_yet_row_has_no_column_label(bureau_page, live_server):
    page = bureau_page
    page.goto(live_server.url + "/monitoring/submissions/")
    cell = page.locator("#submissions tbody td[colspan]")
    assert "暂无报送" in cell.inner_text()
    assert cell.get_attribute("data-label") is None  # it read "编号：暂无报送。"
    # while a real row's cells are labelled by their columns
    page.goto(live_server.url + "/supervision/league/")
    first = page.locator("#league-measures tbody tr >> nth=0 >> td >> nth=2")
    assert first.get_attribute("data-label") == "举措"

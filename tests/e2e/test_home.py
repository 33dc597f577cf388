import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_home_page_shows_the_targets_in_a_browser(live_server, page, plan):
    page.goto(live_server.url + "/")
    cards = page.locator("#targets .target")
    assert cards.count() == plan.targets.count()
    assert "研发投入强度" in page.locator("#targets").inner_text()
    assert page.locator("#actions .action").count() == 8
    page.click("text=English")
    assert page.locator("html").get_attribute("lang") == "en"

"""The public pages in English carry no Chinese left over: the plan's actions and measures by their
English titles (the plan file's title_en), the targets' statements, the plan's issuers and headings,
and the policy calculator's industries by their English names."""

import html
import re

import pytest
from django.utils.html import escape

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
LANGUAGE_SWITCH = "中文"  # the switch back to Chinese is written in Chinese on purpose


def visible_text(page: str) -> str:
    """The page's text, without the folded quotes of the plan's original Chinese wording (原文, shown
    as written on purpose)."""
    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    page = re.sub(r"<details><summary>[^<]*</summary><blockquote>[^<]*</blockquote></details>", "", page)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def chinese_left(page: str) -> list[str]:
    lines = (line.strip() for line in visible_text(page).split("\n"))
    return [line for line in lines if CJK.search(line) and line != LANGUAGE_SWITCH]


@pytest.fixture
def published(plan):
    from steppe.stats.services import indicators_load, published_load

    indicators_load()
    published_load()
    return plan


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_home_and_plan_pages_have_no_chinese_left_in_english(english, published):
    for url in ("/", "/plan/", "/plans/", f"/plans/{published.code}/"):
        r = english.get(url)
        assert r.status_code == 200, url
        assert chinese_left(r.content.decode()) == [], url
    page = english.get("/plan/").content.decode()
    assert "Targets (14)" in page and "Key tasks (8 actions)" in page
    assert "37.5 billion yuan" in page  # T3's goal, as on the home page (was 375 亿元)
    assert "Ministry of Science and Technology" in page
    assert "(1) Action to raise major innovation platforms" in page
    assert "Build a national supercomputing center" in page


def test_the_chinese_plan_page_keeps_its_chinese_titles(client, published):
    page = client.get("/plan/").content.decode()
    assert "（1）重大创新平台能级提升行动" in page and "建设国家超算中心" in page
    assert "主要目标（14）" in page and "Build a national supercomputing center" not in page


def test_every_action_page_shows_its_measures_by_their_english_titles(english, published):
    for action in published.actions.all():
        page = english.get(f"/plans/{published.code}/actions/{action.code}/").content.decode()
        assert action.title_en and escape(action.title_en) in page
        for m in action.measures.all():
            assert m.title_en and escape(m.title_en) in page, m.code
            assert f"<strong>{m.title}</strong>" not in page, m.code


def test_the_supervision_measure_page_shows_the_english_title(english, published, make_user):
    english.force_login(make_user("dept-en", "department", "自治区科技厅"))
    page = english.get("/supervision/measures/A1-13/").content.decode()
    assert "Build a national supercomputing center" in page and "建设国家超算中心" not in page


def test_the_calculator_names_industries_in_the_pages_language(client, english, published):
    page = english.get("/policy/").content.decode()
    assert ">C39 Manufacture of computers, communication and other electronic equipment<" in page
    assert not re.search(r"<option[^>]*>[A-T]\d\d [^<]*[\u4e00-\u9fff]", page)  # no Chinese industry left
    client.cookies["django_language"] = "zh-hans"
    assert ">C39 计算机、通信和其他电子设备制造业<" in client.get("/policy/").content.decode()

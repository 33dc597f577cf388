"""The home page says what the platform is, that the plan period has ended and where its final
assessment stands, and each target card carries its latest value and status."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(plan):
    from steppe.stats.services import indicators_load, published_load

    indicators_load()
    published_load()
    return plan


def test_the_home_page_says_what_it_is_and_where_the_final_assessment_stands(client, published):
    page = client.get("/").content.decode()
    assert 'id="tagline"' in page and "科技赋能平台" in page
    box = re.search(r'id="assessment">(.*?)</section>', page, re.S).group(1)
    assert "规划期 2023—2025 年已经结束" in box
    quantified = published.targets.exclude(kind="qualitative").count()
    counts = [int(n) for n in re.findall(r'class="status status-\w+">[^<]*?(\d+)</span>', box)]
    assert sum(counts) == quantified  # every quantified target is in the tally once


def test_each_target_card_shows_its_latest_value_and_status(client, published):
    page = client.get("/").content.decode()
    cards = re.findall(r'<article class="card target"(.*?)</article>', page, re.S)
    assert len(cards) == published.targets.count()
    assert all('class="progress-line"' in c for c in cards)
    t6 = next(c for c in cards if 'data-code="T6"' in c)
    assert "已实现" in t6 and re.search(r"最新 [\d,]+家（\d{4} 年）", t6)


def test_the_site_has_one_name(client, published):
    page = client.get("/").content.decode()
    assert page.count("科技赋能平台") >= 3  # title, brand, footer
    assert "科技赋能监测平台" not in page and "开源科技规划实施平台" not in page


def test_in_english_the_plan_and_targets_read_in_english(client, published):
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert "Inner Mongolia Plan for Empowering" in page and "R&amp;D intensity" in page
    assert "The plan period 2023–2025 has ended" in page
    assert "×100 million yuan" not in page and "billion yuan" in page
    assert "37.5 billion yuan" in page and "375 亿元" not in page  # the T3 card's goal
    assert "Inner Mongolia Autonomous Region" in page

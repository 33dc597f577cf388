"""The monitoring pages follow the English switch: every text in their templates goes through the
catalog (src/steppe/stats/locale/en), labels built in code are in it too, indicator and region names
use their English names, status rules come in English, the dashboard's caches keep the two languages
apart, and the Chinese pages stay Chinese. The target monitoring report (report.html) stays Chinese."""

import re
from pathlib import Path

import pytest
from django.utils import timezone, translation

import steppe.stats
from steppe.stats import i18n, queries, views
from steppe.stats.attainment import STATUS_LABELS, STATUS_RULES

APP = Path(steppe.stats.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PAGES = [
    "/monitoring/",
    "/monitoring/scorecard/",
    "/monitoring/indicators/",
    "/monitoring/indicators/rd_intensity/",
    "/monitoring/indicators/rd_intensity/?history=150000:2021",
    "/monitoring/regions/150200/",
]


PAGE_TEMPLATES = sorted(p for p in (APP / "templates").rglob("*.html") if p.name != "report.html")


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP, at_least=151) == []
    with translation.override("en"):
        assert translation.gettext("目标监测") == "Monitoring"  # the site-wide catalog's word
        assert translation.gettext("计分卡 · 盟市 × 目标") == "Scorecard · Leagues × Targets"
        assert translation.gettext("亿元") == "×100 million yuan"


@pytest.mark.django_db
def test_every_label_that_arrives_as_data_is_translated(plan):
    labels = list(views.KIND_LABELS.values()) + list(queries.PLATFORM_LABELS.values())
    labels += list(plan.targets.values_list("name", flat=True))
    labels += ["正式", "初步", "修订", "计算值", "统计值"]
    missing = [label for label in labels if label not in i18n.LABELS]
    assert not missing, f"add to steppe/stats/i18n.py: {missing}"
    with translation.override("en"):
        untranslated = [label for label in labels if translation.gettext(label) == label]
        assert not untranslated, f"not in the English catalog: {untranslated[:5]}"
        assert i18n.pick(STATUS_LABELS["on_track"]) == "On track"
        assert views.fmt_local(1234.5, "亿元") == "123.45 billion yuan"  # not "1,234 ×100 million yuan"
        assert views.fmt_local(251.3, "亿元") == "25.13 billion yuan"
        assert views.fmt_local(3, "rank") == "No. 3"
    with translation.override("zh-hans"):
        assert i18n.pick(STATUS_LABELS["on_track"]) == "进展顺利"
        assert views.fmt_local(1234.5, "亿元") == "1,234亿元"


@pytest.fixture
def loaded(plan, published):
    return plan


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _page_text(html: str) -> str:
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_dashboard_reads_in_english_and_stays_chinese_by_default(client, loaded):
    zh = client.get("/monitoring/").content.decode()
    assert "目标监测" in zh and "状态怎么判定" in zh and "研发投入强度" in zh
    assert "How the status is decided" not in zh and "<h1>Monitoring" not in zh
    en = _english(client).get("/monitoring/").content.decode()
    assert "<h1>Monitoring · " in en and "How the status is decided" in en
    assert "状态怎么判定" not in en and "目标监测" not in _page_text(en).replace("目标监测报告", "")
    assert "R&amp;D intensity" in en and "Inner Mongolia" in en
    for s in STATUS_RULES.values():  # the legend's rules, in English
        assert s[1] in en or s[1].replace("'", "&#x27;") in en
    assert "Target: " in en and "Average annual growth" in en
    assert queries.PREFERENCE_RULE_EN in en and queries.PREFERENCE_RULE not in en


def test_the_dashboard_caches_keep_the_languages_apart(client, loaded):
    """The body and the whole page are cached per data version: the language is part of the key, so
    whichever language comes first, the other never gets its page."""
    en_first = _english(client).get("/monitoring/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    zh_then = client.get("/monitoring/").content.decode()
    assert "How the status is decided" in en_first and "状态怎么判定" not in en_first
    assert "状态怎么判定" in zh_then and "How the status is decided" not in zh_then
    again = _english(client).get("/monitoring/").content.decode()
    assert "How the status is decided" in again and "状态怎么判定" not in again
    # one cached body per language, in the cache every worker shares
    from django.core.cache import cache

    from steppe.stats import cache as stats_cache

    stamp = queries.dashboard_platform_figures()["stamp"]
    as_of = timezone.localdate().year
    bodies = {lang: cache.get(stats_cache.key("body", loaded.pk, as_of, stamp, lang)) for lang in ("en", "zh-hans")}
    assert "How the status is decided" in bodies["en"] and "状态怎么判定" in bodies["zh-hans"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_reads_in_english(client, loaded, url):
    r = _english(client).get(url)
    assert r.status_code == 200, url
    text = _page_text(r.content.decode())
    for word in ("导出", "来源:", "计分卡", "指标字典与数据", "暂无数据", "年份", "盟市比较"):
        assert word not in text, f"{url}: {word} left in Chinese"


def test_indicator_and_region_pages_use_english_names_and_chart_labels(client, loaded):
    en = _english(client).get("/monitoring/indicators/rd_intensity/").content.decode()
    assert "R&amp;D intensity" in en and "Leagues compared" in en and "Baotou" in en
    assert '"title": "Year"' in en or '\\"title\\": \\"Year\\"' in en or "Year" in en
    assert "12 leagues (latest year)" in en and "Latest value by league" in en
    assert "各盟市最新值" not in en and "年份" not in _page_text(en)
    region = client.get("/monitoring/regions/150200/").content.decode()
    assert "Baotou" in region and "All indicators" in region and "全部指标" not in region
    card = client.get("/monitoring/scorecard/").content.decode()
    assert "Scorecard · Leagues × Targets" in card and "R&amp;D intensity" in card
    assert "Hohhot" in card and "呼和浩特市" not in _page_text(card)


def _with_specs_decoded(html: str) -> str:
    """The page with its chart specs read back (json_script writes non-ASCII as \\u escapes)."""
    import json
    import re

    specs = re.findall(r'<script id="[^"]+-spec" type="application/json">(.*?)</script>', html, re.S)
    return html + "".join(json.dumps(json.loads(s), ensure_ascii=False) for s in specs)


def test_chinese_charts_keep_their_chinese_labels(client, loaded):
    zh = _with_specs_decoded(client.get("/monitoring/indicators/rd_intensity/").content.decode())
    assert "各盟市最新值 · 研发投入强度" in zh and "12个盟市 · 研发投入强度(最新年份)" in zh
    assert "年份" in zh and "Leagues compared" not in zh


def test_the_report_stays_chinese_under_english(client, loaded):
    r = _english(client).get("/monitoring/report.html?as_of=2025")
    assert r.status_code == 200
    assert "目标监测报告" in r.content.decode()


def test_choice_reasons_sources_and_units_read_in_english():
    derived = queries.DERIVED_NOTE + " a = b / c"
    with translation.override("en"):
        assert i18n.reason_text("取修订值(修订 > 正式 > 初步)") == (
            "the revised value is used (revised > final > preliminary)"
        )
        assert i18n.reason_text("状态相同,取发布日期最新的来源(2024-09-30发布)") == (
            "same status: the most recently published source is used (published 2024-09-30)"
        )
        assert i18n.source_text(derived).startswith("Computed: the statistics bureau has not published")
        assert i18n.source_text(derived).endswith(" a = b / c")
    with translation.override("zh-hans"):
        assert i18n.reason_text("取修订值(修订 > 正式 > 初步)") == "取修订值(修订 > 正式 > 初步)"
        assert i18n.source_text(derived) == derived


def test_the_status_rules_in_english_name_units_in_english(client, loaded):
    en = _english(client).get("/monitoring/").content.decode()
    assert "billion yuan" in en and "×100 million yuan" not in en
    rules = re.findall(r'<p class="rule">(.*?)</p>', en, flags=re.S)
    assert rules and not [r for r in rules if CJK.search(r) and "Qualitative" not in r]


def test_units_read_as_headings_or_after_a_figure():
    from steppe.stats.templatetags.stats_fmt import unit, unit_after

    with translation.override("en"):
        assert unit("亿元") == "100 million yuan" and unit_after("亿元") == "×100 million yuan"
        assert unit("家") == "enterprises" and unit("%") == "%"
    with translation.override("zh-hans"):
        assert unit("亿元") == "亿元" and unit_after("家") == "家"

"""The policy pages follow the English switch: every text in the templates goes through the catalog
(src/steppe/policy/locale/en), labels that arrive as data (model choices, conditions, routes,
innovation indicators, form fields) are in it too, the catalog is complete and compiled, and the
Chinese pages stay Chinese."""

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

import steppe.policy
from steppe.core.registry import notification_kinds
from steppe.policy import i18n_labels, innovation
from steppe.policy.forms import ENTERPRISE_FIELDS as CALC_ENTERPRISE_FIELDS
from steppe.policy.forms import YEAR_FIELDS as CALC_YEAR_FIELDS
from steppe.policy.models import ComplianceEvent, PolicyRun
from steppe.policy.services import policy_run
from steppe.policy.templatetags import policy_extras
from steppe.policy.views import EXAMPLE, YEAR_FORM_FIELDS

from .test_register import BAOTOU, register  # noqa: F401  (the two-enterprise register fixture)

APP = Path(steppe.policy.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("template", sorted((APP / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP, at_least=151) == []
    with translation.override("en"):
        assert translation.gettext("惠企政策计算器").startswith("Enterprise support policy calculator")
        assert translation.gettext("取决于专家评分") == "Depends on the expert score"
        assert translation.gettext("创新积分白名单") == "Innovation-points white list"


def _labels_shown_as_data():
    labels = [label for _, label in PolicyRun.Status.choices]
    labels += [label for _, label in ComplianceEvent.Kind.choices]
    with translation.override("zh-hans"):  # the inbox's kinds of a policy notice (lazy), as msgids
        labels += [str(notification_kinds.get(k).label) for k in ("newly_qualifies", "about_to_lose")]
    labels += [v[0] for v in innovation.INDICATORS.values()] + [v[3] for v in innovation.INDICATORS.values()]
    return labels


def test_every_label_that_arrives_as_data_is_listed_and_translated():
    labels = _labels_shown_as_data()
    missing = [label for label in labels if label not in i18n_labels.LABELS]
    assert not missing, f"add to steppe/policy/i18n_labels.py: {missing}"
    with translation.override("zh-hans"):  # the lazy form labels, as msgids
        labels += [str(label) for _, label in CALC_ENTERPRISE_FIELDS + CALC_YEAR_FIELDS + YEAR_FORM_FIELDS]
    for table in (policy_extras.CONDITION_LABELS, policy_extras.ROUTE_LABELS, policy_extras.POLICY_LABELS):
        labels += list(table.values())
    with translation.override("en"):
        untranslated = [
            label for label in labels if CJK.search(label) and translation.gettext(label) == label
        ]
        assert not untranslated, f"not in the English catalog: {untranslated[:5]}"
        assert policy_extras.condition_label("owns_ip") == "Owns intellectual property"
        assert policy_extras.route_label("direct_hte") == "Direct recognition: valid HTE certificate"
        assert (
            policy_extras.route_label(None) == "—" and policy_extras.condition_label("new_rule") == "new_rule"
        )
        assert str(dict(CALC_YEAR_FIELDS)["rd_expense"]) == "R&D expense"
    with translation.override("zh-hans"):  # Chinese stays Chinese
        assert policy_extras.condition_label("owns_ip") == "拥有知识产权"
        assert str(dict(CALC_YEAR_FIELDS)["rd_expense"]) == "研发费用"


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_calculator_reads_in_english_and_stays_chinese_by_default(client, regions):
    form = {"mode": "json", "case": json.dumps(EXAMPLE), "year": "2024"}
    zh = client.post("/policy/", form).content.decode()
    assert "惠企政策计算器" in zh and "距离符合条件还差" in zh and "研发费用占比" in zh
    assert "Still missing to qualify" not in zh
    en = _english(client).post("/policy/", form).content.decode()
    assert "Enterprise support policy calculator" in en and "惠企政策计算器）" not in en
    assert "Still missing to qualify" in en and "距离符合条件还差" not in en
    assert "Tech SME (科技型中小企业)" in en and "Qualifies" in en
    assert "R&amp;D ratio 4.3%, need 5.0%" in en  # the engine's English distance message
    assert "近三年研发费用还差" not in en
    assert "R&amp;D expense in China" in en  # grid labels
    bad = client.post("/policy/", {"mode": "json", "case": "{x", "year": "2024"}).content.decode()
    assert "Input error: JSON format error: line 1:" in bad
    bad = client.post("/policy/", {"mode": "json", "case": "{}", "year": "x"}).content.decode()
    assert "The year must be four digits" in bad


def _page_text(html: str) -> str:
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_a_department_user_reads_the_register_runs_and_white_list_in_english(
    register,  # noqa: F811
    department_user,
    login,
):
    baotou, _ = register
    policy_run(2024)
    ComplianceEvent.objects.create(enterprise=baotou, kind="accident", occurred_on="2024-05-01")
    client = _english(login(department_user))
    page = client.get("/policy/enterprises/").content.decode()
    assert "Enterprise files (2 in all)" in page and "Kundoulun District" in page
    assert "Check only (write nothing)" in page and "企业档案" not in page
    page = client.post("/policy/enterprises/", {}).content.decode()
    assert "Please choose a CSV or XLSX file" in page
    page = client.get(f"/policy/enterprises/{baotou.public_id}/").content.decode()
    assert f"Unified social credit code {BAOTOU}" in page and "Compliance events" in page
    assert "Major safety or quality accident" in page and "Record compliance event" in page
    assert "Depends on the expert score" in page or "Does not qualify" in page
    page = client.get("/policy/runs/").content.decode()
    assert "Policies to enterprises (政策找企业): batch results" in page and "Baotou" in page
    assert "Run history" in page and "Year 2024 · Done · 2/2" in page
    assert "运行记录" not in page and "包头市" not in page
    page = client.get("/policy/white-list/").content.decode()
    assert "Current indicators and weights" in page and "Technological innovation" in page
    # what is left in Chinese on these pages is data: enterprise names, official names in brackets,
    # and the notifications stored in Chinese
    left = CJK.findall(_page_text(client.get("/policy/runs/").content.decode()).replace("政策找企业", ""))
    assert "".join(left) == "中文"  # the language switch's own label


@pytest.mark.django_db
def test_a_bank_reads_the_white_list_in_english(register, bank_user, login):  # noqa: F811
    policy_run(2024)
    page = _english(login(bank_user)).get("/policy/white-list/").content.decode()
    assert "Innovation-points white list (创新积分白名单, ≥ 70.0 points)" in page
    assert "the official points prevail" in page and "当前指标与权重" not in page

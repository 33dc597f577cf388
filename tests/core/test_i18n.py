"""The account pages follow the English switch: every template text goes through the catalog
(src/steppe/core/locale/en), the catalog is complete and compiled, and Chinese pages stay Chinese."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import steppe.core

APP = Path(steppe.core.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("template", sorted((APP / "templates").rglob("*.*")), ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP, at_least=101) == []
    with translation.override("en"):
        assert translation.gettext("单位注册审核") == "Organisation sign-ups"
        assert translation.pgettext("organisation status", "待审核") == "Pending"


@pytest.mark.django_db
def test_the_signup_page_in_english_has_no_chinese_but_names(client, regions):
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/signup/").content.decode()
    assert "Kind of organisation" in html and "Unified social credit code" in html
    r = client.post("/accounts/signup/", {"kind": "enterprise", "credit_code": "9115020"})
    main = re.search(r"<main.*</main>", r.content.decode(), flags=re.S).group(0)  # the page, not the site's menu
    text = re.sub(r"<option.*?</option>|<[^>]+>", " ", main, flags=re.S)
    assert "it must have 18 characters" in text and "Required" in text
    assert not CJK.findall(text), CJK.findall(text)[:20]


@pytest.mark.django_db
def test_the_signup_page_in_chinese_has_no_english_labels(client, regions):
    r = client.post("/accounts/signup/", {"kind": "enterprise", "credit_code": "9115020"})
    text = re.sub(r"<[^>]+>", " ", r.content.decode())
    assert "须为 18 位" in text and "必填" in text
    for english in ("Required", "This field", "Enter a valid", "credit_code"):
        assert english not in text

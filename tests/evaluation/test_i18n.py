"""The evaluation pages follow the English switch: every template text goes through the catalog
(src/steppe/evaluation/locale/en), names come in English where the framework gives them, and the
Chinese pages stay Chinese."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import steppe.evaluation
from steppe.evaluation import views
from steppe.evaluation.services import index_run_build

APP = Path(steppe.evaluation.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("template", sorted((APP / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP, at_least=81) == []
    with translation.override("en"):
        assert translation.gettext("提升排名的关键指标") == "What moves the rank"
        untranslated = [w for w in views.KIND_LABELS.values() if translation.gettext(w) == w]
        assert not untranslated


def _text(html: str) -> str:
    """The page's own content (the site's header and language switch belong to the layout)."""
    html = html.split('<main class="page">', 1)[1].split("</main>", 1)[0]
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_ranking_reads_in_english_and_stays_chinese_by_default(client, login, department_user, regions):
    index_run_build(framework="asem-coinr-example", replications=30)
    login(department_user)
    zh = client.get("/evaluation/asem-coinr-example/").content.decode()
    assert "排名与排名区间" in zh
    client.cookies["django_language"] = "en"
    for url in ["/evaluation/asem-coinr-example/", "/evaluation/asem-coinr-example/units/IND/"]:
        en = _text(client.get(url).content.decode())
        assert not CJK.findall(en), f"{url}: {''.join(CJK.findall(en))[:60]}"
    en = client.get("/evaluation/asem-coinr-example/").content.decode()
    assert "Ranks and rank intervals" in en and "Sustainable Connectivity" in en

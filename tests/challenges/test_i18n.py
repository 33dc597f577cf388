"""The 揭榜挂帅 pages follow the English switch: every text in the templates goes through the catalog
(src/steppe/challenges/locale/en), and the catalog is complete and compiled."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation

import steppe.challenges

APP = Path(steppe.challenges.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _outside_translation(source: str) -> str:
    source = re.sub(r"\{% blocktranslate.*?%\}.*?\{% endblocktranslate %\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", "", source, flags=re.S)  # translate tags, and tag arguments
    return re.sub(r"\{\{.*?\}\}", "", source, flags=re.S)  # data


@pytest.mark.parametrize("template", sorted((APP / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template):
    left = CJK.findall(_outside_translation(template.read_text()))
    assert not left, f"{template.name}: untranslated text {''.join(left)[:60]}"


def test_the_catalog_is_complete_and_compiled():
    po = (APP / "locale/en/LC_MESSAGES/django.po").read_text()
    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po + "\n", re.M)
    empty = [
        "".join(re.findall(r'"(.*)"', i)) for i, s in entries[1:] if not "".join(re.findall(r'"(.*)"', s))
    ]
    assert not empty, f"untranslated: {empty[:5]}"
    assert "#, fuzzy" not in po, "fuzzy entries are not used at run time: review them and drop the flag"
    assert (APP / "locale/en/LC_MESSAGES/django.mo").stat().st_mtime >= (
        APP / "locale/en/LC_MESSAGES/django.po"
    ).stat().st_mtime - 1, "django.mo is older than django.po: run `make messages`"
    with translation.override("en"):
        assert translation.gettext("张榜中") == "Open for applications"


@pytest.mark.django_db
def test_the_public_reads_the_list_of_challenges_in_english(client, dept):
    from steppe.challenges import services

    c = services.challenge_create(
        actor=dept,
        title="高纯稀土",
        problem="规模化制备",
        budget="800",
        deadline=timezone.localdate() + timedelta(days=30),
        targets=[{"code": "purity", "name": "纯度", "unit": "%", "comparison": ">=", "value": "99.99"}],
    )
    services.challenge_publish(actor=dept, challenge=c, note="发布")
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/challenges/").content.decode()
    assert "Open for applications" in html and "张榜中" not in html

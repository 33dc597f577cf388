"""The registers' pages follow the English switch: every template text goes through the catalog
(src/steppe/registers/locale/en), and the catalog is complete and compiled."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import steppe.registers
import steppe.web

APP = Path(steppe.registers.__file__).parent
TEMPLATES = sorted((APP / "templates").rglob("*.html")) + [Path(steppe.web.__file__).parent
                                                           / "templates/web/_measure_records.html"]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _outside_translation(source: str) -> str:
    source = re.sub(r"\{% blocktranslate.*?%\}.*?\{% endblocktranslate %\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", "", source, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "", source, flags=re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template):
    left = CJK.findall(_outside_translation(template.read_text()))
    assert not left, f"{template.name}: untranslated text {''.join(left)[:60]}"


def test_the_catalog_is_complete_and_compiled():
    po = (APP / "locale/en/LC_MESSAGES/django.po").read_text()
    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po + "\n", re.M)
    empty = ["".join(re.findall(r'"(.*)"', i)) for i, s in entries[1:] if not "".join(re.findall(r'"(.*)"', s))]
    assert not empty, f"untranslated: {empty[:5]}"
    assert "#, fuzzy" not in po
    mo = APP / "locale/en/LC_MESSAGES/django.mo"
    assert mo.stat().st_mtime >= (APP / "locale/en/LC_MESSAGES/django.po").stat().st_mtime - 1
    with translation.override("en"):
        assert translation.gettext("该企业不在创新积分白名单上，不能登记创新积分贷").startswith("This enterprise")
        assert translation.pgettext("register review", "待核实") == "Awaiting verification"


@pytest.mark.django_db
def test_the_platform_list_and_a_record_read_in_english(seeded, client):
    from steppe.registers.models import Platform

    client.cookies["django_language"] = "en"
    page = client.get("/registers/platforms/?level=national").content.decode()
    assert "Export CSV" in page and "Innovation platforms" in page and "导出" not in page
    lab = Platform.objects.get(name="草原保护生态学全国重点实验室")
    detail = client.get(f"/registers/platforms/{lab.public_id}/").content.decode()
    assert "Measures served" in detail and "In preparation" in detail
    action = client.get("/plans/nmg-sti-2023-2025/actions/A1/").content.decode()
    assert "1 × national key laboratory" in action

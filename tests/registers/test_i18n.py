"""The registers' pages follow the English switch: every template text goes through the catalog
(src/steppe/registers/locale/en), and the catalog is complete and compiled."""

from pathlib import Path

import pytest
from django.utils import translation

import steppe.registers
import steppe.web

APP = Path(steppe.registers.__file__).parent
TEMPLATES = sorted((APP / "templates").rglob("*.html")) + [Path(steppe.web.__file__).parent
                                                           / "templates/web/_measure_records.html"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP) == []
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

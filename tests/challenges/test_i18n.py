"""The 揭榜挂帅 pages follow the English switch: every text in the templates goes through the catalog
(src/steppe/challenges/locale/en), and the catalog is complete and compiled."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation

import steppe.challenges

APP = Path(steppe.challenges.__file__).parent


@pytest.mark.parametrize("template", sorted((APP / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP) == []
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

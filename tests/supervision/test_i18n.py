"""The supervision pages follow the English switch: every text in the templates goes through the
catalog (src/steppe/supervision/locale/en), and the catalog is complete and compiled."""

from pathlib import Path

import pytest
from django.utils import translation

import steppe.supervision

APP = Path(steppe.supervision.__file__).parent


@pytest.mark.parametrize("template", sorted((APP / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_no_template_text_escapes_translation(template, i18n_checks):
    assert i18n_checks.untranslated(template) == []


def test_the_catalog_is_complete_and_compiled(i18n_checks):
    assert i18n_checks.catalog_problems(APP) == []
    with translation.override("en"):
        assert translation.gettext("督办总览") == "Supervision overview"
        assert translation.gettext("滞后") == "Late"


@pytest.mark.django_db
def test_a_lead_unit_reads_its_to_do_list_and_report_form_in_english(client, dept, unit_a_user):
    from steppe.supervision import services
    from steppe.supervision.models import ProgressReport

    services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    client.force_login(unit_a_user)
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/todo/").content.decode()
    assert "Progress reports to fill in" in html and "待填报的进展报告" not in html
    assert "Fill in" in html and "To fill in" in html  # the link, and the report's state label
    rep = ProgressReport.objects.filter(unit=unit_a_user.unit).first()
    form = client.get(f"/supervision/reports/{rep.pk}/").content.decode()
    assert "Next steps" in form and "Save draft" in form and "Not started" in form
    client.force_login(dept)
    client.cookies["django_language"] = "en"
    page = client.get("/supervision/overview/").content.decode()
    assert "By lead unit" in page and "All measures (late first)" in page

"""supervision.validation.ReportValidator: the report page and the API check a progress report
alike, so the same bad report gets the same errors, every one at once and named by its field, in
the request's language; the page shows each beside its field, keeps what was typed, and nothing
is submitted."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from steppe.supervision import services
from steppe.supervision.models import ProgressReport

pytestmark = pytest.mark.django_db

BAD = {"status": "finished", "progress": "150", "done": "", "problems": "", "next_steps": ""}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_report_gets_the_same_errors_on_the_page_and_through_the_api(
    client, bearer, dept, unit_a_user, language
):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=10))
    report = ProgressReport.objects.filter(unit_id=unit_a_user.unit_id, round__period="2026-Q4").first()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    r = client.post(f"/api/v1/reports/{report.pk}/submit", BAD, content_type="application/json",
                    **bearer(unit_a_user))  # fmt: skip
    assert r.status_code == 400
    api = {e["field"]: e["message"] for e in r.json()["error"]["data"]["errors"]}
    assert set(api) == {"status", "progress", "done"}  # every one at once

    client.force_login(unit_a_user)
    r = client.post(f"/supervision/reports/{report.pk}/", {**BAD, "op": "submit", "next_steps": "下周开会"})
    page = r.content.decode()
    shown = {f: m for f, m in re.findall(r'<p class="field-error" id="error-(\w+)">(.*?)</p>', page)}
    assert {f: m.replace("&quot;", '"') for f, m in shown.items()} == api  # beside each field, the API's words
    assert 'value="150"' in page and "下周开会" in page  # what was typed stays
    report.refresh_from_db()
    assert report.state != ProgressReport.State.SUBMITTED and report.version == 0
    if language == "en":
        assert api["done"] == "Fill in what was done this period"
        assert api["progress"] == '"150" must be a whole number from 0 to 100'
    else:
        assert api["done"] == "请填写本期完成情况" and api["progress"] == "“150” 应为 0 到 100 之间的整数"

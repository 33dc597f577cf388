"""Required is required: a blank progress report is not submitted, a round cannot be due in the
past; the page reports every error at once beside its field, named by its label."""

from datetime import timedelta

import pytest
from django.utils import timezone

from steppe.core.errors import ValidationFailed
from steppe.supervision import services
from steppe.supervision.models import ProgressReport, ProgressRound


def _open(dept):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=10))
    return ProgressReport.objects.order_by("pk").first()


def test_a_blank_report_is_not_submitted(dept, unit_a_user):
    report = _open(dept)
    with pytest.raises(ValidationFailed) as exc:
        services.report_submit(
            actor=unit_a_user, report=report, data={"status": "in_progress", "progress": "", "done": "  "}
        )
    fields = {e["field"] for e in exc.value.data["errors"]}
    assert fields == {"progress", "done"}
    report.refresh_from_db()
    assert (report.state, report.version, report.submitted_at) == ("draft", 0, None)


def test_a_draft_may_stay_incomplete(dept, unit_a_user):
    report = _open(dept)
    services.report_save_draft(actor=unit_a_user, report=report, data={"status": "in_progress", "progress": "30"})
    report.refresh_from_db()
    assert (report.state, report.progress) == ("draft", 30)


def test_a_round_due_in_the_past_is_refused_and_nothing_opens(dept, unit_a_user):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.round_open(actor=dept, period="2026-Q4", due_on=yesterday)
    assert exc.value.data["errors"][0]["field"] == "due"
    assert not ProgressRound.objects.exists() and not ProgressReport.objects.exists()


def test_the_report_page_names_each_missing_field_beside_it(login, dept, unit_a_user):
    report = _open(dept)
    page = login(unit_a_user).post(
        f"/supervision/reports/{report.pk}/", {"op": "submit", "status": "in_progress", "progress": "", "done": ""}
    ).content.decode()
    assert 'id="error-progress"' in page and 'id="error-done"' in page
    assert "请填写本期完成情况" in page and "完成进度：" in page
    assert "done:" not in page and "progress:" not in page


def test_the_rounds_page_puts_a_past_due_date_beside_its_field(login, dept, unit_a_user):
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    page = login(dept).post("/supervision/rounds/", {"period": "2026-Q4", "due": past}).content.decode()
    assert 'id="error-due"' in page and "早于今天" in page
    assert not ProgressRound.objects.exists()

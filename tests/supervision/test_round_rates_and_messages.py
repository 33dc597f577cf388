"""A progress round: completeness and timeliness rates per unit and action on its page, the
opening message listing each unit's measures, last round's evidence carried into the next."""

import pytest
from django.core import mail

from steppe.core.models import Notification
from steppe.supervision import services

pytestmark = pytest.mark.django_db


def test_the_round_page_shows_completeness_and_timeliness_rates_per_unit_and_action(
    client, dept, unit_a_user, unit_b_user
):
    services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    services.measure_report_progress(
        actor=unit_a_user,
        measure=unit_a_user.unit.measures.get(code="A1-01"),
        data={"status": "in_progress", "progress": 20, "done": "完成阶段任务"},
    )
    client.force_login(dept)
    html = client.get("/supervision/rounds/2026-Q4/").content.decode()
    by_unit = html[html.index('id="by-unit"') : html.index('id="by-action"')]
    assert "完整率" in by_unit and "及时率" in by_unit
    assert "单位甲" in by_unit and "50.0%" in by_unit  # 1 of its 2 forms, on time
    by_action = html[html.index('id="by-action"') : html.index('id="round-reports"')]
    assert "完整率" in by_action and "50.0%" in by_action  # A1: 1 of 2


def test_the_round_opening_message_lists_the_units_measures(
    dept, unit_a_user, unit_b_user, sup_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    n = Notification.objects.get(recipient=unit_a_user)
    assert "A1-01 建设重点实验室" in n.body and "A2-01 培育技术经纪人" in n.body
    assert "A1-02" not in n.body  # unit B's
    (message,) = [m for m in mail.outbox if m.to == ["a@example.org"]]
    assert "A1-01" in message.body


def test_evidence_comes_along_into_the_next_round_and_can_be_removed(
    client, dept, unit_a_user, sup_plan, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from steppe.core.models import AuditEntry
    from steppe.supervision.models import Evidence, ProgressReport

    settings.MEDIA_ROOT = tmp_path
    services.round_open(actor=dept, period="2026-Q3", due_on="2099-09-30")
    q3 = ProgressReport.objects.get(round__period="2026-Q3", measure__code="A1-01")
    client.force_login(unit_a_user)
    # a draft keeps its files (they were lost when saving a draft)
    client.post(
        f"/supervision/reports/{q3.pk}/",
        {
            "op": "save",
            "status": "in_progress",
            "progress": "30", "done": "完成阶段任务",
            "files": SimpleUploadedFile("批复.pdf", b"%PDF"),
        },
    )
    assert [e.name for e in q3.evidence.all()] == ["批复.pdf"]
    client.post(f"/supervision/reports/{q3.pk}/", {"op": "submit", "status": "in_progress", "progress": "30", "done": "完成阶段任务"})

    services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    q4 = ProgressReport.objects.get(round__period="2026-Q4", measure__code="A1-01")
    (carried,) = q4.evidence.all()
    assert carried.name == "批复.pdf" and carried.file.name == q3.evidence.get().file.name
    page = client.get(f"/supervision/reports/{q4.pk}/").content.decode()
    assert 'name="remove_evidence"' in page and "批复.pdf" in page
    client.post(
        f"/supervision/reports/{q4.pk}/",
        {"op": "submit", "status": "in_progress", "progress": "50", "done": "完成阶段任务", "remove_evidence": [str(carried.pk)]},
    )
    assert not q4.evidence.exists() and q3.evidence.exists()  # the earlier report keeps its file
    assert Evidence.objects.count() == 1
    entry = AuditEntry.objects.filter(action="report.submit", object_id=str(q4.pk)).get()
    assert entry.after["evidence_removed"] == ["批复.pdf"] and entry.after["evidence"] == []

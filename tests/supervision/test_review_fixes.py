"""What an acceptance review found: round rates per unit and action on the page, the round's
opening message listing the unit's measures, units with more late measures first, phone labels."""

import pytest
from django.core import mail

from steppe.core.models import Notification
from steppe.supervision import queries, services

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


def test_units_with_more_late_measures_come_first(dept, unit_a_user, unit_b_user, sup_plan):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.localdate() - timedelta(days=3)
    for code, user in (("A1-01", unit_a_user), ("A2-01", unit_a_user), ("A1-02", unit_b_user)):
        services.milestone_create(
            actor=user, measure=sup_plan.measures.get(code=code), deliverable="方案", planned_on=past
        )
    units = queries.overview(dept)["units"]
    assert [(g.key, g.counts["late"]) for g in units] == [("单位甲", 2), ("单位乙", 1)]


def test_supervision_pages_load_the_phone_labels_script(client, dept, sup_plan):
    client.force_login(dept)
    html = client.get("/supervision/overview/").content.decode()
    assert "web/labels.js" in html and "supervision/supervision.css" in html


def test_the_audit_page_shows_what_changed_not_whole_records(client, dept, unit_a_user, sup_plan):
    services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    rep = sup_plan.measures.get(code="A1-01").progress_reports.get()
    services.report_submit(actor=unit_a_user, report=rep, data={"status": "in_progress", "progress": 35, "done": "完成阶段任务"})
    client.force_login(dept)
    r = client.get("/supervision/audit/?type=supervision.progressreport")
    (entry,) = [e for e in r.context["entries"] if e.action == "report.submit"]
    changes = {field: (old, new) for field, old, new in entry.changes}
    assert changes["state"] == ("draft", "submitted") and changes["progress"] == ("0", "35")
    assert "problems" not in changes and changes["done"] == ("—", "完成阶段任务")  # unchanged fields are left out
    assert "draft → submitted" in r.content.decode()


def test_audit_changes_of_a_creation_and_a_plain_value():
    from steppe.supervision.views import audit_changes

    assert audit_changes(None, {"a": 1, "b": ""}) == [("a", "—", "1")]
    assert audit_changes(3, 4) == [("", "3", "4")]
    assert audit_changes({"x": "a" * 200}, {"x": "b"})[0][1].endswith("…")


def test_a_lead_unit_moves_a_milestone_with_a_reason_and_the_baseline_stays(
    client, dept, unit_a_user, unit_b_user, measure
):
    from steppe.core.models import ApiToken, AuditEntry

    ms = services.milestone_create(
        actor=unit_a_user, measure=measure, deliverable="方案获批", planned_on="2027-03-31"
    )
    services.milestones_approve(actor=dept, measure=measure)
    _, raw = ApiToken.objects.issue(unit_a_user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/milestones/{ms.pk}"
    # moving an approved milestone needs a reason; nothing changes without one
    r = client.patch(url, data={"planned_on": "2027-06-30"}, content_type="application/json", **auth)
    assert r.status_code == 400 and r.json()["error"]["data"]["errors"][0]["field"] == "note"
    ms.refresh_from_db()
    assert str(ms.planned_on) == "2027-03-31"
    # another unit: 404
    _, raw_b = ApiToken.objects.issue(unit_b_user, name="t")
    other = client.patch(
        url,
        data={"planned_on": "2027-06-30", "note": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_b}",
    )
    assert other.status_code == 404
    r = client.patch(
        url,
        data={"planned_on": "2027-06-30", "note": "用地审批调整"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content
    assert (r.json()["planned_on"], r.json()["baseline_planned_on"]) == ("2027-06-30", "2027-03-31")
    entry = AuditEntry.objects.filter(action="milestone.update").latest("at")
    assert entry.note == "用地审批调整" and entry.before["planned_on"] == "2027-03-31"
    # and from the measure page
    client.force_login(unit_a_user)
    page = client.get(f"/supervision/measures/{measure.code}/").content.decode()
    assert f"/supervision/milestones/{ms.pk}/move/" in page and "已调整" in page
    client.post(f"/supervision/milestones/{ms.pk}/move/", {"planned_on": "2027-09-30", "note": "再次调整"})
    ms.refresh_from_db()
    assert str(ms.planned_on) == "2027-09-30"


def test_pages_name_indicators_from_the_monitoring_register(client, dept, unit_a_user, measure, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from steppe.stats.models import Indicator

    Indicator.objects.create(code="rd_intensity", name="研发投入强度", name_en="R&D intensity", unit="%")
    client.force_login(unit_a_user)
    page = client.get(f"/supervision/measures/{measure.code}/").content.decode()
    assert 'title="rd_intensity">研发投入强度<' in page
    # the alignment page names them too, with their attainment
    services.milestone_create(
        actor=unit_a_user,
        measure=measure,
        deliverable="方案",
        planned_on=timezone.localdate() - timedelta(days=1),
    )
    measure.targets.add(measure.plan.targets.get(code="T1"))  # the format 2 link the alignment reads
    monkeypatch.setattr(queries, "_attainment_by_target", lambda plan: {"T1": "on_track"})
    client.force_login(dept)
    html = client.get("/supervision/alignment/").content.decode()
    assert "T1 研发投入强度 · 进展顺利" in html
    client.cookies["django_language"] = "en"
    en = client.get("/supervision/alignment/").content.decode()
    assert "T1" in en and "· On track" in en, en[en.find("late-on-course") :][:1500]


def test_a_measures_own_deadline_is_reminded_urged_and_cleared_once_completed(
    dept, unit_a_user, sup_plan, django_capture_on_commit_callbacks
):
    from datetime import date

    from steppe.supervision.models import ProgressReport

    due = date(2027, 12, 31)  # every measure of the test plan
    sent = services.reminders_send(today=date(2027, 12, 29))
    assert sent["reminder"] == 1  # unit A: one message listing its two measures (unit B has no account)
    (note,) = Notification.objects.filter(recipient=unit_a_user, kind="reminder")
    assert "A1-01" in note.body and "A2-01" in note.body and "完成时限" in note.body
    assert services.reminders_send(today=date(2027, 12, 29))["reminder"] == 0  # once
    # A1-01 completed and accepted: only A2-01 is urged after the due date
    measure = sup_plan.measures.get(code="A1-01")
    rep = services.measure_report_progress(
        actor=unit_a_user, measure=measure, data={"status": "completed", "progress": 100, "done": "建成"}
    )
    services.report_review(actor=dept, report=ProgressReport.objects.get(pk=rep.pk), accept=True)
    assert services.reminders_send(today=date(2028, 1, 2))["urge"] >= 1
    urge = Notification.objects.get(recipient=unit_a_user, kind="urge")
    assert "A2-01" in urge.body and "A1-01" not in urge.body
    assert due.isoformat() in urge.body


def test_the_inbox_keeps_each_listed_item_on_its_own_line(client, dept, unit_a_user, sup_plan):
    services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    client.force_login(unit_a_user)
    html = client.get("/supervision/inbox/").content.decode()
    assert "<br>- A1-01 建设重点实验室<br>- A2-01 培育技术经纪人" in html


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

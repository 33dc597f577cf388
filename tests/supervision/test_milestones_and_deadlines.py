"""Milestones moved with a reason (the baseline stays) and a measure's own deadline: reminded,
urged and cleared once the measure is completed."""

import pytest

from steppe.core.models import Notification
from steppe.supervision import services

pytestmark = pytest.mark.django_db


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

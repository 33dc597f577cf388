"""The overview, audit and inbox pages: late units first, phone labels, changes rather than whole
records in the audit trail, indicators named from the monitoring register, one line per item."""

import pytest

from steppe.supervision import queries, services

pytestmark = pytest.mark.django_db


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
    assert "R&amp;D intensity · On track" in en, en[en.find("late-on-course") :][:1500]


def test_the_inbox_keeps_each_listed_item_on_its_own_line(client, dept, unit_a_user, sup_plan):
    services.round_open(actor=dept, period="2026-Q4", due_on="2099-12-31")
    client.force_login(unit_a_user)
    html = client.get("/supervision/inbox/").content.decode()
    assert "<br>- A1-01 建设重点实验室<br>- A2-01 培育技术经纪人" in html

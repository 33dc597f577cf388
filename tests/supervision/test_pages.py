"""Supervision pages: every page renders for its persona; permissions answer 404 and change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from steppe.core.models import AuditEntry
from steppe.supervision import queries, services
from steppe.supervision.models import Milestone, ProgressReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_overview_shows_traffic_lights_and_late_items_first(as_user, dept, unit_a_user):
    # A1-01 gets an overdue milestone, so it is late and listed first
    services.milestone_create(
        actor=unit_a_user,
        measure=unit_a_user.unit.measures.get(code="A1-01"),
        deliverable="方案印发",
        planned_on=timezone.localdate() - timedelta(days=5),
    )
    r = as_user(dept).get("/supervision/overview/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "督办总览" in html and 'id="action-lights"' in html and 'id="unit-lights"' in html
    rows = r.context["rows"]
    assert rows[0]["code"] == "A1-01" and rows[0]["status"] == "late"
    assert r.context["actions"][0]["key"] == "A1" and r.context["actions"][0]["light"] == "red"
    assert r.context["units"][0]["key"] == "单位甲"


def test_index_sends_each_role_to_its_page(as_user, client, dept, unit_a_user, firm_user):
    assert client.get("/supervision/").url == "/supervision/challenges/"
    assert as_user(dept).get("/supervision/").url == "/supervision/overview/"
    assert as_user(unit_a_user).get("/supervision/").url == "/supervision/todo/"


def test_a_lead_unit_cannot_open_the_overview(as_user, unit_a_user):
    assert as_user(unit_a_user).get("/supervision/overview/").status_code == 404


def test_the_report_form_submits_and_the_department_returns_it(as_user, client, dept, unit_a_user):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=2))
    c = as_user(unit_a_user)
    todo = c.get("/supervision/todo/")
    assert todo.status_code == 200 and "A1-01" in todo.content.decode()
    rep = ProgressReport.objects.get(measure__code="A1-01")
    page = c.get(f"/supervision/reports/{rep.pk}/")
    assert page.status_code == 200 and 'id="report-form"' in page.content.decode()
    bad = c.post(
        f"/supervision/reports/{rep.pk}/", {"op": "submit", "status": "in_progress", "progress": "300", "done": "完成阶段任务"}
    )
    assert bad.status_code == 400 and "progress" in bad.content.decode()
    rep.refresh_from_db()
    assert rep.state == "draft"
    ok = c.post(
        f"/supervision/reports/{rep.pk}/",
        {
            "op": "submit",
            "status": "in_progress",
            "progress": "35",
            "done": "完成立项",
            "problems": "",
            "next_steps": "建设",
        },
    )
    assert ok.status_code == 302
    rep.refresh_from_db()
    assert (rep.state, rep.progress) == ("submitted", 35)
    d = as_user(dept)
    assert 'id="review-form"' in d.get(f"/supervision/reports/{rep.pk}/").content.decode()
    d.post(f"/supervision/reports/{rep.pk}/", {"op": "return", "comment": "请补充数据"})
    rep.refresh_from_db()
    assert rep.state == "returned" and rep.review_comment == "请补充数据"
    for url in (
        "/supervision/rounds/",
        "/supervision/rounds/2026-Q4/",
        "/supervision/measures/A1-01/",
        "/supervision/audit/",
        "/supervision/alignment/",
        "/supervision/inbox/",
    ):
        assert d.get(url).status_code == 200, url


def test_a_lead_unit_changing_another_units_measure_gets_404_and_nothing_changes(
    as_user, dept, unit_a_user, unit_b_user
):
    services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    b_measure = unit_b_user.unit.measures.get()
    ms = services.milestone_create(
        actor=unit_b_user, measure=b_measure, deliverable="挂牌", planned_on="2027-03-31"
    )
    b_report = ProgressReport.objects.get(unit=unit_b_user.unit)
    audit_count = AuditEntry.objects.count()
    c = as_user(unit_a_user)
    responses = [
        c.get("/supervision/measures/A1-02/"),
        c.post("/supervision/measures/A1-02/milestones/", {"deliverable": "x", "planned_on": "2027-01-01"}),
        c.post(f"/supervision/milestones/{ms.pk}/done/", {"done_on": "2026-01-01", "evidence_note": "x"}),
        c.get(f"/supervision/reports/{b_report.pk}/"),
        c.post(
            f"/supervision/reports/{b_report.pk}/",
            {"op": "submit", "status": "in_progress", "progress": "99", "done": "完成阶段任务"},
        ),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    # its own measure, but approving milestones is the department's: refused with a message
    refused = c.post("/supervision/measures/A1-01/milestones/approve/", follow=True)
    assert "仅自治区科技厅" in refused.content.decode()
    b_report.refresh_from_db()
    assert (b_report.state, b_report.progress, b_report.version) == ("draft", 0, 0)
    assert Milestone.objects.count() == 1 and Milestone.objects.get().done_on is None
    assert AuditEntry.objects.count() == audit_count


def test_the_alignment_page_says_when_there_is_no_attainment_data(as_user, dept, sup_plan):
    # the test plan's indicators have no statistics: nothing to compare with
    r = as_user(dept).get("/supervision/alignment/")
    assert "no attainment data" in r.content.decode()


def test_the_alignment_page_pairs_measures_and_targets(as_user, dept, unit_a_user, sup_plan, monkeypatch):
    from steppe.supervision import queries

    # A1-01 is late, A1-02 on schedule or at risk; each names the target it drives (format 2 links)
    t1 = sup_plan.targets.get(code="T1")
    t2 = sup_plan.targets.create(code="T2", name="技术合同成交额", indicator="tech_contract_turnover", kind="amount",
                                 region=t1.region, target_year=2027, target_value=100)
    sup_plan.measures.get(code="A1-01").targets.add(t1)
    sup_plan.measures.get(code="A1-02").targets.add(t2)
    services.milestone_create(
        actor=unit_a_user,
        measure=unit_a_user.unit.measures.get(code="A1-01"),
        deliverable="方案",
        planned_on=timezone.localdate() - timedelta(days=1),
    )
    monkeypatch.setattr(queries, "_attainment_by_target", lambda plan: {"T1": "on_track", "T2": "limited_progress"})
    data = queries.alignment(dept, today=timezone.localdate())
    assert data["available"]
    assert [r.measure.code for r, _ in data["late_on_course"]] == ["A1-01"]
    # A1-02 is at risk or on schedule depending on the date; it is listed only when on schedule
    codes = [r.measure.code for r, _ in data["on_schedule_off_course"]]
    assert codes in ([], ["A1-02"])
    assert as_user(dept).get("/supervision/alignment/").status_code == 200


def test_attainment_is_indexed_by_target_code():
    from types import SimpleNamespace as NS

    from steppe.supervision.queries import _index_attainment

    items = [
        NS(target=NS(code="T2"), result=NS(status="limited_progress")),
        NS(target=NS(code="T5"), result=NS(status="achieved")),
        NS(target=NS(code="T8"), result=NS(status=None)),
        NS(target=NS(code="T9"), result=None),
    ]
    assert _index_attainment(items) == {"T2": "limited_progress", "T5": "achieved"}


def test_the_alignment_uses_the_monitoring_apps_attainment(dept, sup_plan):
    from steppe.stats.services import indicators_load, observation_import
    from steppe.supervision import queries

    # no statistics: no target has a status
    assert queries._attainment_by_target(sup_plan) == {}
    # T1 has no baseline year (one observed year cannot score it); T2 is measured from 2024
    sup_plan.targets.create(
        code="T2",
        name="研发投入强度",
        indicator="rd_intensity",
        kind="level",
        region=sup_plan.targets.get(code="T1").region,
        baseline_year=2024,
        target_year=2027,
        target_value=2,
    )
    indicators_load()
    header = "region,indicator,year,value,unit,status,source_title,source_url,source_date"
    rows = [f"150000,rd_intensity,{y},{v},%,final,公报,https://example.org,{y + 1}-03-01" for y, v in
            [(2024, "0.90"), (2025, "0.91"), (2026, "0.93")]]
    observation_import(data=("\n".join([header, *rows]) + "\n").encode(), file_name="rd.csv")
    # 0.90 % growing 1-2 % a year is far from 2 % by 2027
    assert queries._attainment_by_target(sup_plan)["T2"] == "limited_progress"


def test_list_pages_do_not_query_per_measure(as_user, dept, unit_a_user, sup_plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steppe.plans.models import Measure, MeasureUnit

    services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    c = as_user(dept)
    urls = ["/supervision/overview/", "/supervision/rounds/2026-Q4/"]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    counts()  # the first read starts the cache's generation counters (a few queries once)
    queries.STATUS_CACHE.invalidate()  # what the pages keep is judged again, as after the writes below
    before = counts()
    action = sup_plan.actions.get(code="A2")
    for i in range(10):
        m = Measure.objects.create(
            plan=sup_plan, action=action, code=f"A2-1{i}", title=f"举措{i}", due_on="2027-12-31", order=10 + i
        )
        MeasureUnit.objects.create(measure=m, unit=unit_a_user.unit, role=MeasureUnit.Role.LEAD)
        services.milestone_create(actor=unit_a_user, measure=m, deliverable="方案", planned_on="2027-01-31")
    from steppe.supervision.models import ProgressReport

    for rep in ProgressReport.objects.filter(unit=unit_a_user.unit):
        services.report_submit(actor=unit_a_user, report=rep, data={"status": "in_progress", "progress": 10, "done": "完成阶段任务"})
    assert counts() == before


def test_evidence_files_are_attached_to_the_report(as_user, dept, unit_a_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    services.round_open(actor=dept, period="2026-Q4", due_on="2026-12-31")
    rep = ProgressReport.objects.get(measure__code="A1-01")
    c = as_user(unit_a_user)
    upload = SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    r = c.post(
        f"/supervision/reports/{rep.pk}/",
        {"op": "submit", "status": "in_progress", "progress": "20", "done": "完成", "files": upload},
    )
    assert r.status_code == 302
    (evidence,) = rep.evidence.all()
    assert evidence.name == "验收报告.pdf" and evidence.file.read() == b"%PDF-1.4 evidence"
    assert "验收报告.pdf" in as_user(dept).get(f"/supervision/reports/{rep.pk}/").content.decode()

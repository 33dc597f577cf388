"""The lists' lines (queries.lines: overview, to-do, league page) and the 通报 list (late_unit_list) are
kept in the shared cache for the day: every kind of write they read shows in the next read at once -
the measures and their actions and units, the registers' records and their links to measures (the
`register` counts), the 揭榜挂帅 challenges hung on a measure, the obligations behind the 通报 list -
and a read with nothing changed asks the database for none of it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steppe.plans.models import MeasureUnit
from steppe.registers.models import Platform, Review
from steppe.supervision import queries, services

pytestmark = pytest.mark.django_db


def _line(user, code):
    return next(x for x in queries.lines(user) if x.code == code)


def _platform(name, review=Review.VERIFIED):
    from steppe.core.models import Region

    return Platform.objects.create(name=name, kind="key_lab", level="regional", status="approved",
                                   region=Region.objects.get(code="150000"), review=review)  # fmt: skip


def test_register_records_show_in_the_next_read(client, dept, sup_plan):
    m = sup_plan.measures.get(code="A1-01")
    m.type = "register"
    m.save()
    assert _line(dept, "A1-01").register_count == 0  # cached from here on
    lab = _platform("稀土功能材料重点实验室")
    lab.measures.add(m)  # a link: no model saved
    assert _line(dept, "A1-01").register_count == 1
    pending = _platform("草原生态重点实验室", review=Review.SUBMITTED)
    pending.measures.set([m])
    assert _line(dept, "A1-01").register_count == 1  # not verified: not counted
    pending.review = Review.VERIFIED  # the department's review
    pending.save()
    assert _line(dept, "A1-01").register_count == 2
    client.force_login(dept)
    assert "2 条登记" in client.get("/supervision/overview/").content.decode()
    lab.measures.remove(m)
    assert _line(dept, "A1-01").register_count == 1
    pending.measures.clear()
    assert _line(dept, "A1-01").register_count == 0
    pending.measures.add(m)
    assert _line(dept, "A1-01").register_count == 1
    pending.delete()
    assert _line(dept, "A1-01").register_count == 0
    assert "0 条登记" in client.get("/supervision/overview/").content.decode()


def test_challenges_hung_on_a_measure_show_in_the_next_read(client, dept, sup_plan):
    from steppe.challenges import services as challenges

    carrier, other = sup_plan.measures.get(code="A1-02"), sup_plan.measures.get(code="A2-01")
    for m in (carrier, other):
        m.type = "project"
        m.save()
    assert _line(dept, "A1-02").project_count == 0
    c = challenges.challenge_create(actor=dept, title="高纯稀土", problem="规模化制备", budget="800", measure=carrier,
                                    deadline=timezone.localdate() + timedelta(days=30),
                                    targets=[{"code": "purity", "name": "纯度", "value": "99.99"}])  # fmt: skip
    assert _line(dept, "A1-02").project_count == 1
    c.measure = other
    c.save()
    assert (_line(dept, "A1-02").project_count, _line(dept, "A2-01").project_count) == (0, 1)
    client.force_login(dept)
    assert "1 个项目" in client.get("/supervision/overview/").content.decode()
    c.delete()
    assert _line(dept, "A2-01").project_count == 0


def test_actions_units_and_measures_show_in_the_next_read(client, dept, unit_a_user, unit_b_user, sup_plan):
    client.force_login(dept)
    assert "A1 创新平台建设行动" in client.get("/supervision/overview/").content.decode()
    action = sup_plan.actions.get(code="A1")
    action.title = "重点实验室建设行动"
    action.save()
    assert "A1 重点实验室建设行动" in client.get("/supervision/overview/").content.decode()
    unit = unit_b_user.unit
    unit.name = "单位丙"
    unit.save()
    assert _line(dept, "A1-02").leads == [(unit.pk, "单位丙")]
    # A1-02 handed to 单位甲: its to-do list shows it at once, 单位丙's no more
    link = MeasureUnit.objects.get(measure__code="A1-02")
    link.unit = unit_a_user.unit
    link.save()
    client.force_login(unit_a_user)
    assert 'data-measure="A1-02"' in client.get("/supervision/todo/").content.decode()
    m = sup_plan.measures.get(code="A1-02")
    m.title = "建设自治区技术创新中心"
    m.save()
    assert "建设自治区技术创新中心" in client.get("/supervision/todo/").content.decode()
    m.active = False
    m.save()
    assert 'data-measure="A1-02"' not in client.get("/supervision/todo/").content.decode()


def test_the_notice_list_shows_each_kind_of_write_in_the_next_read(dept, unit_a_user, sup_plan):
    from steppe.stats.models import ReportingPeriod

    today = timezone.localdate()
    assert queries.late_unit_list(today=today) == []  # cached from here on
    ms = services.milestone_create(actor=unit_a_user, measure=sup_plan.measures.get(code="A1-01"),
                                   deliverable="完成实验室主体建设", planned_on=today - timedelta(days=10))  # fmt: skip
    assert queries.late_unit_list(today=today) == [("单位甲", 1)]
    services.milestone_complete(actor=unit_a_user, milestone=ms, done_on=today - timedelta(days=1),
                                evidence_note="验收报告")  # fmt: skip
    assert queries.late_unit_list(today=today) == []
    # the statistics every league owes for a year, past their date (the 12 leagues' bureaus)
    period = ReportingPeriod.objects.create(year=2025, due_on=today - timedelta(days=30), indicators=["rd_intensity"])
    late = queries.late_unit_list(today=today)
    assert len(late) == 12 and ("包头市科技局", 1) in late
    period.due_on = today + timedelta(days=30)
    period.save()
    assert queries.late_unit_list(today=today) == []


def test_a_read_with_nothing_changed_asks_only_the_cache(dept, unit_a_user, sup_plan):
    queries.lines(dept)
    queries.late_unit_list()
    with CaptureQueriesContext(connection) as q:
        assert len(queries.lines(dept)) == 3
        queries.late_unit_list()
    read = " ".join(x["sql"] for x in q.captured_queries)
    assert "plans_measure" not in read and "supervision_" not in read and "registers_" not in read


def test_a_round_page_shows_each_kind_of_write_in_the_next_read(client, dept, unit_a_user, unit_b_user, sup_plan):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=20))
    client.force_login(dept)
    page = client

    def table(name):
        html = page.get("/supervision/rounds/2026-Q4/").content.decode()
        return html.split(f'id="{name}"')[1].split("</table>")[0]

    assert "已提交待审核" not in table("round-reports")  # cached from here on
    report = sup_plan.measures.get(code="A1-01").progress_reports.get(unit=unit_a_user.unit)
    services.report_submit(actor=unit_a_user, report=report, data={"status": "in_progress", "progress": 35, "done": "完成阶段任务"})  # fmt: skip
    assert "已提交待审核" in table("round-reports") and "35%" in table("round-reports")
    services.report_review(actor=dept, report=report, accept=True)
    assert "已审核通过" in table("round-reports")
    unit = unit_b_user.unit
    unit.name = "单位丙"
    unit.save()
    assert "单位丙" in table("by-unit") and "单位乙" not in table("by-unit")
    m = sup_plan.measures.get(code="A1-02")
    m.title = "建设自治区技术创新中心"
    m.save()
    assert "建设自治区技术创新中心" in table("round-reports")

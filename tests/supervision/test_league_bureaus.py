"""League bureaus in supervision: a league's bureau sees the measures that name its league (or every
league), reports on them in each round beside their lead units, and is chased for the statistics its
league owes (stats reporting periods) by the same reminders, once per thing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from steppe.core.models import Notification
from steppe.plans.models import Measure, MeasureUnit
from steppe.supervision import queries, services
from steppe.supervision.models import ProgressReport, ReminderClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def league_measures(sup_plan):
    from steppe.core.services import unit_get_or_create

    action = sup_plan.actions.get(code="A2")
    lead = unit_get_or_create(name="单位甲")
    specs = [
        ("A2-02", "定期发布场景清单", "recurring", "per_round", "各盟市人民政府"),
        ("A2-03", "支持包头稀土高新区示范区建设", "register", "", "包头稀土高新区管委会"),
        ("A2-04", "在鄂尔多斯培育建设示范区", "register", "", "鄂尔多斯市人民政府"),
    ]
    out = {}
    for i, (code, title, kind, freq, coop) in enumerate(specs):
        m = Measure.objects.create(plan=sup_plan, action=action, code=code, title=title, type=kind, frequency=freq,
                                   due_on=date(2027, 12, 31), order=10 + i)
        MeasureUnit.objects.create(measure=m, unit=lead, role=MeasureUnit.Role.LEAD)
        MeasureUnit.objects.create(measure=m, unit=unit_get_or_create(name=coop), role=MeasureUnit.Role.COOPERATING)
        out[code] = m
    return out


@pytest.fixture
def baotou(regions):
    from steppe.core.services import user_create

    user, _, _ = user_create(username="bt-bureau", role="bureau", unit="包头市科学技术局", region="150200",
                             password="pass-word-123")
    return user


def test_a_league_bureau_reports_on_its_leagues_measures_in_a_round(client, dept, unit_a_user, baotou, league_measures):
    opened = services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=20))
    mine = ProgressReport.objects.filter(unit=baotou.unit)
    assert sorted(mine.values_list("measure__code", flat=True)) == ["A2-02", "A2-03"]  # not 鄂尔多斯's
    assert opened.units == 3
    assert "A2-02 定期发布场景清单" in baotou.notifications.get().body

    client.force_login(baotou)
    todo = client.get("/supervision/todo/").content.decode()
    table = todo.split('id="my-measures"')[1].split("</table>")[0]
    assert 'data-measure="A2-02" data-type="recurring"' in table and 'data-measure="A2-03" data-type="register"' in table
    assert "A2-04" not in table and "A1-01" not in table and "包头市的举措" in todo
    # it reads a measure of its league, but keeps no milestones there; another league's measure is not found
    page = client.get("/supervision/measures/A2-02/").content.decode()
    assert 'id="milestone-form"' not in page
    assert client.post("/supervision/measures/A2-02/milestones/",
                       {"deliverable": "x", "planned_on": "2027-01-01"}).status_code == 404
    assert client.get("/supervision/measures/A2-04/").status_code == 404

    rep = mine.get(measure__code="A2-02")
    r = client.post(f"/supervision/reports/{rep.pk}/", {"op": "submit", "status": "in_progress", "progress": "40",
                                                       "done": "包头市发布第三批应用场景清单 12 项"})
    assert r.status_code == 302
    # the department sees it: the round's recurring measures, and the measure's periods (one of two forms in)
    client.force_login(dept)
    rnd = client.get("/supervision/rounds/2026-Q4/").content.decode()
    assert "包头市科学技术局" in rnd.split('id="by-unit"')[1].split("</table>")[0]
    row = rnd.split('data-measure="A2-02"')[1].split("</tr>")[0]
    assert "1/2" in row and "单位甲" in row and "包头市科学技术局" not in row
    measure_page = client.get("/supervision/measures/A2-02/").content.decode()
    assert "包头市发布第三批应用场景清单" in measure_page


def test_a_bureau_files_a_report_through_the_api_for_its_leagues_measure(client, dept, baotou, league_measures,
                                                                          bearer):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=20))
    auth = bearer(baotou)
    body = {"status": "in_progress", "progress": 30, "done": "已部署"}
    ok = client.post("/api/v1/measures/A2-03/reports", body, content_type="application/json", **auth)
    assert ok.status_code == 201, ok.content
    assert ProgressReport.objects.get(unit=baotou.unit, measure__code="A2-03").state == "submitted"
    refused = client.post("/api/v1/measures/A2-04/reports", body, content_type="application/json", **auth)
    assert refused.status_code == 404


def _period(dept, year, due, indicators=("rd_expenditure",)):
    from steppe.stats.services import indicators_load
    from steppe.stats.submissions import reporting_period_open

    indicators_load()
    return reporting_period_open(year=year, due_on=due, indicators=list(indicators), actor=dept)


def test_the_statistics_a_league_owes_are_chased_once_each(dept, baotou, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    _period(dept, 2025, today - timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.reminders_send(today=today)
    assert sent["urge"] >= 1 and sent["notice"] >= 1
    urge = baotou.notifications.get(kind="urge")
    assert "2025 年统计数据报送（包头市）" in urge.body and "研发经费" in urge.body
    assert urge.url == "/monitoring/submissions/"
    # the department's 通报 names the league's bureau
    notice = dept.notifications.get(kind="notice")
    assert "包头市科技局" in notice.title + notice.body
    assert ("包头市科技局", 1) in queries.late_unit_list(today=today)
    # a rerun, the same day or the next, sends nothing twice
    claims = ReminderClaim.objects.count()
    assert services.reminders_send(today=today) == {"reminder": 0, "urge": 0, "notice": 0}
    assert services.reminders_send(today=today + timedelta(days=1))["urge"] == 0
    assert ReminderClaim.objects.count() == claims
    assert Notification.objects.filter(recipient=baotou, kind="urge").count() == 1


def test_a_league_whose_figures_arrived_is_no_longer_chased(dept, baotou):
    from steppe.stats.submissions import submission_create

    today = timezone.localdate()
    _period(dept, 2025, today + timedelta(days=2))
    obligations, _ = services.collect_obligations(today=today)
    refs = {o.ref: o for o in obligations}
    assert refs["stats-submission:2025:150200"].owner == "league:150200"
    assert "stats-submission:2025:150600" in refs  # every league owes it, with or without an account
    csv = "region,indicator,year,value,unit,source_title\n150200,rd_expenditure,2025,80.1,亿元,包头市统计局\n"
    submission_create(data=csv.encode(), file_name="bt.csv", actor=baotou, via="page")
    obligations, _ = services.collect_obligations(today=today)
    refs = {o.ref for o in obligations}
    assert "stats-submission:2025:150200" not in refs and "stats-submission:2025:150600" in refs


def test_the_api_gives_a_bureau_its_leagues_measures_with_types_and_periods(client, dept, baotou, league_measures,
                                                                          bearer):
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=20))
    rep = ProgressReport.objects.get(unit=baotou.unit, measure__code="A2-02")
    services.report_submit(actor=baotou, report=rep, data={"status": "in_progress", "progress": 20, "done": "发布"})
    body = client.get("/api/v1/measures?mine=true", **bearer(baotou)).json()
    by_code = {m["code"]: m for m in body}
    assert sorted(by_code) == ["A2-02", "A2-03"]
    recurring = by_code["A2-02"]
    assert (recurring["type"], recurring["frequency"]) == ("recurring", "per_round")
    (period,) = recurring["periods"]
    assert (period["key"], period["forms"], period["submitted"], period["state"]) == ("2026-Q4", 2, 1, "open")
    assert (by_code["A2-03"]["type"], by_code["A2-03"]["frequency"], by_code["A2-03"]["periods"]) == ("register", None, [])

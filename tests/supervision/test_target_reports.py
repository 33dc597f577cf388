"""The qualitative targets (Q1–Q6) are reported on by their lead unit in every round: the round includes
them, the unit's to-do shows them, the form asks for a narrative and a status (a blank form is not
submitted), and the target's page shows the reports round by round."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from steppe.core.errors import ValidationFailed
from steppe.supervision import services
from steppe.supervision.models import TargetReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def q1(sup_plan, unit_a_user):
    t = sup_plan.targets.create(
        code="Q1", name="区域科技创新体系", indicator="", kind="qualitative",
        region=sup_plan.targets.get(code="T1").region, target_year=2027, statement="全面完善",
        clause="区域科技创新体系全面完善", order=9,
    )
    t.lead_units.add(unit_a_user.unit)
    return t


def _open(dept, period="2026-Q4", days=30):
    return services.round_open(actor=dept, period=period, due_on=timezone.localdate() + timedelta(days=days))


def test_a_round_includes_each_qualitative_target_for_its_lead_unit(dept, unit_a_user, unit_b_user, q1):
    opened = _open(dept)
    assert opened.target_reports == 1
    (rep,) = TargetReport.objects.all()
    assert (rep.target.code, rep.unit, rep.state, rep.status, rep.narrative) == ("Q1", unit_a_user.unit, "draft", "", "")
    # the unit is told, with the target among what it owes
    note = unit_a_user.notifications.order_by("-pk").first()
    assert "Q1 区域科技创新体系" in note.body
    assert not unit_b_user.notifications.filter(body__contains="Q1").exists()


def test_the_to_do_shows_it_and_a_blank_form_is_not_submitted(client, dept, unit_a_user, q1):
    _open(dept)
    rep = TargetReport.objects.get()
    client.force_login(unit_a_user)
    todo = client.get("/supervision/todo/").content.decode()
    assert f"/supervision/target-reports/{rep.pk}/" in todo.split('id="todo-target-reports"')[1]

    r = client.post(f"/supervision/target-reports/{rep.pk}/", {"op": "submit", "status": "", "narrative": "  "})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'id="error-status"' in page and 'id="error-narrative"' in page and "进展情况" in page
    rep.refresh_from_db()
    assert (rep.state, rep.version, rep.first_submitted_at) == ("draft", 0, None)
    with pytest.raises(ValidationFailed) as exc:
        services.target_report_submit(actor=unit_a_user, report=rep, data={"status": "advancing", "narrative": ""})
    assert [e["field"] for e in exc.value.data["errors"]] == ["narrative"]

    r = client.post(f"/supervision/target-reports/{rep.pk}/",
                    {"op": "submit", "status": "advancing", "narrative": "科技创新体系建设方案已印发，三项配套制度在制定中"})
    assert r.status_code == 302
    rep.refresh_from_db()
    assert (rep.state, rep.status, rep.version) == ("submitted", "advancing", 1)
    assert f"/supervision/target-reports/{rep.pk}/" not in client.get("/supervision/todo/").content.decode()


def test_the_database_refuses_a_blank_submitted_report(dept, unit_a_user, q1):
    _open(dept)
    with pytest.raises(IntegrityError):
        TargetReport.objects.filter(target=q1).update(state="submitted")


def test_the_targets_page_shows_the_reports_round_by_round(client, dept, unit_a_user, unit_b_user, q1):
    _open(dept, "2026-Q3")
    first = TargetReport.objects.get()
    services.target_report_submit(actor=unit_a_user, report=first,
                                  data={"status": "problems", "narrative": "第一轮：体系框架尚未明确"})
    services.target_report_review(actor=dept, report=first, accept=True)
    _open(dept, "2026-Q4", days=60)
    second = TargetReport.objects.exclude(pk=first.pk).get()
    assert second.narrative == "第一轮：体系框架尚未明确"  # pre-filled from the last report

    client.force_login(dept)
    page = client.get("/supervision/targets/Q1/").content.decode()
    table = page.split('id="target-reports"')[1].split("</table>")[0]
    assert table.index('data-period="2026-Q4"') < table.index('data-period="2026-Q3"')
    assert "第一轮：体系框架尚未明确" in table and "存在困难" in table and "尚未提交" in table
    round_page = client.get("/supervision/rounds/2026-Q4/").content.decode()
    assert 'data-target="Q1" data-state="draft"' in round_page and "0/1 已提交" in round_page
    # a unit that does not lead the target does not see it
    client.force_login(unit_b_user)
    assert client.get("/supervision/targets/Q1/").status_code == 404
    assert client.get(f"/supervision/target-reports/{second.pk}/").status_code == 404
    # in English
    client.force_login(unit_a_user)
    client.cookies["django_language"] = "en"
    en = client.get(f"/supervision/target-reports/{second.pk}/").content.decode()
    assert "Narrative" in en and "Advancing" in en and "进展情况" not in en


def test_an_open_target_report_is_reminded_and_urged(dept, unit_a_user, q1, django_capture_on_commit_callbacks):
    _open(dept, days=2)
    rep = TargetReport.objects.get()
    sent = services.reminders_send(today=timezone.localdate())
    assert sent["reminder"] == 1
    body = unit_a_user.notifications.filter(kind="reminder").get().body
    assert "定性目标 Q1" in body
    assert services.reminders_send(today=timezone.localdate())["reminder"] == 0  # not twice
    services.target_report_submit(actor=unit_a_user, report=rep, data={"status": "advancing", "narrative": "已推进"})
    later = timezone.localdate() + timedelta(days=5)
    obligations, _ = services.collect_obligations(today=later)
    (o,) = [o for o in obligations if o.ref == f"target-report:{rep.pk}"]
    assert not o.open_on(later)

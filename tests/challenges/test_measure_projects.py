"""A `project` measure (format 2) lists the 揭榜挂帅 challenges hung on it, in supervision (through the
``supervision.extensions.measure_projects`` registry the challenges app fills)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from steppe.challenges import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(regions):
    from steppe.plans.models import Action, Measure, Plan

    plan = Plan.objects.create(code="proj-test-plan", title="测试规划", period_start=2026, period_end=2027)
    action = Action.objects.create(plan=plan, code="A1", number=1, title="攻关行动", order=1)
    due = timezone.localdate() + timedelta(days=400)
    return (Measure.objects.create(plan=plan, action=action, code="A1-02", title="组织实施攻关项目", due_on=due,
                                   type="project", order=1),
            Measure.objects.create(plan=plan, action=action, code="A1-01", title="建设实验室", due_on=due,
                                   type="register", order=2))


def test_a_project_carrier_lists_its_challenges(client, dept, measures):
    carrier, other = measures
    kw = dict(actor=dept, problem="绿氢成本", budget="600", deadline=timezone.localdate() + timedelta(days=30),
              targets=[{"code": "k1", "name": "电解效率", "unit": "%", "comparison": ">=", "value": "80"}])
    hung = services.challenge_create(title="风光氢储一体化关键技术", measure=carrier, **kw)
    services.challenge_publish(actor=dept, challenge=hung)
    services.challenge_create(title="另一举措的榜单", measure=other, **kw)

    client.force_login(dept)
    page = client.get(f"/supervision/measures/{carrier.code}/").content.decode()
    projects = page.split('id="projects"')[1].split("</table>")[0]
    assert hung.code in projects and "风光氢储一体化关键技术" in projects and "张榜中" in projects
    assert "另一举措的榜单" not in projects
    overview = client.get("/supervision/overview/").content.decode()
    assert "1 个项目" in overview
    client.cookies["django_language"] = "en"
    en = client.get(f"/supervision/measures/{carrier.code}/").content.decode()
    assert "Projects on this measure" in en and "1 projects" not in en.split('id="projects"')[1][:200]

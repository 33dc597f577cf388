"""Supervision fixtures: a small plan of our own (independent of the plan file) and two lead units
(the personas they share with 揭榜挂帅 are in tests/conftest.py)."""

from datetime import date

import pytest


@pytest.fixture
def sup_plan(regions):
    from steppe.core.models import Region
    from steppe.core.services import unit_get_or_create
    from steppe.plans.models import Action, Measure, MeasureUnit, Plan, Target

    plan = Plan.objects.create(code="sup-test-plan", title="测试规划", period_start=2026, period_end=2027)
    a1 = Action.objects.create(plan=plan, code="A1", number=1, title="创新平台建设行动", order=1)
    a2 = Action.objects.create(plan=plan, code="A2", number=2, title="成果转化行动", order=2)
    unit_a = unit_get_or_create(name="单位甲")
    unit_b = unit_get_or_create(name="单位乙")
    specs = [
        (a1, "A1-01", "建设重点实验室", unit_a, ["rd_intensity"]),
        (a1, "A1-02", "建设技术创新中心", unit_b, ["tech_contract_turnover"]),
        (a2, "A2-01", "培育技术经纪人", unit_a, []),
    ]
    for i, (action, code, title, unit, indicators) in enumerate(specs):
        m = Measure.objects.create(
            plan=plan,
            action=action,
            code=code,
            title=title,
            due_on=date(2027, 12, 31),
            indicators=indicators,
            order=i,
        )
        MeasureUnit.objects.create(measure=m, unit=unit, role=MeasureUnit.Role.LEAD)
    Target.objects.create(
        plan=plan,
        code="T1",
        name="研发投入强度",
        indicator="rd_intensity",
        kind="level",
        region=Region.objects.get(code="150000"),
        target_year=2027,
        target_value=2,
    )
    return plan


@pytest.fixture
def unit_a_user(sup_plan, make_user):
    return make_user("unit-a", "lead_unit", "单位甲", "a@example.org")


@pytest.fixture
def unit_b_user(sup_plan, make_user):
    return make_user("unit-b", "lead_unit", "单位乙", "b@example.org")


@pytest.fixture
def measure(sup_plan):
    return sup_plan.measures.get(code="A1-01")

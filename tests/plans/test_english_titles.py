"""English titles of the plan's actions and measures (``title_en``): the real plan carries one for
each, the format takes it as an optional field (a plan without English still loads), refuses Chinese
in it by path, and the loader keeps it on the models (a reload with a new English title is a change)."""

from __future__ import annotations

import re

import pytest
import yaml

from steppe.plans.schema import load_plan_file, parse_plan

from .test_schema import MINIMAL, PLAN_FILE, dump, issues_of, minimal_data

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def test_every_action_and_measure_of_the_real_plan_has_an_english_title():
    spec = load_plan_file(PLAN_FILE)
    assert len(spec.actions) == 11
    for a in spec.actions:
        assert a.title_en and not CJK.search(a.title_en), a.code
        for m in a.measures:
            assert m.title_en and not CJK.search(m.title_en), m.code
    measures = {m.code: m for a in spec.actions for m in a.measures}
    assert len(measures) == 96
    assert measures["A1-13"].title_en == "Build a national supercomputing center"
    assert measures["A4-05"].title_en == 'Actively promote "enterprise innovation points loans"'


def test_a_plan_without_english_titles_still_loads():
    data = minimal_data()
    assert all("title_en" not in a for a in data["actions"])
    spec = parse_plan(MINIMAL)
    assert all(a.title_en == "" and all(m.title_en == "" for m in a.measures) for a in spec.actions)


def test_an_english_title_is_kept_and_one_with_chinese_is_refused_by_path():
    data = minimal_data()
    data["actions"][0]["title_en"] = "Platforms"
    data["actions"][0]["measures"][0]["title_en"] = "Build a laboratory"
    spec = parse_plan(dump(data))
    assert spec.actions[0].title_en == "Platforms"
    assert spec.actions[0].measures[0].title_en == "Build a laboratory"

    data["actions"][0]["measures"][0]["title_en"] = "建设实验室"
    data["actions"][0]["title_en"] = ["not", "text"]
    issues = issues_of(dump(data))
    assert any(p == "actions[0].measures[0].title_en" and "must be English" in msg for p, msg in issues)
    assert any(p == "actions[0].title_en" for p, _ in issues)


@pytest.mark.django_db
def test_the_loader_keeps_the_english_titles_and_a_new_one_is_a_change(regions):
    from steppe.plans.models import Action, Measure
    from steppe.plans.services import plan_load

    data = minimal_data()
    data["actions"][0]["title_en"] = "Platforms"
    data["actions"][0]["measures"][0]["title_en"] = "Build a laboratory"
    plan_load(text=yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    action = Action.objects.get(code=data["actions"][0]["code"])
    measure = Measure.objects.get(code=data["actions"][0]["measures"][0]["code"])
    assert (action.title_en, measure.title_en) == ("Platforms", "Build a laboratory")

    data["actions"][0]["measures"][0]["title_en"] = "Build a key laboratory"
    result = plan_load(text=yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    measure.refresh_from_db()
    assert measure.title_en == "Build a key laboratory"
    assert result.status == "updated"


@pytest.mark.django_db
def test_the_plan_api_gives_each_action_and_measure_its_english_title_beside_the_chinese(client, plan):
    data = client.get(f"/api/v1/plans/{plan.code}").json()
    a1 = next(a for a in data["actions"] if a["code"] == "A1")
    assert (a1["title"], a1["title_en"]) == ("重大创新平台能级提升行动", "Action to raise major innovation platforms")
    m = next(m for m in a1["measures"] if m["code"] == "A1-13")
    assert (m["title"], m["title_en"]) == ("建设国家超算中心", "Build a national supercomputing center")

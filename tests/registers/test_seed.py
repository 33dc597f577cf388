"""The seed: what the plan names, with the plan's own sentence and status words; loaded once."""

import importlib.resources

import pytest
import yaml

from steppe.core.models import AuditEntry
from steppe.registers.models import Cooperation, Platform, Review, TalentProgramme
from steppe.registers.seed import seed_data, seed_from_plan

pytestmark = pytest.mark.django_db


def _plan_clauses() -> list[str]:
    text = importlib.resources.files("steppe.plans").joinpath("data/nmg-sti-2023-2025.yaml").read_text("utf-8")
    plan = yaml.safe_load(text)
    return [a["clause"] for a in plan["actions"]] + [m["clause"] for a in plan["actions"] for m in a["measures"]]


def test_every_seeded_source_is_the_plans_own_sentence():
    clauses = _plan_clauses()
    data = seed_data()
    entries = data["platforms"] + data["cooperation"] + data["programmes"]
    invented = [e.get("key") or e.get("code") for e in entries if not any(e["source"] in c for c in clauses)]
    assert not invented, f"sources not found in the plan: {invented}"


def test_every_named_platform_is_there_with_the_plans_status_words(seeded):
    names = dict(Platform.objects.values_list("name", "plan_status"))
    assert names["草原保护生态学全国重点实验室"] == "培育建设"
    assert names["草原家畜生殖调控与繁育省部共建实验室"] == "重组"
    assert names["国家乳业技术创新中心"] == "加快提升"
    for crop in ("设施蔬菜", "玉米", "肉牛", "马铃薯", "大豆", "生物育种"):
        assert f"自治区{crop}种业技术创新中心" in names
    assert {"上海交大内蒙古研究院", "中国农科院北方农牧业技术创新中心"} <= set(names)
    assert Cooperation.objects.filter(name="京蒙高科异地孵化器", partner_area="beijing").exists()
    assert TalentProgramme.objects.filter(kind="service_team").count() == 1
    assert set(Platform.objects.values_list("review", flat=True)) == {Review.VERIFIED}


def test_seeded_records_serve_the_measures_the_plan_gives_them(seeded):
    lab = Platform.objects.get(name="草原保护生态学全国重点实验室")
    assert [m.code for m in lab.measures.all()] == ["A1-05"]
    assert lab.source == "培育建设草原保护生态学全国重点实验室"


def test_seeding_twice_changes_nothing_and_keeps_later_edits(seeded):
    lab = Platform.objects.get(name="国家乳业技术创新中心")
    Platform.objects.filter(pk=lab.pk).update(status="evaluated", note="later status, with its source")
    counts = (Platform.objects.count(), Cooperation.objects.count(), TalentProgramme.objects.count(),
              AuditEntry.objects.count())
    result = seed_from_plan()
    assert result["created"] == 0
    assert (Platform.objects.count(), Cooperation.objects.count(), TalentProgramme.objects.count(),
            AuditEntry.objects.count()) == counts
    assert Platform.objects.get(pk=lab.pk).status == "evaluated"


def test_the_setup_command_preloads_the_registers(plan):
    from django.core.management import call_command

    call_command("registers", "seed")
    assert Platform.objects.filter(seed_key="plan-a1-dairy-centre").exists()

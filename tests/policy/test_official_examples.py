"""Worked examples printed in the official texts, run through evaluate().

Source: 《研发费用加计扣除政策执行指引（2.0版）》 (国家税务总局所得税司, 科技部政策法规与创新体系建设司,
2023-07), transcription T/研发费用加计扣除政策执行指引2.0.md (policy-rules.md §C). The guide
rounds each displayed step to 0.01万元; the engine keeps full precision, so we compare at 0.01.
"""

import pytest

from steppe.policy.engine import evaluate


def _case(year: int, **row):
    data = {"employees": 50, "tech_staff": 20, "revenue": 5000, "rd_expense": 200}
    data.update(row)
    return {"enterprise": {"registered_on": "2010-01-01", "industry": "C3985"}, "years": {str(year): data}}


TWO_PROJECTS = [
    {"name": "A", "five_items": 88, "other_related": 12, "capitalized": False},
    {"name": "B", "five_items": 84, "other_related": 8, "capitalized": False},
]


def test_guide_2_0_other_related_cap_over_all_projects_2023():
    """四(二)3: 甲企业2023年 A 五项 88 其他 12, B 五项 84 其他 8 → 限额 19.11 < 20;
    允许加计扣除的研发费用 191.11; 加计扣除额 191.11 (× 100%)."""
    out = evaluate(_case(2023, rd_projects=TWO_PROJECTS), 2023)["super_deduction"]
    assert out["other_cap"] == pytest.approx(19.11, abs=0.01)
    assert out["other_allowed"] == pytest.approx(19.11, abs=0.01)
    assert out["eligible_rd"] == pytest.approx(191.11, abs=0.01)
    assert out["rate"] == 1.0
    assert out["amount"] == pytest.approx(191.11, abs=0.01)


def test_the_same_projects_before_2021_are_capped_per_project():
    """Before 2021 (97号公告) the cap is per project: A 88 × 10/90 = 9.78 < 12, B 84 × 10/90 = 9.33 > 8
    → 88 + 9.78 + 84 + 8 = 189.78, at 75% in 2020."""
    out = evaluate(_case(2020, rd_projects=TWO_PROJECTS), 2020)["super_deduction"]
    assert out["other_allowed"] == pytest.approx(17.78, abs=0.01)
    assert out["eligible_rd"] == pytest.approx(189.78, abs=0.01)
    assert out["amount"] == pytest.approx(189.78 * 0.75, abs=0.01)


def test_guide_2_0_entrusted_to_a_related_party():
    """四(二)6: A企业2023年委托关联企业B研发, 支付 100万元 → 100 × 80% × 100% = 80万元."""
    out = evaluate(_case(2023, rd_expense=0, rd_entrusted_domestic=100), 2023)["super_deduction"]
    assert out["eligible_rd"] == pytest.approx(80)
    assert out["amount"] == pytest.approx(80)


def test_guide_2_0_government_grant_net_method():
    """四(三)3: 研发费用 200万元, 政府补助 50万元 (净额法, 未纳税调整) → 加计扣除 150 × 100% = 150万元."""
    out = evaluate(_case(2023, rd_expense=150), 2023)["super_deduction"]
    assert out["amount"] == pytest.approx(150)


def test_guide_2_0_accelerated_depreciation():
    """四(四)1: 税前扣除的折旧 200万元 (1200/6) → 2023 加计扣除 200 × 100% = 200万元."""
    projects = [{"name": "设备折旧", "five_items": 200, "other_related": 0, "capitalized": False}]
    out = evaluate(_case(2023, rd_expense=200, rd_projects=projects), 2023)["super_deduction"]
    assert out["amount"] == pytest.approx(200)


def test_guide_2_0_special_income_deducted_never_negative():
    """四(三)1: 特殊收入 is deducted in the year it is recognised; if R&D does not absorb it, zero."""
    out = evaluate(_case(2023, rd_expense=30, rd_special_income=50), 2023)["super_deduction"]
    assert out["eligible_rd"] == 0 and out["amount"] == 0


def test_nmg_first_hte_reward_matches_the_2021_total():
    """2021: 252 first-time HTEs rewarded 7,560万元 in total = 30万元 each (policy-rules.md §F)."""
    from steppe.policy.rules import system

    assert system().parameters.rewards.nmg.first_hte("2021-06-01") * 252 == 7560

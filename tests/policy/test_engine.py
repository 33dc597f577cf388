"""evaluate(): the §3 input/output names, the §A.7 edge cases, the --year convention,
the trace, the distance to qualifying and the error messages naming the field."""

import copy

import numpy as np
import pytest

from steppe.policy.engine import CaseError, evaluate, evaluate_many


def _case(**year):
    data = {"employees": 100, "tech_staff": 30, "revenue": 1000, "total_assets": 1000, "rd_expense": 50}
    data.update(year)
    return {"enterprise": {"registered_on": "2015-06-01", "region": "150203"}, "years": {"2024": data}}


def test_output_has_the_issue_names():
    out = evaluate(_case(), 2024)
    assert set(out["tsme"]) >= {"eligible", "score", "staff_points", "rd_points", "ip_points", "route"}
    assert set(out["hte"]) >= {
        "eligible",
        "rd_ratio",
        "rd_ratio_required",
        "tech_staff_ratio",
        "hightech_revenue_share",
        "growth_points",
        "failed",
    }
    assert set(out["super_deduction"]) >= {"excluded", "rate", "other_cap", "eligible_rd", "amount"}
    assert set(out["tech_transfer"]) >= {"exempt", "halved", "tax"}
    assert isinstance(out["trace"], list) and out["trace"]


def test_staff_ratio_exactly_10_percent_scores_4():
    out = evaluate(_case(employees=100, tech_staff=10), 2024)
    assert out["tsme"]["staff_points"] == 4


def test_staff_ratio_9_99_percent_scores_0_and_fails_even_at_80():
    out = evaluate(_case(employees=1001, tech_staff=100, rd_expense=100, ip_class_i=1), 2024)
    assert out["tsme"]["staff_points"] == 0
    assert out["tsme"]["score"] == 80
    assert out["tsme"]["eligible"] is False
    staff = [d for d in out["distance"] if d["policy"] == "tsme" and d["condition"] == "staff_points"]
    assert staff and staff[0]["gap"] == 1  # one more tech staff: 101/1002 ≥ 10%


def test_total_of_exactly_60_passes():
    out = evaluate(_case(employees=100, tech_staff=30, rd_expense=50), 2024)
    assert out["tsme"]["score"] == 60
    assert out["tsme"]["eligible"] is True
    assert out["tsme"]["route"] == "score"


def test_no_ip_can_pass_at_70():
    out = evaluate(_case(employees=100, tech_staff=30, rd_expense=60), 2024)
    assert out["tsme"]["score"] == 70 and out["tsme"]["ip_points"] == 0
    assert out["tsme"]["eligible"] is True


def test_501_employees_ineligible_even_with_hte_certificate():
    case = _case(employees=501, tech_staff=200, rd_expense=100)
    case["enterprise"]["hte_certificate_issued_on"] = "2023-10-01"
    out = evaluate(case, 2024)
    assert out["tsme"]["eligible"] is False
    assert out["tsme"]["route"] is None
    case["years"]["2024"]["employees"] = 500
    assert evaluate(case, 2024)["tsme"]["route"] == "score"


def test_hte_certificate_confirms_directly():
    case = _case(tech_staff=0, rd_expense=0)
    case["enterprise"]["hte_certificate_issued_on"] = "2023-10-01"
    out = evaluate(case, 2024)
    assert out["tsme"]["eligible"] is True and out["tsme"]["route"] == "direct_hte"


def test_revenue_and_assets_of_exactly_20000_are_eligible():
    out = evaluate(_case(revenue=20000, total_assets=20000, rd_expense=1200), 2024)
    assert out["tsme"]["size_ok"] is True and out["tsme"]["eligible"] is True


def test_short_term_part_time_staff_count_in_neither():
    out = evaluate(
        _case(employees=110, tech_staff=20, employees_short_term=10, tech_staff_short_term=10), 2024
    )
    assert out["tsme"]["staff_points"] == 4  # 10 / 100


def _hte_case():
    return {
        "enterprise": {"registered_on": "2015-01-01", "industry": "C3911", "compliance_ok": True},
        "years": {
            "2022": {
                "employees": 90,
                "tech_staff": 20,
                "revenue": 4000,
                "net_assets": 1000,
                "rd_expense": 120,
                "conversions": 4,
            },
            "2023": {
                "employees": 95,
                "tech_staff": 20,
                "revenue": 4500,
                "net_assets": 1100,
                "rd_expense": 140,
                "conversions": 4,
            },
            "2024": {
                "employees": 100,
                "tech_staff": 20,
                "revenue": 5000,
                "income_total": 5000,
                "net_assets": 1210,
                "hightech_revenue": 3500,
                "rd_expense": 160,
                "ip_class_i": 2,
                "conversions": 4,
            },
        },
    }


def test_hte_uses_the_three_years_before_the_application():
    out = evaluate(_hte_case(), 2024)
    hte = out["hte"]
    assert hte["application_year"] == 2025 and hte["accounting_years"] == [2022, 2023, 2024]
    assert hte["rd_ratio"] == pytest.approx(420 / 13500, abs=1e-6)
    assert hte["rd_ratio_required"] == 0.05  # 2024 revenue 5000 (含)
    assert hte["eligible"] is False and hte["failed"] == ["rd_ratio"]
    msg = next(d for d in out["distance"] if d["condition"] == "rd_ratio")
    assert msg["message_en"] == "R&D ratio 3.1%, need 5.0%"
    assert msg["gap"] == pytest.approx(0.05 * 13500 - 420, abs=0.01)


def test_hte_depends_on_expert_score_when_only_expert_parts_decide():
    case = _hte_case()
    for y, rd in (("2022", 250), ("2023", 250), ("2024", 250)):
        case["years"][y]["rd_expense"] = rd
    out = evaluate(case, 2024)
    assert out["hte"]["failed"] == []
    assert out["hte"]["eligible"] is None
    lo, hi = out["hte"]["innovation_points"]
    assert lo < 71 <= hi
    case["years"]["2024"]["expert_scores"] = {
        "ip_advancement": 8,
        "ip_core_support": 8,
        "ip_acquisition": 6,
        "standard_bonus": 2,
        "rd_management": 18,
    }
    out = evaluate(case, 2024)
    assert out["hte"]["eligible"] is True
    assert out["hte"]["rewards"]["nmg_first_hte"] == 30


def test_growth_exactly_5_percent_is_reported_ambiguous():
    case = _hte_case()
    case["years"]["2022"]["net_assets"] = 1000
    case["years"]["2023"]["net_assets"] = 1000
    case["years"]["2024"]["net_assets"] = 1100
    out = evaluate(case, 2024)
    assert out["hte"]["growth_ambiguous"] is True
    assert any(d["condition"] == "growth_ambiguous" for d in out["distance"])


def test_hte_tech_staff_distance_says_how_many_to_add():
    case = _hte_case()
    case["years"]["2024"]["tech_staff"] = 7  # 7%: need (10 - 7) / 0.9 = 3.33 -> 4 new hires
    out = evaluate(case, 2024)
    d = next(d for d in out["distance"] if d["condition"] == "tech_staff_ratio")
    assert d["gap"] == 4 and d["message_en"] == "add 4 tech staff"


def test_super_deduction_with_projects_and_the_2021_pooled_cap():
    case = _case()
    case["years"]["2024"]["rd_projects"] = [
        {"name": "A", "five_items": 45, "other_related": 20, "capitalized": False},
        {"name": "B", "five_items": 45, "other_related": 0, "capitalized": False},
    ]
    out = evaluate(case, 2024)["super_deduction"]
    assert out["other_cap"] == pytest.approx(10)
    assert out["eligible_rd"] == pytest.approx(100)
    assert out["rate"] == 1.0 and out["amount"] == pytest.approx(100)


def test_super_deduction_2020_caps_per_project():
    case = copy.deepcopy(_case())
    case["years"]["2020"] = case["years"].pop("2024")
    case["years"]["2020"]["rd_projects"] = [
        {"name": "A", "five_items": 45, "other_related": 20, "capitalized": False},
        {"name": "B", "five_items": 45, "other_related": 0, "capitalized": False},
    ]
    out = evaluate(case, 2020)["super_deduction"]
    assert out["other_allowed"] == pytest.approx(5)  # project A alone: 45 × 10/90
    assert out["eligible_rd"] == pytest.approx(95)
    assert out["rate"] == 0.75 and out["amount"] == pytest.approx(71.25)


def test_negative_list_industry_is_excluded_and_says_why():
    case = _case()
    case["enterprise"]["industry"] = "F5191"
    out = evaluate(case, 2024)
    assert out["super_deduction"]["excluded"] is True and out["super_deduction"]["amount"] == 0
    assert any(d["condition"] == "excluded" for d in out["distance"])


def test_tsme_rate_2022_needs_a_2023_number_with_code_zero():
    case = copy.deepcopy(_case())
    case["years"]["2022"] = case["years"].pop("2024")
    case["enterprise"]["tsme_registration_number"] = "2023150203000045"
    assert evaluate(case, 2022)["super_deduction"]["rate"] == 1.0
    case["enterprise"]["tsme_registration_number"] = "2023150203A00045"
    out = evaluate(case, 2022)["super_deduction"]
    assert out["rate"] == 0.75 and out["effective_rate"] == 0.8125


def test_tech_transfer_relief():
    out = evaluate(_case(tech_transfer_income=600), 2024)["tech_transfer"]
    assert out == {"exempt": 500.0, "halved": 100.0, "tax": 12.5, "value": 137.5}


def test_trace_names_rule_formula_parameters_dates_and_references():
    out = evaluate(_case(), 2023)
    rate = next(t for t in out["trace"] if t["rule"] == "sd_rate")
    assert rate["formula"] == "formula_2023_01"
    general = next(p for p in rate["parameters"] if p["name"] == "super_deduction.rate.general")
    assert general["value"] == 1.0 and general["since"] == "2023-01-01"
    assert "2023年第7号" in general["reference"] and general["reliability"] == "R"
    out = evaluate(_case(), 2019)
    rate = next(t for t in out["trace"] if t["rule"] == "sd_rate")
    assert rate["formula"] == "formula_2017_01"
    general = next(p for p in rate["parameters"] if p["name"] == "super_deduction.rate.general")
    assert general["value"] == 0.75 and general["since"] == "2018-01-01"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: c["years"]["2024"].update(tech_staff=-1), "years.2024.tech_staff: must be a number ≥ 0"),
        (
            lambda c: c["years"]["2024"].update(tech_staff="ten"),
            "years.2024.tech_staff: must be a number ≥ 0",
        ),
        (
            lambda c: c["years"]["2024"].update(tech_staff=200),
            "years.2024.tech_staff: must not exceed employees",
        ),
        (
            lambda c: c["years"]["2024"].update(ip_class_i=1.5),
            "years.2024.ip_class_i: must be an integer ≥ 0",
        ),
        (lambda c: c["years"]["2024"].update(revenu=10), "years.2024.revenu: unknown field"),
        (
            lambda c: c["enterprise"].update(registered_on="2015-13-01"),
            "enterprise.registered_on: must be a date",
        ),
        (lambda c: c["enterprise"].update(industry="Z99"), "enterprise.industry: not a GB/T 4754-2017 code"),
        (
            lambda c: c["enterprise"].update(tsme_registration_number="2023X"),
            "enterprise.tsme_registration_number",
        ),
        (lambda c: c["years"].update({"24": {}}), "years.24: year keys must be 4-digit years"),
        (
            lambda c: c["years"]["2024"].update(income_by_industry={"F51": -1}),
            "years.2024.income_by_industry.F51: must be a number ≥ 0",
        ),
        (
            lambda c: c["years"]["2024"].update(rd_projects=[{"five_items": "x"}]),
            "years.2024.rd_projects[0].five_items",
        ),
    ],
)
def test_malformed_case_names_the_field(mutate, field):
    case = _case()
    mutate(case)
    with pytest.raises(CaseError) as err:
        evaluate(case, 2024)
    assert str(err.value).startswith(field)


def test_evaluate_many_matches_evaluate():
    n = 5
    cols = {
        "enterprise": {"registered_on": np.array(["2015-01-01"] * n, dtype="datetime64[D]")},
        "years": {
            2024: {
                "employees": np.full(n, 100.0),
                "tech_staff": np.array([5, 10, 15, 20, 30.0]),
                "revenue": np.full(n, 1000.0),
                "rd_expense": np.full(n, 60.0),
                "rd_five_expensed": np.full(n, 60.0),
            }
        },
    }
    res = evaluate_many(cols, 2024)
    assert list(res["tsme_staff_points"]) == [0, 4, 8, 12, 20]
    assert list(res["tsme_eligible"]) == [False, False, False, True, True]
    assert list(res["sd_amount"]) == [60.0] * n


def test_hightech_field_outside_the_8_fields_fails():
    case = _hte_case()
    case["enterprise"]["hightech_field"] = "其他"
    assert "hightech_field" in evaluate(case, 2024)["hte"]["failed"]
    case["enterprise"]["hightech_field"] = "新材料"
    assert "hightech_field" not in evaluate(case, 2024)["hte"]["failed"]


def test_trace_of_the_2022_q4_rate_and_the_reward_read_their_own_dates():
    case = copy.deepcopy(_case())
    case["years"]["2022"] = case["years"].pop("2024")
    eff = next(t for t in evaluate(case, 2022)["trace"] if t["rule"] == "sd_effective_rate")
    q4 = next(p for p in eff["parameters"] if p["name"] == "super_deduction.rate.q4_2022")
    assert q4["value"] == 1.0 and q4["since"] == "2022-10-01" and "2022年第28号" in q4["reference"]
    case["years"]["2020"] = case["years"].pop("2022")
    rew = next(t for t in evaluate(case, 2020)["trace"] if t["rule"] == "reward_first_hte")
    assert rew["parameters"][0]["value"] == 30 and rew["parameters"][0]["since"] == "2021-01-01"


def test_no_employees_declared_asks_for_at_least_one_tech_staff():
    out = evaluate(_case(employees=0, tech_staff=0), 2024)
    d = next(d for d in out["distance"] if d["condition"] == "staff_points")
    assert d["gap"] >= 1


def test_recognitions_rewards_and_their_validation():
    out = evaluate(_case(recognitions=["little_giant"]), 2024)
    assert out["rewards"]["nmg_recognitions"] == 100 and out["rewards"]["total"] >= 100
    with pytest.raises(CaseError, match=r"^years\.2024\.recognitions: must be a list of"):
        evaluate(_case(recognitions=["giant"]), 2024)


@pytest.mark.parametrize("year", [2008, 2012, 2014])
def test_years_before_the_encoded_tsme_and_hte_rules_say_so(year):
    case = {
        "enterprise": {"registered_on": "2005-01-01"},
        "years": {str(year): {"employees": 10, "revenue": 100, "rd_expense": 5}},
    }
    out = evaluate(case, year)
    assert out["tsme"]["eligible"] is None and out["hte"]["eligible"] is None
    assert out["super_deduction"]["rate"] == 0.5
    assert any("not encoded" in n for n in out["notes"])


def test_the_first_tsme_round_judged_the_2016_accounts():
    out = evaluate(
        {
            "enterprise": {"registered_on": "2010-01-01"},
            "years": {"2016": {"employees": 100, "tech_staff": 30, "revenue": 1000, "rd_expense": 60}},
        },
        2016,
    )
    assert out["tsme"]["eligible"] is True and out["tsme"]["score"] == 70


def test_2020_per_project_cap_keeps_capitalised_projects_out_of_the_expensed_base():
    """97号公告: A expensed (90 + 20 other → 10 allowed), B capitalised (90 + 5 → 5 allowed): this
    year's eligible R&D is 90 + 10 = 100 (B enters through its amortisation), at 75%."""
    projects = [
        {"name": "A", "five_items": 90, "other_related": 20, "capitalized": False},
        {"name": "B", "five_items": 90, "other_related": 5, "capitalized": True},
    ]
    case = _case(rd_projects=projects, rd_expense=205)
    case["years"]["2020"] = case["years"].pop("2024")
    out = evaluate(case, 2020)["super_deduction"]
    assert out["other_allowed"] == pytest.approx(15)
    assert out["eligible_rd"] == pytest.approx(100)
    assert out["amount"] == pytest.approx(75)


@pytest.mark.parametrize(("year", "extended"), [(2017, []), (2018, [2013, 2014, 2015, 2016, 2017])])
def test_loss_extension_starts_in_2018(year, extended):
    case = _case()
    case["enterprise"]["hte_certificate_issued_on"] = "2016-10-01"
    case["years"][str(year)] = case["years"].pop("2024")
    out = evaluate(case, year)["loss_carryforward"]
    assert out["qualified"] is True  # status held
    assert out["extended_loss_years"] == extended


def test_2015_accounts_are_judged_for_an_hte_application_in_2016_but_no_tsme_yet():
    """国科发火〔2016〕32号 took effect on 2016-01-01: a 2016 application judges 2013-2015."""
    row = {"employees": 100, "tech_staff": 10, "revenue": 4000, "rd_expense": 200, "hightech_revenue": 3000}
    case = {
        "enterprise": {"registered_on": "2005-01-01"},
        "years": {str(y): dict(row, ip_class_i=1, conversions=5) for y in (2013, 2014, 2015)},
    }
    out = evaluate(case, 2015)
    assert out["tsme"]["eligible"] is None  # the tech SME evaluation starts with the 2016 accounts
    assert out["hte"]["application_year"] == 2016
    assert out["hte"]["rd_ratio"] == pytest.approx(0.05) and out["hte"]["rd_ratio_required"] == 0.05
    assert out["hte"]["tech_staff_ratio"] == pytest.approx(0.10)
    assert out["hte"]["failed"] == [] and out["hte"]["eligible"] is None  # expert score decides


def test_a_case_without_registration_date_or_enterprise_block_is_evaluated_with_a_note():
    case = _case(employees=100, tech_staff=30, rd_expense=50)
    del case["enterprise"]
    out = evaluate(case, 2024)
    assert out["tsme"]["score"] == 60 and out["tsme"]["eligible"] is True
    assert "registration_age" not in out["hte"]["failed"]
    assert any(n.startswith("enterprise.registered_on not given") for n in out["notes"])


def test_an_empty_certificate_date_means_no_certificate():
    case = _case()
    case["enterprise"]["hte_certificate_issued_on"] = ""
    out = evaluate(case, 2024)
    assert out["hte"]["certificate_valid"] is False and out["tax_rate"]["hte_rate_status"] == "none"

"""科技型中小企业评价 (国科发政〔2017〕115号, with the 2022 工作指引 and annual-notice overrides).

The period is the accounting year Y whose data decide; they are filed in Y+1. The 办法 took
effect on 2017-05-03 and its first round (2017) judged the 2016 accounts, so the formulas are
dated 2016-01 (formula_2016_01) and the parameters 2016-01-01.
"""

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ..entities import Enterprise
from .common import band, ratio, uses

YEAR = DateUnit.YEAR
REF = "国科发政〔2017〕115号 科技型中小企业评价办法"

# route codes (tsme_route)
ROUTES = ["none", "score", "direct_hte", "direct_award", "direct_rd_institution", "direct_standard"]


class tsme_employees(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "职工总数 counted (part-time/temporary under 6 months excluded)"
    reference = REF + " 第九条"

    def formula(e, period):  # a head-count definition, also read by the HTE pre-check
        return np.maximum(0, e("employees", period) - e("employees_short_term", period))


class tsme_tech_staff(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技人员数 counted (part-time/temporary under 6 months excluded)"
    reference = REF + " 第九条"

    def formula(e, period):  # a head-count definition, also read by the HTE pre-check
        return np.maximum(0, e("tech_staff", period) - e("tech_staff_short_term", period))


@uses("tsme.size.employees_max", "tsme.size.revenue_max", "tsme.size.assets_max")
class tsme_size_ok(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "规模条件: 职工 ≤ 500, 销售收入 ≤ 2亿, 资产总额 ≤ 2亿 (含)"
    reference = REF + " 第六条(二)"

    def formula_2016_01(e, period, parameters):
        p = parameters(period).tsme.size
        return (
            (e("tsme_employees", period) <= p.employees_max)
            * (e("revenue", period) <= p.revenue_max)
            * (e("total_assets", period) <= p.assets_max)
        )


class tsme_staff_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技人员数 / 职工总数"
    reference = REF + " 第七条(一)"

    def formula_2016_01(e, period):
        return ratio(e("tsme_tech_staff", period), e("tsme_employees", period))


@uses("tsme.scoring.staff_thresholds", "tsme.scoring.staff_points")
class tsme_staff_points(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技人员指标 (max 20)"
    reference = REF + " 第七条(一)"

    def formula_2016_01(e, period, parameters):
        p = parameters(period).tsme.scoring
        return band(e("tsme_staff_ratio", period), p.staff_thresholds, p.staff_points)


class tsme_rd_revenue_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "研发费用总额 / 销售收入总额"
    reference = REF + " 第七条(二)1"

    def formula_2016_01(e, period):
        return ratio(e("rd_expense", period), e("revenue", period))


class tsme_rd_cost_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "研发费用总额 / 成本费用支出总额"
    reference = REF + " 第七条(二)2"

    def formula_2016_01(e, period):
        return ratio(e("rd_expense", period), e("total_costs", period))


@uses(
    "tsme.scoring.rd_revenue_thresholds",
    "tsme.scoring.rd_cost_thresholds",
    "tsme.scoring.rd_points",
)
class tsme_rd_points(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "研发投入指标 (max 50): the better of the two measures"
    reference = REF + " 第七条(二)"

    def formula_2016_01(e, period, parameters):
        p = parameters(period).tsme.scoring
        by_revenue = band(e("tsme_rd_revenue_ratio", period), p.rd_revenue_thresholds, p.rd_points)
        by_cost = band(e("tsme_rd_cost_ratio", period), p.rd_cost_thresholds, p.rd_points)
        return np.maximum(by_revenue, by_cost)


@uses(
    "tsme.scoring.ip_class_i_points", "tsme.scoring.ip_class_ii_thresholds", "tsme.scoring.ip_class_ii_points"
)
class tsme_ip_points(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技成果指标 (max 30)"
    reference = REF + " 第七条(三)"

    def formula_2016_01(e, period, parameters):
        p = parameters(period).tsme.scoring
        class_ii = band(e("ip_class_ii", period), p.ip_class_ii_thresholds, p.ip_class_ii_points)
        return np.where(e("ip_class_i", period) >= 1, p.ip_class_i_points, class_ii)


class tsme_score(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "综合评价得分 = staff + R&D + IP"
    reference = REF + " 第七条"

    def formula_2016_01(e, period):
        return e("tsme_staff_points", period) + e("tsme_rd_points", period) + e("tsme_ip_points", period)


class tsme_compliance_ok(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "第六条(四): no serious accident, violation, misconduct or listing in the accounting year and the filing year"
    reference = (
        REF + " 第六条(四) (上一年及当年); 2023 notice: previous accounting year + current year; "
        "2025 round: 近两年 (工企业函〔2025〕137号 [S]) - the same two years for data year Y: Y and Y+1"
    )

    def formula_2016_01(e, period):
        # data of year Y are filed in Y+1: the window is Y (上一年) and Y+1 (当年, as far as known)
        return e("compliance_ok", period) * e("compliance_ok", period.offset(1))


@uses("tsme.scoring.rd_aux_ledger_required")
class tsme_basic_ok(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "第六条(一)-(四) (and (六) from the 2025 round, i.e. 2024 accounts): resident, size, not prohibited, compliance"
    reference = REF + " 第六条"

    def formula_2016_01(e, period, parameters):
        ledger_ok = np.logical_or(
            not parameters(period).tsme.scoring.rd_aux_ledger_required, e("rd_aux_ledger", period)
        )
        return (
            e("tsme_size_ok", period)
            * e("tsme_compliance_ok", period)
            * e("taxed_on_actual_accounts", period)
            * ledger_ok
        )


class hte_certificate_valid(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "a 高新技术企业 certificate valid during the year (3 years from the issue date)"
    reference = "国科发火〔2016〕32号 第九条"

    def formula(e, period, parameters):
        held = e("hte_certificate_held", period)
        y0 = e("hte_certificate_issue_year", period)
        y = period.start.year
        n = parameters(period).hte.conditions.validity_years
        # valid into year y0 + n unless issued on 1 January (then it ends on 31 December of y0 + n − 1)
        last = np.where(e("hte_certificate_issued_jan1", period), y0 + n - 1, y0 + n)
        return held * (y0 <= y) * (y <= last)


class hte_certificate_issue_year(Variable):
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    value_type = int
    label = "year of the HTE certificate's issue date"
    reference = "国科发火〔2016〕32号 第九条, 第十条"

    def formula(e, period):
        from .common import year_of

        return year_of(e("hte_certificate_issued_on", period))


class hte_certificate_issued_jan1(Variable):
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    value_type = bool
    label = "the certificate was issued on 1 January"
    reference = "国科发火〔2016〕32号 第九条"

    def formula(e, period):
        issued = e("hte_certificate_issued_on", period).astype("datetime64[D]")
        return issued == issued.astype("datetime64[Y]").astype("datetime64[D]")


class tsme_route(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = int
    label = "0 none, 1 score, 2 direct (HTE), 3 direct (national award), 4 direct (R&D institution), 5 direct (standard)"
    reference = REF + " 第六条(五), 第八条"

    def formula_2016_01(e, period, parameters):
        basic = e("tsme_basic_ok", period)
        p = parameters(period).tsme.scoring
        scored = (e("tsme_score", period) >= p.pass_score) * (e("tsme_staff_points", period) > 0)
        route = np.select(
            [
                scored,
                e("hte_certificate_valid", period),
                e("national_award_5y", period),
                e("rd_institution", period),
                e("led_standard_5y", period),
            ],
            [1, 2, 3, 4, 5],
            0,
        )
        return np.where(basic, route, 0)


@uses("tsme.scoring.pass_score")
class tsme_eligible(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = (
        "科技型中小企业 (score ≥ 60 with staff points > 0, or direct confirmation; 第六条(一)-(四) always)"
    )
    reference = REF + " 第六条, 第八条"

    def formula_2016_01(e, period):
        return e("tsme_route", period) > 0


class tsme_status_for_rate(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "TSME status for the super-deduction rate on year-Y R&D: a year-Y number, or a year-Y+1 number with 11th character 0"
    reference = "国科发火〔2018〕11号 [S]; 广东省税务局 指引 case 十四 [R]"

    def formula(e, period):
        nxt = period.offset(1)
        return e("tsme_number_issued", period) + e("tsme_number_issued", nxt) * e(
            "tsme_number_code_zero", nxt
        )

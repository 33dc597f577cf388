"""研发费用加计扣除 (财税〔2015〕119号, 2021年第28号, 2023年第7号, 2023年第44号 ...).

Period = the year the R&D expense is incurred.
"""

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ..entities import Enterprise
from .common import EPS, ratio, uses

YEAR = DateUnit.YEAR


class sd_negative_list_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "negative-list main-business revenue / (收入总额 − 不征税收入 − 投资收益)"
    reference = "国家税务总局公告2015年第97号 四"

    def formula_2008_01(e, period):
        den = e("income_total", period) - e("non_taxable_income", period) - e("investment_income", period)
        return ratio(e("negative_list_income", period), den)


@uses("super_deduction.scope.negative_list", "super_deduction.scope.negative_list_max_share")
class sd_excluded(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "excluded: negative-list share > 50% (exactly 50% stays eligible), or not 查账征收"
    reference = "财税〔2015〕119号 四; 国家税务总局公告2015年第97号"

    def formula_2008_01(e, period):
        return ~e("taxed_on_actual_accounts", period)

    def formula_2016_01(e, period, parameters):
        limit = parameters(period).super_deduction.scope.negative_list_max_share
        over = e("sd_negative_list_ratio", period) > limit + EPS
        return over + ~e("taxed_on_actual_accounts", period)


class sd_manufacturing_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "manufacturing main-business revenue / 收入总额 (incl. investment income and 不征税收入)"
    reference = "财政部 税务总局公告2021年第13号; 广东 guide Q&A 2.7"

    def formula_2021_01(e, period):
        return ratio(e("manufacturing_income", period), e("income_total", period))


@uses("super_deduction.scope.manufacturing_min_share")
class sd_is_manufacturing(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "制造业企业 (≥ 50%), 2021-2022"
    reference = "财政部 税务总局公告2021年第13号"

    def formula_2021_01(e, period, parameters):
        p = parameters(period).super_deduction.scope
        return e("sd_manufacturing_ratio", period) + EPS >= p.manufacturing_min_share


_RATES = (
    "super_deduction.rate.general",
    "super_deduction.rate.tsme",
    "super_deduction.rate.manufacturing",
    "super_deduction.rate.ic_machine_tool",
)


@uses(*_RATES)
class sd_rate(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "加计扣除比例 for expensed R&D by year and enterprise type (IA amortised at 1 + rate)"
    reference = "see super_deduction.rate.* (dated)"

    def formula_2008_01(e, period, parameters):
        return np.full(e.count, parameters(period).super_deduction.rate.general)

    def formula_2017_01(e, period, parameters):
        r = parameters(period).super_deduction.rate
        return np.where(e("tsme_status_for_rate", period), max(r.tsme, r.general), r.general)

    def formula_2021_01(e, period, parameters):
        r = parameters(period).super_deduction.rate
        base = np.full(e.count, r.general)
        base = np.maximum(base, np.where(e("sd_is_manufacturing", period), r.manufacturing, 0.0))
        return np.maximum(base, np.where(e("tsme_status_for_rate", period), r.tsme, 0.0))

    def formula_2023_01(e, period, parameters):
        r = parameters(period).super_deduction.rate
        return np.maximum(r.general, np.where(e("ic_or_machine_tool", period), r.ic_machine_tool, 0.0))


@uses("super_deduction.rate.q4_2022")
class sd_effective_rate(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "rate applied to the year's eligible R&D (2022: 75% enterprises get 100% on their Q4 share)"
    reference = "财政部 税务总局 科技部公告2022年第28号 (Q4 allocation [M])"

    def formula_2008_01(e, period):
        return e("sd_rate", period)

    def formula_2022_01(e, period, parameters):
        base = e("sd_rate", period)
        q4 = parameters("2022-10-01").super_deduction.rate.q4_2022
        share = e("rd_q4_share", period)
        share = np.where(share < 0, 3 / 12, np.clip(share, 0, 1))  # [M] default: allocation by months
        return np.where(base < q4, base + (q4 - base) * share, base)

    def formula_2023_01(e, period):
        return e("sd_rate", period)


class sd_five_items(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "five-item base (items 1-5), expensed + capitalised-this-year"
    reference = "研发费用加计扣除政策执行指引2.0 四(二)4"

    def formula_2008_01(e, period):
        return e("rd_five_expensed", period) + e("rd_five_capitalized", period)


@uses("super_deduction.scope.other_related_cap_ratio", "super_deduction.scope.other_related_pooled")
class sd_other_cap(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "limit on 其他相关费用: per project before 2021, all projects together from 2021"
    reference = "国家税务总局公告2015年第97号; 国家税务总局公告2021年第28号 第三条"

    def formula_2008_01(e, period):
        return e("rd_other_limit_by_project", period)

    def formula_2021_01(e, period, parameters):
        r = parameters(period).super_deduction.scope.other_related_cap_ratio
        return e("sd_five_items", period) * r / (1 - r)


class sd_other_allowed(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "其他相关费用 allowed"
    reference = "国家税务总局公告2015年第97号; 国家税务总局公告2021年第28号 第三条"

    def formula_2008_01(e, period):
        return e("rd_other_allowed_by_project", period)

    def formula_2021_01(e, period):
        actual = e("rd_other_expensed", period) + e("rd_other_capitalized", period)
        return np.minimum(actual, e("sd_other_cap", period))


@uses("super_deduction.scope.entrusted_share", "super_deduction.scope.overseas_cap_ratio")
class sd_eligible_rd(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "eligible R&D base this year = expensed part + IA amortisation − special income (never negative)"
    reference = "A107012 logic (执行指引2.0); 财税〔2018〕64号 (overseas)"

    def formula_2008_01(e, period, parameters):
        # per project (97号公告): the expensed projects keep their own allowed other expenses
        allowed = e("sd_other_allowed", period)
        other_expensed = np.maximum(0.0, allowed - e("rd_other_allowed_capitalized_by_project", period))
        return _eligible(e, period, parameters, allowed, other_expensed)

    def formula_2021_01(e, period, parameters):
        # all projects together (2021年第28号): allowed / actual is applied to each project's actual
        allowed = e("sd_other_allowed", period)
        other_actual = e("rd_other_expensed", period) + e("rd_other_capitalized", period)
        other_expensed = ratio(allowed, other_actual) * e("rd_other_expensed", period)
        return _eligible(e, period, parameters, allowed, other_expensed)


def _eligible(e, period, parameters, allowed, other_expensed):
    p = parameters(period).super_deduction.scope
    five = e("sd_five_items", period)
    domestic = p.entrusted_share * e("rd_entrusted_domestic", period)
    overseas = np.minimum(
        p.entrusted_share * e("rd_entrusted_overseas", period),
        (five + allowed + domestic) * p.overseas_cap_ratio,
    )
    expensed = e("rd_five_expensed", period) + other_expensed + domestic + overseas
    base = expensed + e("rd_ia_amortization", period) - e("rd_special_income", period)
    return np.maximum(0.0, base)


class sd_amount(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "加计扣除额 = eligible R&D × effective rate (0 when excluded)"
    reference = "A107012 row 51"

    def formula_2008_01(e, period):
        return np.where(
            e("sd_excluded", period), 0.0, e("sd_eligible_rd", period) * e("sd_effective_rate", period)
        )


class sd_tax_value(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "estimated tax saved = deduction × the enterprise's EIT rate (if profitable)"
    reference = "estimate"

    def formula_2008_01(e, period):
        return e("sd_amount", period) * e("eit_rate", period)

"""15% HTE rate, loss carry-forward window, technology-transfer income relief."""

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ..entities import Enterprise
from .common import uses

YEAR = DateUnit.YEAR


@uses("hte.conditions.validity_years")
class hte_rate_status(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = int
    label = "15% rate: 2 applies (issue year and the next two), 1 expiry year (prepay 15%, final only if re-recognised), 0 none"
    reference = "国科发火〔2016〕32号 第九条, 第十条; 指引 四.3"

    def formula_2008_01(e, period, parameters):
        held = e("hte_certificate_held", period)
        y0 = e("hte_certificate_issue_year", period)
        y = period.start.year
        n = parameters(period).hte.conditions.validity_years
        applies = held * (y0 <= y) * (y <= y0 + n - 1)
        expiring = held * (y == y0 + n)
        return np.where(applies, 2, np.where(expiring, 1, 0))


@uses("eit.standard_rate", "eit.hte_rate")
class eit_rate(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "企业所得税 rate used for value estimates (15% while the HTE rate applies, else 25%)"
    reference = "企业所得税法 第四条, 第二十八条"

    def formula_2008_01(e, period, parameters):
        p = parameters(period).eit
        return np.where(e("hte_rate_status", period) == 2, p.hte_rate, p.standard_rate)


class preferential_status(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "holds HTE (valid certificate) or TSME (registration number of the year) status"
    reference = "财税〔2018〕76号"

    def formula_2008_01(e, period):
        return e("hte_certificate_valid", period) + e("tsme_number_issued", period)


@uses("loss_carryforward.standard_years", "loss_carryforward.qualified_years")
class loss_extension_applies(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = (
        "status held this year extends the unrecovered losses of the 5 previous years to 10 years (from 2018)"
    )
    reference = "财税〔2018〕76号 (自2018年1月1日起); 国家税务总局公告2018年第45号"

    def formula_2008_01(e, period, parameters):
        p = parameters(period).loss_carryforward
        return e("preferential_status", period) * (p.qualified_years > p.standard_years)


@uses(
    "loss_carryforward.standard_years",
    "loss_carryforward.qualified_years",
    "loss_carryforward.lookahead_years",
)
class loss_carryforward_years(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = int
    label = "years a loss of this year may be carried forward (10 when status is held in any of the next 5 years from 2018)"
    reference = "财税〔2018〕76号; 国家税务总局公告2018年第45号"

    def formula_2008_01(e, period, parameters):
        p = parameters(period).loss_carryforward
        best = np.full(e.count, p.standard_years, dtype=int)
        for k in range(1, int(p.lookahead_years) + 1):
            later = period.offset(k)
            years = parameters(later).loss_carryforward.qualified_years
            best = np.maximum(best, np.where(e("preferential_status", later), years, p.standard_years))
        return best


@uses("tech_transfer.exempt_max")
class tt_exempt(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "技术转让所得 exempt (≤ 500万)"
    reference = "企业所得税法 第二十七条(四); 实施条例 第九十条"

    def formula_2008_01(e, period, parameters):
        income = np.maximum(0.0, e("tech_transfer_income", period))
        return np.minimum(income, parameters(period).tech_transfer.exempt_max)


@uses("tech_transfer.exempt_max")
class tt_halved(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "技术转让所得 above 500万 (taxed at half)"
    reference = "实施条例 第九十条"

    def formula_2008_01(e, period, parameters):
        income = np.maximum(0.0, e("tech_transfer_income", period))
        return np.maximum(0.0, income - parameters(period).tech_transfer.exempt_max)


@uses("tech_transfer.halving", "tech_transfer.rate")
class tt_tax(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "tax on technology-transfer income = halved part × 25% × 50%"
    reference = "实施条例 第九十条; 国税函〔2010〕157号 [M]"

    def formula_2008_01(e, period, parameters):
        p = parameters(period).tech_transfer
        return e("tt_halved", period) * p.rate * p.halving


class tt_relief_value(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "tax relieved compared with 25% on the whole income"
    reference = "estimate"

    def formula_2008_01(e, period, parameters):
        rate = parameters(period).tech_transfer.rate
        return (e("tt_exempt", period) + e("tt_halved", period)) * rate - e("tt_tax", period)


@uses("eit.standard_rate", "eit.hte_rate")
class hte_rate_value(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "tax saved by the 15% rate on this year's taxable income (held now, or expected per year once recognised)"
    reference = "企业所得税法 第二十八条"

    def formula_2008_01(e, period, parameters):
        p = parameters(period).eit
        base = np.maximum(0.0, e("taxable_income", period)) * (p.standard_rate - p.hte_rate)
        held = e("hte_rate_status", period) == 2
        expected = e("hte_eligibility", period) == 1
        return np.where(held + expected, base, 0.0)

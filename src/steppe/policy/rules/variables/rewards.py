"""Inner Mongolia rewards with known amounts, and the 包头 city items (location-scoped)."""

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ..entities import Enterprise
from .common import uses

YEAR = DateUnit.YEAR


@uses("rewards.nmg.first_hte")
class reward_first_hte(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = (
        "自治区 首次认定高新技术企业 30万, expected on recognition in Y+1 (only when the pre-check says yes)"
    )
    reference = "内蒙古 2024 惠企政策清单 item 48"

    def formula_2020_01(e, period, parameters):
        amount = parameters(period.offset(1)).rewards.nmg.first_hte
        first = ~e("hte_certificate_held", period)
        return np.where(first * (e("hte_eligibility", period) == 1), amount, 0.0)


@uses("rewards.nmg.first_hte")
class reward_first_hte_possible(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "the same reward when the pre-check says yes or depends on the expert score"
    reference = "内蒙古 2024 惠企政策清单 item 48"

    def formula_2020_01(e, period, parameters):
        amount = parameters(period.offset(1)).rewards.nmg.first_hte
        first = ~e("hte_certificate_held", period)
        return np.where(first * (e("hte_eligibility", period) != 0), amount, 0.0)


def _in_baotou(e, period, parameters):
    prefix = parameters(period).rewards.baotou.region_prefix
    return (e("region_code", period) // 100) == prefix


@uses(
    "rewards.baotou.region_prefix",
    "rewards.baotou.rd_subsidy_rate_small",
    "rewards.baotou.rd_subsidy_rate_other",
    "rewards.baotou.rd_subsidy_cap",
    "rewards.baotou.small_employees_max",
    "rewards.baotou.small_assets_max",
)
class reward_baotou_rd_subsidy(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "包头 R&D post-subsidy on the super-deducted R&D (5% small/micro, 3% others, ≤ 200万), paid the next year"
    reference = "包头市支持工业高质量发展政策清单 [S]"

    def formula_2023_01(e, period, parameters):
        p = parameters(period).rewards.baotou
        small = (e("employees", period) <= p.small_employees_max) * (
            e("total_assets", period) <= p.small_assets_max
        )
        rate = np.where(small, p.rd_subsidy_rate_small, p.rd_subsidy_rate_other)
        base = np.where(e("sd_excluded", period), 0.0, e("sd_eligible_rd", period))
        return np.where(_in_baotou(e, period, parameters), np.minimum(base * rate, p.rd_subsidy_cap), 0.0)


@uses("rewards.baotou.region_prefix", "rewards.baotou.tsme_two_years")
class reward_baotou_tsme_two_years(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "包头: 国家科技型中小企业 in the database two years in a row → 5万"
    reference = "包头市支持工业高质量发展政策清单 [S]"

    def formula_2023_01(e, period, parameters):
        p = parameters(period).rewards.baotou
        two = e("tsme_number_issued", period) * e("tsme_number_issued", period.last_year)
        return np.where(_in_baotou(e, period, parameters) * two, p.tsme_two_years, 0.0)


@uses("rewards.baotou.region_prefix", "rewards.baotou.hte_recognized")
class reward_baotou_hte(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "包头: recognised HTE (city) 30万, expected on recognition in Y+1"
    reference = "包头市支持工业高质量发展政策清单 [S]"

    def formula_2023_01(e, period, parameters):
        p = parameters(period).rewards.baotou
        first = ~e("hte_certificate_held", period)
        yes = first * (e("hte_eligibility", period) == 1)
        return np.where(_in_baotou(e, period, parameters) * yes, p.hte_recognized, 0.0)


@uses(
    "rewards.nmg.innovative_sme",
    "rewards.nmg.specialized_sme",
    "rewards.nmg.little_giant",
    "rewards.nmg.leading_enterprise",
)
class reward_nmg_recognitions(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "自治区 one-time rewards for recognitions this year: 创新型中小企业 20万, 专精特新 50万, 小巨人 100万, 领军企业 300万"
    reference = "内蒙古 2024 惠企政策清单 items 47 and the 领军企业 item"

    def formula_2024_01(e, period, parameters):
        p = parameters(period).rewards.nmg
        return (
            e("new_innovative_sme", period) * p.innovative_sme
            + e("new_specialized_sme", period) * p.specialized_sme
            + e("new_little_giant", period) * p.little_giant
            + e("new_leading_enterprise", period) * p.leading_enterprise
        )


class rewards_total(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "known rewards expected from this year's data, 万元"
    reference = "sum"

    def formula_2008_01(e, period):
        return (
            e("reward_first_hte", period)
            + e("reward_baotou_rd_subsidy", period)
            + e("reward_baotou_tsme_two_years", period)
            + e("reward_baotou_hte", period)
            + e("reward_nmg_recognitions", period)
        )

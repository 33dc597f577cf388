"""高新技术企业认定 pre-check (国科发火〔2016〕32号 + 指引 国科发火〔2016〕195号).

Period = the last accounting year Y; the application is made in Y+1 and its three
accounting years are Y−2, Y−1, Y. The 办法 took effect on 2016-01-01, so the formulas are dated
by the first accounting year they judge: 2015 (formula_2015_01).
"""

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ..entities import Enterprise
from .common import EPS, band, memo, ratio, uses, year_of

YEAR = DateUnit.YEAR
REF = "国科发火〔2016〕32号 高新技术企业认定管理办法"
GUIDE = "国科发火〔2016〕195号 工作指引"

# failed-condition bits of hte_failed_mask, in order
CONDITIONS = [
    "registration_age",
    "owns_ip",
    "hightech_field",
    "tech_staff_ratio",
    "rd_ratio",
    "domestic_rd_share",
    "hightech_revenue_share",
    "innovation_score",
    "compliance",
]


def _three(e, name, period):
    return [e(name, period.offset(k)) for k in (-2, -1, 0)]


class hte_registration_age_days(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = int
    label = "days from registration to the application date"
    reference = REF + " 第十一条(一); " + GUIDE + " 三(一)"

    def formula_2015_01(e, period):
        app = e("hte_application_on", period).astype("datetime64[D]")
        reg = e("registered_on", period).astype("datetime64[D]")
        return (app - reg).astype(int)


@uses("hte.conditions.registration_min_days")
class hte_registration_ok(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "注册成立一年以上 (≥ 365 days)"
    reference = REF + " 第十一条(一)"

    def formula_2015_01(e, period, parameters):
        return (
            e("hte_registration_age_days", period) >= parameters(period).hte.conditions.registration_min_days
        )


class hte_owns_ip(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "拥有知识产权 (Ⅰ类 or Ⅱ类)"
    reference = REF + " 第十一条(二)"

    def formula_2015_01(e, period):
        return (e("ip_class_i", period) + e("ip_class_ii", period)) > 0


class hte_tech_staff_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技人员 / 当年职工总数 (staff under 183 days excluded)"
    reference = REF + " 第十一条(四)"

    def formula_2015_01(e, period):
        return ratio(e("tsme_tech_staff", period), e("tsme_employees", period))


class hte_rd_ratio(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "近三个会计年度 研发费用总额 / 销售收入总额"
    reference = REF + " 第十一条(五)"

    def formula_2015_01(e, period):
        return ratio(sum(_three(e, "rd_expense", period)), sum(_three(e, "revenue", period)))


@uses(
    "hte.conditions.rd_small_revenue_max",
    "hte.conditions.rd_medium_revenue_max",
    "hte.conditions.rd_ratio_small",
    "hte.conditions.rd_ratio_medium",
    "hte.conditions.rd_ratio_large",
)
class hte_rd_ratio_required(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "required R&D intensity by last year's sales revenue (≤5000万: 5%, ≤2亿: 4%, above: 3%)"
    reference = REF + " 第十一条(五)1-3"

    def formula_2015_01(e, period, parameters):
        p = parameters(period).hte.conditions
        s = e("revenue", period)
        return np.where(
            s <= p.rd_small_revenue_max,
            p.rd_ratio_small,
            np.where(s <= p.rd_medium_revenue_max, p.rd_ratio_medium, p.rd_ratio_large),
        )


class hte_domestic_rd_share(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "境内研发费用 / 全部研发费用 (three years)"
    reference = REF + " 第十一条(五)"

    def formula_2015_01(e, period):
        return ratio(sum(_three(e, "rd_expense_in_china", period)), sum(_three(e, "rd_expense", period)))


class hte_total_income(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "总收入 = 收入总额 − 不征税收入"
    reference = GUIDE + " 三(五)"

    def formula_2015_01(e, period):
        return e("income_total", period) - e("non_taxable_income", period)


class hte_hightech_revenue_share(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "近一年高新技术产品(服务)收入 / 同期总收入"
    reference = REF + " 第十一条(六)"

    def formula_2015_01(e, period):
        return ratio(e("hightech_revenue", period), e("hte_total_income", period))


# ---- 创新能力评价 interval ---------------------------------------------------------


def _growth(x1, x2, x3):
    """(rate, computable) for ½(X2/X1 + X3/X2) − 1; X1 ≤ 0 → X3/X2 − 1; X2 ≤ 0 → not computable (0 points)."""
    ok = x2 > 0
    safe2 = np.where(ok, x2, 1.0)
    two = x3 / safe2 - 1
    three = 0.5 * (x2 / np.where(x1 > 0, x1, 1.0) + x3 / safe2) - 1
    g = np.where(x1 > 0, three, two)
    return np.where(ok, np.round(g, 10), 0.0), ok


def _growth_points(e, name, period, parameters):
    return memo(e, "growth:" + name, period, lambda: _growth_points_compute(e, name, period, parameters))


def _growth_points_compute(e, name, period, parameters):
    p = parameters(period).hte.innovation
    x1, x2, x3 = _three(e, name, period)
    g, ok = _growth(x1, x2, x3)
    pos = ok * (g > EPS)
    lo = np.where(pos, band(g, p.growth_thresholds, p.growth_min), 0.0)
    hi = np.where(pos, band(g, p.growth_thresholds, p.growth_max), 0.0)
    d = float(p.growth_thresholds[0])
    amb = pos * (np.abs(g - d) < EPS) * bool(p.growth_band_d_ambiguous)
    lo = np.where(amb, p.growth_min[0], lo)  # band E under 附件4
    return g, ok, lo, hi, amb


_GROWTH_PARAMS = (
    "hte.innovation.growth_thresholds",
    "hte.innovation.growth_min",
    "hte.innovation.growth_max",
    "hte.innovation.growth_band_d_ambiguous",
)


class hte_net_asset_growth(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "净资产增长率 = ½(NA2/NA1 + NA3/NA2) − 1"
    reference = GUIDE + " 三(七)4"

    def formula_2015_01(e, period):
        return _growth(*_three(e, "net_assets", period))[0]


class hte_revenue_growth(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "销售收入增长率 = ½(S2/S1 + S3/S2) − 1"
    reference = GUIDE + " 三(七)4"

    def formula_2015_01(e, period):
        return _growth(*_three(e, "revenue", period))[0]


@uses(*_GROWTH_PARAMS)
class hte_growth_points_min(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "企业成长性 points, lower bound"
    reference = GUIDE + " 三(七)4"

    def formula_2015_01(e, period, parameters):
        a = _growth_points(e, "net_assets", period, parameters)
        b = _growth_points(e, "revenue", period, parameters)
        return a[2] + b[2]


@uses(*_GROWTH_PARAMS)
class hte_growth_points_max(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "企业成长性 points, upper bound"
    reference = GUIDE + " 三(七)4"

    def formula_2015_01(e, period, parameters):
        a = _growth_points(e, "net_assets", period, parameters)
        b = _growth_points(e, "revenue", period, parameters)
        return a[3] + b[3]


@uses(*_GROWTH_PARAMS)
class hte_growth_ambiguous(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = bool
    label = "a growth rate sits exactly on the 5% band-D edge (≥ 5% in the main text, > 5% in 附件4)"
    reference = GUIDE + " 三(七)4 vs 附件4"

    def formula_2015_01(e, period, parameters):
        a = _growth_points(e, "net_assets", period, parameters)
        b = _growth_points(e, "revenue", period, parameters)
        return a[4] + b[4]


def _known(e, name, period, lo, hi):
    """(min, max) of an expert-judged sub-score: its value where given (≥ 0), else [lo, hi]."""
    v = e(name, period)
    if v.size == 0 or v.max() < 0:  # nobody gave it: plain bounds, broadcast later
        return lo, hi
    known = v >= 0
    return np.where(known, np.minimum(v, hi), lo), np.where(known, np.minimum(v, hi), hi)


def _ip_interval(e, period, parameters):
    return memo(e, "ip_interval", period, lambda: _ip_interval_compute(e, period, parameters))


def _ip_interval_compute(e, period, parameters):
    p = parameters(period).hte.innovation
    has_i = e("ip_class_i", period) >= 1
    n2 = e("ip_class_ii", period)
    has_ip = e("hte_owns_ip", period)
    q_lo = np.where(
        has_i,
        p.ip_quantity_class_i_range[0],
        band(n2, p.ip_quantity_class_ii_thresholds, p.ip_quantity_class_ii_min),
    )
    q_hi = np.where(
        has_i,
        p.ip_quantity_class_i_range[1],
        band(n2, p.ip_quantity_class_ii_thresholds, p.ip_quantity_class_ii_max),
    )
    m_adv, m_core, m_acq, m_bonus = (float(x) for x in p.ip_expert_max)
    adv = _known(e, "expert_ip_advancement", period, 0.0, m_adv)
    core = _known(e, "expert_ip_core_support", period, 0.0, m_core)
    acq = _known(e, "expert_ip_acquisition", period, float(p.ip_acquisition_min), m_acq)
    bonus = _known(e, "expert_standard_bonus", period, 0.0, m_bonus)
    lo = q_lo + adv[0] + core[0] + acq[0] + bonus[0]
    hi = q_hi + adv[1] + core[1] + acq[1] + bonus[1]
    cap = p.ip_total_max
    # without IP every IP sub-item is 无 → 0
    return np.where(has_ip, np.minimum(lo, cap), 0.0), np.where(has_ip, np.minimum(hi, cap), 0.0)


_IP_PARAMS = (
    "hte.innovation.ip_quantity_class_i_range",
    "hte.innovation.ip_quantity_class_ii_thresholds",
    "hte.innovation.ip_quantity_class_ii_min",
    "hte.innovation.ip_quantity_class_ii_max",
    "hte.innovation.ip_expert_max",
    "hte.innovation.ip_acquisition_min",
    "hte.innovation.ip_total_max",
)


@uses(*_IP_PARAMS)
class hte_ip_points_min(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "知识产权 points, lower bound (expert-judged sub-items at their minimum unless given)"
    reference = GUIDE + " 三(七)1"

    def formula_2015_01(e, period, parameters):
        return _ip_interval(e, period, parameters)[0]


@uses(*_IP_PARAMS)
class hte_ip_points_max(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "知识产权 points, upper bound"
    reference = GUIDE + " 三(七)1"

    def formula_2015_01(e, period, parameters):
        return _ip_interval(e, period, parameters)[1]


class hte_years_in_window(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "accounting years of operation within Y−2..Y (actual period if under 3 years)"
    reference = REF + " 第十一条(五); " + GUIDE + " 三(七)2"

    def formula_2015_01(e, period):
        first = year_of(e("registered_on", period))
        y = period.start.year
        return np.clip(y - np.maximum(first, y - 2) + 1, 1, 3).astype(float)


class hte_conversions_average(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "近三年年均科技成果转化数"
    reference = GUIDE + " 三(七)2"

    def formula_2015_01(e, period):
        return sum(_three(e, "conversions", period)) / e("hte_years_in_window", period)


_CONV = (
    "hte.innovation.conversion_thresholds",
    "hte.innovation.conversion_min",
    "hte.innovation.conversion_max",
)


@uses(*_CONV)
class hte_conversion_points_min(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技成果转化能力 points, lower bound"
    reference = GUIDE + " 三(七)2"

    def formula_2015_01(e, period, parameters):
        p = parameters(period).hte.innovation
        return band(e("hte_conversions_average", period), p.conversion_thresholds, p.conversion_min)


@uses(*_CONV)
class hte_conversion_points_max(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "科技成果转化能力 points, upper bound"
    reference = GUIDE + " 三(七)2"

    def formula_2015_01(e, period, parameters):
        p = parameters(period).hte.innovation
        return band(e("hte_conversions_average", period), p.conversion_thresholds, p.conversion_max)


@uses("hte.innovation.management_max")
class hte_innovation_points_min(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "创新能力评价 total, lower bound"
    reference = GUIDE + " 三(七)"

    def formula_2015_01(e, period, parameters):
        m = _known(e, "expert_rd_management", period, 0.0, parameters(period).hte.innovation.management_max)
        return (
            e("hte_ip_points_min", period)
            + e("hte_conversion_points_min", period)
            + m[0]
            + e("hte_growth_points_min", period)
        )


@uses("hte.innovation.management_max")
class hte_innovation_points_max(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = float
    label = "创新能力评价 total, upper bound"
    reference = GUIDE + " 三(七)"

    def formula_2015_01(e, period, parameters):
        m = _known(e, "expert_rd_management", period, 0.0, parameters(period).hte.innovation.management_max)
        return (
            e("hte_ip_points_max", period)
            + e("hte_conversion_points_max", period)
            + m[1]
            + e("hte_growth_points_max", period)
        )


@uses(
    "hte.conditions.tech_staff_ratio_min",
    "hte.conditions.domestic_rd_share_min",
    "hte.conditions.hightech_revenue_share_min",
    "hte.conditions.innovation_pass_min",
)
class hte_failed_mask(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = int
    label = "bit mask of failed conditions (order: hte.CONDITIONS)"
    reference = REF + " 第十一条"

    def formula_2015_01(e, period, parameters):
        p = parameters(period).hte.conditions
        fails = [
            ~e("hte_registration_ok", period),
            ~e("hte_owns_ip", period),
            ~e("in_hightech_field", period),
            e("hte_tech_staff_ratio", period) + EPS < p.tech_staff_ratio_min,
            e("hte_rd_ratio", period) + EPS < e("hte_rd_ratio_required", period),
            e("hte_domestic_rd_share", period) + EPS < p.domestic_rd_share_min,
            e("hte_hightech_revenue_share", period) + EPS < p.hightech_revenue_share_min,
            e("hte_innovation_points_max", period) < p.innovation_pass_min,
            # 365 days before an application in Y+1: year Y and Y+1 up to the application (指引)
            ~(e("compliance_ok", period) * e("compliance_ok", period.offset(1))),
        ]
        mask = np.zeros(e.count, dtype=np.int32)
        for bit, f in enumerate(fails):
            mask |= np.asarray(f, dtype=np.int32) << bit
        return mask


@uses("hte.conditions.innovation_pass_min")
class hte_eligibility(Variable):
    entity = Enterprise
    definition_period = YEAR
    value_type = int
    label = "1 qualifies, 0 does not, −1 depends on the expert-judged part of the innovation score"
    reference = REF + " 第十一条"

    def formula_2015_01(e, period, parameters):
        failed = e("hte_failed_mask", period) != 0
        sure = e("hte_innovation_points_min", period) >= parameters(period).hte.conditions.innovation_pass_min
        return np.where(failed, 0, np.where(sure, 1, -1))

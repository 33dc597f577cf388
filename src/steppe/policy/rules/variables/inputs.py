"""Input variables: what an enterprise declares (amounts in 万元, head counts as annual averages)."""

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ..entities import Enterprise

YEAR = DateUnit.YEAR
ETERNITY = DateUnit.ETERNITY


def _var(name, value_type, label, period=YEAR, default=None, unit=None):
    attrs = {
        "value_type": value_type,
        "entity": Enterprise,
        "definition_period": period,
        "label": label,
    }
    if default is not None:
        attrs["default_value"] = default
    if unit:
        attrs["unit"] = unit
    return type(name, (Variable,), attrs)


# Enterprise attributes (do not change with the year)
registered_on = _var("registered_on", date, "成立(注册)日期", ETERNITY)
region_code = _var("region_code", int, "所在地区 GB/T 2260 code (county)", ETERNITY)
hte_certificate_held = _var("hte_certificate_held", bool, "持有高新技术企业证书", ETERNITY)
hte_certificate_issued_on = _var("hte_certificate_issued_on", date, "高新技术企业证书颁发日期", ETERNITY)
taxed_on_actual_accounts = _var(
    "taxed_on_actual_accounts", bool, "查账征收 (not 核定征收), resident enterprise", ETERNITY, True
)
ic_or_machine_tool = _var("ic_or_machine_tool", bool, "集成电路企业或工业母机企业 (2023年第44号)", ETERNITY)
in_hightech_field = _var(
    "in_hightech_field", bool, "核心技术属于《国家重点支持的高新技术领域》", ETERNITY, True
)
national_award_5y = _var("national_award_5y", bool, "近五年获得国家级科技奖励且排名前三", ETERNITY)
rd_institution = _var("rd_institution", bool, "拥有经认定的省部级以上研发机构", ETERNITY)
led_standard_5y = _var("led_standard_5y", bool, "近五年主导制定过国际/国家/行业标准", ETERNITY)

# Yearly declarations
_YEARLY = [
    (
        "compliance_ok",
        bool,
        "无重大安全/质量事故, 严重环境违法, 科研严重失信, 不在经营异常/严重违法失信名单",
        True,
        None,
    ),
    ("employees", float, "职工总数 (annual average)", None, "persons"),
    ("tech_staff", float, "科技人员数 (annual average)", None, "persons"),
    (
        "employees_short_term",
        float,
        "part-time/temporary staff under 183 days included in employees",
        None,
        "persons",
    ),
    ("tech_staff_short_term", float, "of them, counted in tech_staff", None, "persons"),
    ("revenue", float, "销售收入 = 主营业务收入 + 其他业务收入", None, "万元"),
    ("income_total", float, "收入总额 (EIT law 第六条)", None, "万元"),
    ("non_taxable_income", float, "不征税收入", None, "万元"),
    ("investment_income", float, "投资收益", None, "万元"),
    ("negative_list_income", float, "main-business revenue from negative-list industries", None, "万元"),
    ("manufacturing_income", float, "main-business revenue from manufacturing (section C)", None, "万元"),
    ("total_costs", float, "成本费用支出总额", None, "万元"),
    ("total_assets", float, "资产总额", None, "万元"),
    ("net_assets", float, "净资产 = 资产总额 − 负债总额 (year end)", None, "万元"),
    ("hightech_revenue", float, "高新技术产品(服务)收入", None, "万元"),
    ("rd_expense", float, "研发费用总额", None, "万元"),
    ("rd_expense_in_china", float, "在中国境内发生的研发费用", None, "万元"),
    ("rd_five_expensed", float, "five-item base (items 1-5) of expensed projects", None, "万元"),
    (
        "rd_five_capitalized",
        float,
        "five-item base of capitalised projects whose IA is formed this year",
        None,
        "万元",
    ),
    ("rd_other_expensed", float, "其他相关费用 of expensed projects (actual)", None, "万元"),
    ("rd_other_capitalized", float, "其他相关费用 of capitalised projects (actual)", None, "万元"),
    (
        "rd_other_allowed_by_project",
        float,
        "Σ_p min(other_p, five_p × r/(1−r)) (per-project cap, ≤2020)",
        None,
        "万元",
    ),
    ("rd_other_limit_by_project", float, "Σ_p five_p × r/(1−r) (per-project limit, ≤2020)", None, "万元"),
    (
        "rd_other_allowed_capitalized_by_project",
        float,
        "the part of rd_other_allowed_by_project that belongs to capitalised projects (≤2020)",
        None,
        "万元",
    ),
    ("rd_ia_amortization", float, "this year's amortisation of IAs formed by R&D", None, "万元"),
    (
        "rd_special_income",
        float,
        "特殊收入 from R&D (scrap, trial products) and sold-product materials",
        None,
        "万元",
    ),
    ("rd_entrusted_domestic", float, "amount paid for R&D entrusted in China", None, "万元"),
    ("rd_entrusted_overseas", float, "amount paid for R&D entrusted to overseas organisations", None, "万元"),
    ("rd_q4_share", float, "share of 2022 R&D incurred in Q4 (−1: unknown, use 3/12)", -1.0, None),
    ("ip_class_i", float, "Ⅰ类知识产权 held", None, None),
    ("ip_class_ii", float, "Ⅱ类知识产权 held", None, None),
    ("conversions", float, "科技成果转化 that year", None, None),
    ("taxable_income", float, "应纳税所得额 before the HTE rate (for value estimates)", None, "万元"),
    ("tech_transfer_income", float, "技术转让所得 (income − costs − taxes)", None, "万元"),
    ("tsme_number_issued", bool, "科技型中小企业 入库登记编号 of this year held", None, None),
    ("tsme_number_code_zero", bool, "that number's 11th character is 0", None, None),
    ("rd_aux_ledger", bool, "研发费用辅助账 kept", True, None),
    ("new_innovative_sme", bool, "recognised 自治区 创新型中小企业 this year", None, None),
    ("new_specialized_sme", bool, "recognised 专精特新中小企业 this year", None, None),
    ("new_little_giant", bool, 'recognised 专精特新"小巨人" this year', None, None),
    ("new_leading_enterprise", bool, "first recognised 自治区科技领军企业 this year", None, None),
    ("expert_ip_advancement", float, "expert score 技术先进程度 (−1: unknown)", -1.0, None),
    ("expert_ip_core_support", float, "expert score 核心支持作用 (−1: unknown)", -1.0, None),
    ("expert_ip_acquisition", float, "expert score 获得方式 (−1: unknown)", -1.0, None),
    ("expert_standard_bonus", float, "expert score 标准加分 (−1: unknown)", -1.0, None),
    ("expert_rd_management", float, "expert score 研究开发组织管理水平 (−1: unknown)", -1.0, None),
]

YEARLY_INPUTS = [name for name, *_ in _YEARLY]
ENTERPRISE_INPUTS = [
    "registered_on",
    "region_code",
    "hte_certificate_held",
    "hte_certificate_issued_on",
    "taxed_on_actual_accounts",
    "ic_or_machine_tool",
    "in_hightech_field",
    "national_award_5y",
    "rd_institution",
    "led_standard_5y",
]

_generated = {name: _var(name, vt, label, YEAR, default, unit) for name, vt, label, default, unit in _YEARLY}
globals().update(_generated)


class hte_application_on(Variable):
    value_type = date
    entity = Enterprise
    definition_period = YEAR
    label = "高新技术企业 application date (default: 1 January of the year after the accounting year)"

    def formula(enterprise, period):
        n = enterprise.count
        return np.full(n, np.datetime64(f"{period.start.year + 1}-01-01"), dtype="datetime64[D]")

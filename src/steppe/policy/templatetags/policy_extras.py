"""Display helpers for the policy pages (labels in the active language, percentages).

The labels are Chinese msgids marked with gettext_noop and translated when a filter runs, so the
English switch (locale/en) applies to them."""

import re

from django import template
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as _

register = template.Library()

CONDITION_LABELS = {
    "registration_age": _("注册成立满一年"),
    "owns_ip": _("拥有知识产权"),
    "hightech_field": _("属于国家重点支持的高新技术领域"),
    "tech_staff_ratio": _("科技人员占比 ≥ 10%"),
    "rd_ratio": _("近三年研发费用占销售收入比例（按收入规模 5%、4%、3%）"),
    "domestic_rd_share": _("境内研发费用占比 ≥ 60%"),
    "hightech_revenue_share": _("高新技术产品(服务)收入占比 ≥ 60%"),
    "innovation_score": _("创新能力评价可达 71 分"),
    "compliance": _("申请前一年内无重大事故或严重违法"),
}
ROUTE_LABELS = {
    "score": _("评分达标"),
    "direct_hte": _("直接认定：有效高企证书"),
    "direct_award": _("直接认定：国家级科技奖励"),
    "direct_rd_institution": _("直接认定：省部级以上研发机构"),
    "direct_standard": _("直接认定：主导制定标准"),
}

POLICY_LABELS = {
    "tsme": _("科技型中小企业"),
    "hte": _("高新技术企业"),
    "super_deduction": _("研发费用加计扣除"),
    "tech_transfer": _("技术转让所得"),
}


@register.filter
def policy_label(code):
    return gettext(POLICY_LABELS[code]) if code in POLICY_LABELS else code


@register.filter
def pct(value, digits=1):
    """0.0429 -> '4.3%'."""
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def condition_label(code):
    return gettext(CONDITION_LABELS[code]) if code in CONDITION_LABELS else code


@register.filter
def route_label(code):
    return gettext(ROUTE_LABELS[code]) if code in ROUTE_LABELS else (code or "—")


@register.filter
def region_name(region):
    """A region's name in the active language: the English name under the English switch."""
    if region is None:
        return ""
    if get_language() == "en" and getattr(region, "name_en", ""):
        return region.name_en
    return region.name


@register.filter
def distance_message(item):
    """A calculator 'distance' item's message: the engine gives a Chinese one and an English one."""
    if get_language() == "en" and item.get("message_en"):
        return item["message_en"]
    return item.get("message", "")


# the engine's assumptions (English in the API's JSON) in the page's words
_NOTES = [
    (re.compile(r"enterprise\.registered_on not given: .*"), _("未填写成立日期：假定在三个会计年度之前已成立"), ()),
    (re.compile(r"hightech_field not given: .*"), _("未填写高新技术领域：假定属于国家重点支持的八大领域"), ()),
    (re.compile(r"compliance_ok not given: .*"), _("未填写合规情况：假定无事故、违法、失信或异常名录记录"), ()),
    (re.compile(r"years\.(\d{4})\.income_total not given: .*"),
     _("%(year)s 年未填写收入总额：按销售收入 + 投资收益 + 不征税收入计"), ("year",)),
    (re.compile(r"years\.(\d{4})\.rd_expense_in_china not given: .*"),
     _("%(year)s 年未填写境内研发费用：假定研发费用全部发生在境内"), ("year",)),
    (re.compile(r"years\.(\d{4})\.income_by_industry not given: all revenue assigned to (\S+)"),
     _("%(year)s 年未填写分行业收入：全部收入计入 %(code)s"), ("year", "code")),
    (re.compile(r"years\.(\d{4})\.rd_projects not given: .*"),
     _("%(year)s 年未填写研发项目：研发费用按一个费用化项目的前五项费用计"), ("year",)),
    (re.compile(r"years\.(\d{4}) not given: .*"), _("%(year)s 年没有数据：其金额按 0 计"), ("year",)),
]  # fmt: skip


@register.filter
def note_label(note: str) -> str:
    """An assumption the engine made, in the page's language (unknown ones as they are)."""
    for pattern, text, names in _NOTES:
        m = pattern.fullmatch(note or "")
        if m:
            return gettext(text) % dict(zip(names, m.groups(), strict=False))
    return note
